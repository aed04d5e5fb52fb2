/**
 * Queries of an interface: its entities live in the tables of the types that implement it, so a page is
 * chosen over the union of those tables (type, id and sort key of each row that matches), then the chosen
 * entities are read whole from their own tables, each as its own type.
 */
import { implementersOf, type EntityModel, type FieldModel } from "../schema.ts";
import { filterSql } from "./filters.ts";
import {
  context, idKey, loadByIds, orderKey, pageOf,
  type CollectionArgs, type EntityRow, type PlannerSource,
} from "./planner.ts";
import { blockCondition, col, qualifiedTable, scalarParam, scalarSqlType, SqlParams } from "./sql.ts";

/** A row the union chose: its type and id, and for children the parent it belongs to. */
interface Chosen {
  type: string;
  id: unknown;
  parent?: unknown;
}

const typeLiteral = (entity: EntityModel): string => `'${entity.name.replace(/'/g, "''")}'::text`;

/** The entities of any of `types` with these ids at `block`, by id key (a type earlier in the list wins a shared id). */
export async function loadAnyByIds(source: PlannerSource, types: EntityModel[], ids: unknown[], block: number | null): Promise<Map<string, EntityRow>> {
  const out = new Map<string, EntityRow>();
  for (const type of types) {
    for (const [key, row] of await loadByIds(source, type, ids, block)) if (!out.has(key)) out.set(key, row);
  }
  return out;
}

/** Reads the chosen rows whole, one query per type, and answers them in the order chosen. */
async function readChosen(source: PlannerSource, types: EntityModel[], chosen: Chosen[], block: number | null): Promise<EntityRow[]> {
  const byType = new Map<string, Map<string, EntityRow>>();
  for (const type of types) {
    const ids = chosen.filter((c) => c.type === type.name).map((c) => c.id);
    if (ids.length > 0) byType.set(type.name, await loadByIds(source, type, ids, block));
  }
  return chosen.map((c) => byType.get(c.type)!.get(idKey(c.id))!);
}

/**
 * One SELECT per type for the union: `__type`, `__id`, `__key` (the sort key, or the id), and whatever
 * `extra` adds, over rows that hold at the block and match the filter. `join` names the rows' source.
 */
function unionSql(
  source: PlannerSource,
  params: SqlParams,
  types: EntityModel[],
  block: number | null,
  args: CollectionArgs,
  from: (type: EntityModel) => { from: string; condition: string; extra: string },
): { sql: string; direction: string } {
  const ctx = context(source, params, block);
  let direction = "ASC";
  const branches = types.map((type) => {
    const order = orderKey(ctx, type, "c", args);
    direction = order.direction;
    const { from: rows, condition, extra } = from(type);
    const where = filterSql(ctx, type, "c", args.where);
    return `SELECT ${typeLiteral(type)} AS "__type", c.id AS "__id", ${order.key ?? "c.id"} AS "__key"${extra} FROM ${rows} WHERE ${condition} AND ${blockCondition(params, "c", block)} AND ${where}`;
  });
  return { sql: branches.join(" UNION ALL "), direction };
}

/** A page of the interface's entities at `block` (a root collection field of an interface). */
export async function queryInterfaceCollection(source: PlannerSource, typeName: string, block: number | null, args: CollectionArgs): Promise<EntityRow[]> {
  const { first, skip } = pageOf(args);
  const types = implementersOf(source.schema, typeName);
  const params = new SqlParams();
  const { sql: union, direction } = unionSql(source, params, types, block, args, (type) => ({
    from: `${qualifiedTable(source.namespace, { entity: type })} c`,
    condition: "TRUE",
    extra: "",
  }));
  const sql = `SELECT u."__type", u."__id" FROM (${union}) u ORDER BY u."__key" ${direction}, u."__id" ${direction}, u."__type" LIMIT ${params.add(first, "int4")} OFFSET ${params.add(skip, "int4")}`;
  const { rows } = await source.db.query<Record<string, unknown>>(sql, params.values);
  const idType = types[0]!.idType;
  const chosen = rows.map((row) => ({ type: row.__type as string, id: idValue(idType, row.__id) }));
  return readChosen(source, types, chosen, block);
}

/**
 * The children of each parent through `field`, whose type is an interface: the entities of every
 * implementer that derive from the parent, or that a stored list names; one page per parent, in `parents`' order.
 */
export async function loadInterfaceChildren(
  source: PlannerSource,
  parentEntity: EntityModel,
  field: FieldModel,
  parents: unknown[],
  block: number | null,
  args: CollectionArgs,
): Promise<EntityRow[][]> {
  const { first, skip } = pageOf(args);
  const types = implementersOf(source.schema, field.reference!);
  const params = new SqlParams();
  let parentsCte: string;
  if (field.derivedFrom) {
    const distinct = [...new Map(parents.map((id) => [idKey(id), id])).values()];
    parentsCte = `SELECT parent, NULL::text AS child FROM unnest(${params.add(scalarParam(parentEntity.idType, distinct), scalarSqlType(parentEntity.idType, true))}) AS p(parent)`;
  } else {
    const indexes: number[] = [];
    const childIds: unknown[] = [];
    parents.forEach((ids, index) => {
      for (const id of (ids as unknown[] | null) ?? []) {
        indexes.push(index);
        childIds.push(id);
      }
    });
    parentsCte = `SELECT parent, child FROM unnest(${params.add(indexes, "int4[]")}, ${params.add(scalarParam(types[0]!.idType, childIds), scalarSqlType(types[0]!.idType, true))}) AS p(parent, child)`;
  }
  const { sql: union, direction } = unionSql(source, params, types, block, args, (type) => {
    let join: string;
    if (field.derivedFrom) {
      const back = type.field.get(field.derivedFrom)!;
      join = back.list ? `p.parent = ANY(${col("c", back)})` : `${col("c", back)} = p.parent`;
    } else {
      join = `${col("c", "id")} = p.child`;
    }
    return { from: `p JOIN ${qualifiedTable(source.namespace, { entity: type })} c ON ${join}`, condition: "TRUE", extra: `, p.parent AS "__parent"` };
  });
  const ranked = `SELECT u.*, row_number() OVER (PARTITION BY u."__parent" ORDER BY u."__key" ${direction}, u."__id" ${direction}, u."__type") AS "__rank" FROM (${union}) u`;
  const sql = `WITH p AS (${parentsCte}) SELECT s."__type", s."__id", s."__parent" FROM (${ranked}) s WHERE "__rank" > ${params.add(skip, "int8")} AND "__rank" <= ${params.add(skip + first, "int8")} ORDER BY "__parent", "__rank"`;
  const { rows } = await source.db.query<Record<string, unknown>>(sql, params.values);
  const idType = types[0]!.idType;
  const parentType = field.derivedFrom ? parentEntity.idType : "Int";
  const chosen: Chosen[] = rows.map((row) => ({ type: row.__type as string, id: idValue(idType, row.__id), parent: idValue(parentType, row.__parent) }));
  const entities = await readChosen(source, types, chosen, block);
  const byParent = new Map<string, EntityRow[]>();
  chosen.forEach((c, index) => {
    const key = idKey(c.parent);
    let list = byParent.get(key);
    if (!list) byParent.set(key, (list = []));
    list.push(entities[index]!);
  });
  return parents.map((parent, index) => byParent.get(field.derivedFrom ? idKey(parent) : idKey(index)) ?? []);
}

/** An id column's value as the indexer keeps ids: Bytes as `0x` hex, Int8 as bigint, text as is. */
function idValue(idType: string, raw: unknown): unknown {
  if (raw instanceof Uint8Array) return `0x${Buffer.from(raw).toString("hex")}`;
  if (idType === "Int8") return BigInt(raw as string | number | bigint);
  if (idType === "Int") return Number(raw);
  return raw;
}
