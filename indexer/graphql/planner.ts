/**
 * Field selections as SQL over the layout of `store/layout.ts`: a collection with its filter, order and
 * page; one entity by id; the entities a batch of references points to; and the children of a batch of
 * parents (derived fields and lists of references), each parent's page cut in SQL by a window function.
 * Every query reads the versions that hold at one block.
 */
import { implementersOf, type EntityModel, type FieldModel, type ScalarType, type SchemaModel } from "../schema.ts";
import type { Db } from "../store/db.ts";
import { bytesToHex, fromSql, quote, type Entity } from "../store/layout.ts";
import { QueryError } from "./errors.ts";
import { filterSql, type FilterContext } from "./filters.ts";
import { blockCondition, col, qualifiedTable, scalarParam, scalarSqlType, SqlParams, type TableRef } from "./sql.ts";
import { readUnion } from "./unionQuery.ts";

/** The largest `first` a query may ask for, as graph-node's default (which sets no limit on `skip`). */
export const MAX_FIRST = 1000;
export const DEFAULT_FIRST = 100;
/** graph-node's default `skip` limit (`GRAPH_GRAPHQL_MAX_SKIP` unset): the largest u32. */
export const MAX_SKIP = 4_294_967_295;

/** What the planner reads from. */
export interface PlannerSource {
  schema: SchemaModel;
  db: Db;
  namespace: string;
}

/** The arguments of a collection field. */
export interface CollectionArgs {
  first?: number | null;
  skip?: number | null;
  orderBy?: string | null;
  orderDirection?: "asc" | "desc" | null;
  where?: Record<string, unknown> | null;
}

/** The block an entity was read at, so that its references are read at the same block. */
export const READ_AT_BLOCK: unique symbol = Symbol("readAtBlock");

/** The entity type a row belongs to, so that an interface's rows resolve to their own GraphQL type. */
export const ENTITY_TYPE: unique symbol = Symbol("entityType");

/** An entity as resolvers see it: its stored fields, the block it was read at and its type. */
export type EntityRow = Entity & { [READ_AT_BLOCK]?: number | null; [ENTITY_TYPE]?: string };

/** An id value as a map key. */
export const idKey = (id: unknown): string => String(id);

export function context(source: PlannerSource, params: SqlParams, block: number | null): FilterContext {
  let aliases = 0;
  return { schema: source.schema, namespace: source.namespace, params, block, nextAlias: () => `t${++aliases}` };
}

/** Checks `first`/`skip` against graph-node's limits. */
export function pageOf(args: CollectionArgs): { first: number; skip: number } {
  const first = args.first ?? DEFAULT_FIRST;
  const skip = args.skip ?? 0;
  // graph-node refuses `first: 0` with this very message.
  if (!Number.isInteger(first) || first <= 0 || first > MAX_FIRST) {
    throw new QueryError(`The \`first\` argument must be between 0 and ${MAX_FIRST}, but is ${first}`);
  }
  if (!Number.isInteger(skip) || skip < 0 || skip > MAX_SKIP) {
    throw new QueryError(`The \`skip\` argument must be between 0 and ${MAX_SKIP}, but is ${skip}`);
  }
  return { first, skip };
}

/** How a collection is ordered: by `key` (null: by id alone), then by id, both in `direction`. */
export interface OrderKey {
  key: string | null;
  direction: "ASC" | "DESC";
}

/**
 * The sort key of rows of `entity` aliased `alias`: the chosen field, or `parent__child` read from the
 * referenced (or deriving) entity at the same block, of whichever type implements an interface target.
 * Without `orderBy`, entities go by id ascending whatever `orderDirection` says, as in graph-node.
 */
export function orderKey(ctx: FilterContext, entity: EntityModel, alias: string, args: CollectionArgs): OrderKey {
  if (!args.orderBy) return { key: null, direction: "ASC" };
  const direction = args.orderDirection === "desc" ? "DESC" : "ASC";
  const refused = () => new QueryError(`Type \`${entity.name}\` cannot be ordered by \`${args.orderBy}\``);
  const [parentName, childName] = args.orderBy.split("__");
  const field = entity.field.get(parentName!);
  if (!field || (field.list && (childName !== undefined || field.derivedFrom))) throw refused();
  if (childName === undefined && !field.derivedFrom) return { key: field.name === "id" ? null : col(alias, field), direction };
  const targets = field.reference ? implementersOf(ctx.schema, field.reference) : [];
  // `derived` alone orders by the deriving entity's id, `derived__child` and `reference__child` by its field.
  const childField = childName ?? "id";
  const branches = targets.map((target) => {
    const child = target.field.get(childField);
    if (!child || child.derivedFrom || child.list || child.reference) throw refused();
    const inner = ctx.nextAlias();
    const block = blockCondition(ctx.params, inner, ctx.block);
    let join: string;
    if (field.derivedFrom) {
      const back = target.field.get(field.derivedFrom)!;
      join = back.list ? `${col(alias, "id")} = ANY(${col(inner, back)})` : `${col(inner, back)} = ${col(alias, "id")}`;
    } else {
      join = `${col(inner, "id")} = ${col(alias, field)}`;
    }
    return `SELECT ${col(inner, child)} AS k, ${col(inner, "id")} AS i FROM ${qualifiedTable(ctx.namespace, { entity: target })} ${inner} WHERE ${join} AND ${block}`;
  });
  if (branches.length === 0) throw refused();
  // Of several deriving entities, the one with the smallest id, which is the one the field resolves to.
  return { key: `(SELECT u.k FROM (${branches.join(" UNION ALL ")}) u ORDER BY u.i LIMIT 1)`, direction };
}

/** The ORDER BY terms: the sort key, then the id; aggregations newest bucket first (timestamp, then id, descending). */
function orderSql(ctx: FilterContext, ref: TableRef, alias: string, args: CollectionArgs): string {
  // Without `orderBy`, an aggregation's buckets come newest first whatever `orderDirection` says, as in graph-node.
  if (ref.interval && !args.orderBy) return `${col(alias, "timestamp")} DESC, ${col(alias, "id")} DESC`;
  const { key, direction } = orderKey(ctx, ref.entity, alias, args);
  return key === null ? `${col(alias, "id")} ${direction}` : `${key} ${direction}, ${col(alias, "id")} ${direction}`;
}

/** A database row as an entity read at `block`. */
export function toEntity(entity: EntityModel, row: Record<string, unknown>, block: number | null): EntityRow {
  const out: EntityRow = {};
  for (const field of entity.fields) {
    if (!field.derivedFrom) out[field.name] = fromSql(field, row[field.name]);
  }
  out[READ_AT_BLOCK] = block;
  out[ENTITY_TYPE] = entity.name;
  return out;
}

/** A page of `ref`'s entities at `block` (a root collection field). */
export async function queryCollection(source: PlannerSource, ref: TableRef, block: number | null, args: CollectionArgs): Promise<EntityRow[]> {
  const { first, skip } = pageOf(args);
  const params = new SqlParams();
  const ctx = context(source, params, block);
  const where = filterSql(ctx, ref.entity, "c", args.where);
  const order = orderSql(ctx, ref, "c", args);
  const sql = `SELECT c.* FROM ${qualifiedTable(source.namespace, ref)} c WHERE ${blockCondition(params, "c", block)} AND ${where} ORDER BY ${order} LIMIT ${params.add(first, "int4")} OFFSET ${params.add(skip, "int4")}`;
  const { rows } = await source.db.query(sql, params.values);
  return rows.map((row) => toEntity(ref.entity, row, block));
}

/** One entity by id at `block`, or null. */
export async function queryById(source: PlannerSource, entity: EntityModel, id: unknown, block: number | null): Promise<EntityRow | null> {
  const found = await loadByIds(source, entity, [id], block);
  return found.get(idKey(id)) ?? null;
}

/** The entities with these ids at `block`, by id key. */
export async function loadByIds(source: PlannerSource, entity: EntityModel, ids: unknown[], block: number | null): Promise<Map<string, EntityRow>> {
  const params = new SqlParams();
  const { rows } = await source.db.query(byIdsStatement(source, params, { entity, ids }, block), params.values);
  return byId(entity, rows, block);
}

/** What `loadChildren` reads: a page of children through `field` for each of `parents`. */
export interface ChildrenRequest {
  field: FieldModel;
  parents: unknown[];
  args: CollectionArgs;
}

/**
 * The statement of a `ChildrenRequest` without its final order: rows of the target's table, each with the
 * parent it belongs to (`__parent`) and its place in that parent's page (`__rank`), cut to the page.
 */
function childrenStatement(source: PlannerSource, params: SqlParams, parentEntity: EntityModel, block: number | null, { field, parents, args }: ChildrenRequest): string {
  const { first, skip } = pageOf(args);
  const target = source.schema.entities.get(field.reference!)!;
  const ctx = context(source, params, block);
  let from: string;
  let join: string;
  if (field.derivedFrom) {
    const back = target.field.get(field.derivedFrom)!;
    const distinct = [...new Map(parents.map((id) => [idKey(id), id])).values()];
    from = `unnest(${params.add(scalarParam(parentEntity.idType, distinct), scalarSqlType(parentEntity.idType, true))}) AS p(parent)`;
    join = back.list ? `p.parent = ANY(${col("c", back)})` : `${col("c", back)} = p.parent`;
  } else {
    const indexes: number[] = [];
    const childIds: unknown[] = [];
    parents.forEach((ids, index) => {
      for (const id of (ids as unknown[] | null) ?? []) {
        indexes.push(index);
        childIds.push(id);
      }
    });
    from = `unnest(${params.add(indexes, "int4[]")}, ${params.add(scalarParam(target.idType, childIds), scalarSqlType(target.idType, true))}) AS p(parent, child)`;
    join = `${col("c", "id")} = p.child`;
  }
  const where = filterSql(ctx, target, "c", args.where);
  const order = orderSql(ctx, { entity: target }, "c", args);
  return `SELECT * FROM (SELECT p.parent AS "__parent", c.*, row_number() OVER (PARTITION BY p.parent ORDER BY ${order}) AS "__rank" FROM ${from} JOIN ${qualifiedTable(source.namespace, { entity: target })} c ON ${join} WHERE ${blockCondition(params, "c", block)} AND ${where}) s WHERE "__rank" > ${params.add(skip, "int8")} AND "__rank" <= ${params.add(skip + first, "int8")}`;
}

/** Rows of a children statement as one list per parent, in `request.parents`' order. */
function childrenByParent(source: PlannerSource, parentEntity: EntityModel, block: number | null, { field, parents }: ChildrenRequest, rows: Record<string, unknown>[]): EntityRow[][] {
  const target = source.schema.entities.get(field.reference!)!;
  const byParent = new Map<string, EntityRow[]>();
  // A derived list's rows carry the parent's id; a stored list's rows the parent's index in `parents`.
  const parentKeyType: ScalarType = field.derivedFrom ? parentEntity.idType : "Int";
  const parentKeyField: FieldModel = { name: "__parent", typeName: parentKeyType, scalar: parentKeyType, list: false, required: true };
  for (const row of rows) {
    const key = idKey(fromSql(parentKeyField, row.__parent));
    let list = byParent.get(key);
    if (!list) byParent.set(key, (list = []));
    list.push(toEntity(target, row, block));
  }
  return parents.map((parent, index) => byParent.get(field.derivedFrom ? idKey(parent) : idKey(index)) ?? []);
}

/**
 * The children of each parent through `field` of `parentEntity`, one page per parent: the entities deriving
 * from the parent (`@derivedFrom`), or those a stored list of references names. `parents` are parent ids
 * for a derived field and id lists for a stored list. Answers one list per parent, in `parents`' order.
 */
export async function loadChildren(
  source: PlannerSource,
  parentEntity: EntityModel,
  field: FieldModel,
  parents: unknown[],
  block: number | null,
  args: CollectionArgs,
): Promise<EntityRow[][]> {
  const request = { field, parents, args };
  const params = new SqlParams();
  const sql = `${childrenStatement(source, params, parentEntity, block, request)} ORDER BY "__parent", "__rank"`;
  const { rows } = await source.db.query(sql, params.values);
  return childrenByParent(source, parentEntity, block, request, rows);
}

/**
 * Several `@derivedFrom` `ChildrenRequest`s of one parent type at one block in one statement (a shopper's
 * issuances, redemptions, transfers…): each request's statement is a branch of a UNION ALL whose rows carry
 * the branch's number, the parent's id and the branch's own columns, the other branches' columns NULL. One
 * round trip and one plan instead of one per list. Answers each request's lists, in `requests`' order.
 */
export async function loadChildrenTogether(source: PlannerSource, parentEntity: EntityModel, requests: ChildrenRequest[], block: number | null): Promise<EntityRow[][][]> {
  const stored = requests.find(({ field }) => !field.derivedFrom);
  if (stored) throw new TypeError(`loadChildrenTogether: ${parentEntity.name}.${stored.field.name} is not a @derivedFrom field`);
  if (requests.length === 1) {
    const [{ field, parents, args }] = requests as [ChildrenRequest];
    return [await loadChildren(source, parentEntity, field, parents, block, args)];
  }
  const params = new SqlParams();
  const branches = requests.map((request) => ({
    entity: source.schema.entities.get(request.field.reference!)!,
    statement: childrenStatement(source, params, parentEntity, block, request),
  }));
  const perBranch = await readUnion(source.db, params, branches, ["__parent", "__rank"], `"__parent", "__rank"`);
  return requests.map((request, branch) => childrenByParent(source, parentEntity, block, request, perBranch[branch]!));
}

/** The entities of `entity` with these `ids`, one type of a `loadByIdsTogether`. */
export interface ByIdsRequest {
  entity: EntityModel;
  ids: unknown[];
}

function byIdsStatement(source: PlannerSource, params: SqlParams, { entity, ids }: ByIdsRequest, block: number | null): string {
  const idList = params.add(scalarParam(entity.idType, ids), scalarSqlType(entity.idType, true));
  return `SELECT c.* FROM ${qualifiedTable(source.namespace, { entity })} c WHERE c.id = ANY(${idList}) AND ${blockCondition(params, "c", block)}`;
}

function byId(entity: EntityModel, rows: Record<string, unknown>[], block: number | null): Map<string, EntityRow> {
  const out = new Map<string, EntityRow>();
  for (const row of rows) {
    const loaded = toEntity(entity, row, block);
    out.set(idKey(loaded.id), loaded);
  }
  return out;
}

/**
 * Entities by id of several types at one block in one statement (the storefronts, scopes and consumers a
 * page of events references): answers each request's entities by id key, in `requests`' order.
 */
export async function loadByIdsTogether(source: PlannerSource, requests: ByIdsRequest[], block: number | null): Promise<Map<string, EntityRow>[]> {
  if (requests.length === 1) return [await loadByIds(source, requests[0]!.entity, requests[0]!.ids, block)];
  const params = new SqlParams();
  const branches = requests.map((request) => ({ entity: request.entity, statement: byIdsStatement(source, params, request, block) }));
  const perBranch = await readUnion(source.db, params, branches, []);
  return requests.map((request, branch) => byId(request.entity, perBranch[branch]!, block));
}

/** The deployment's state from `_meta`, and the parent hash of its head block. */
export interface MetaState {
  deployment: string;
  headNumber: number | null;
  headHash: string | null;
  headTimestamp: bigint | null;
  /** The first block the deployment committed (null: no limit known). */
  earliestBlock: number | null;
  /** Errors the indexer skipped over (`subgraphError: deny` refuses queries then). */
  hasErrors: boolean;
  /** The error that stopped indexing, if any; data up to the head is still served. */
  fatalError: string | null;
}

/** Reads `_meta` (null when the indexer has not written it yet). */
export async function readMeta(source: Pick<PlannerSource, "db" | "namespace">): Promise<MetaState | null> {
  const { rows } = await source.db.query<Record<string, unknown>>(
    `SELECT deployment, head_number, head_hash, head_timestamp, earliest_block, has_errors, fatal_error FROM ${quote(source.namespace)}."_meta" LIMIT 1`,
  );
  const row = rows[0];
  if (!row) return null;
  return {
    deployment: row.deployment as string,
    headNumber: row.head_number === null ? null : Number(row.head_number),
    headHash: row.head_hash ? bytesToHex(row.head_hash as Uint8Array) : null,
    headTimestamp: row.head_timestamp === null ? null : BigInt(row.head_timestamp as bigint),
    earliestBlock: row.earliest_block === null || row.earliest_block === undefined ? null : Number(row.earliest_block),
    hasErrors: row.has_errors === true,
    fatalError: (row.fatal_error as string | null) ?? null,
  };
}

/** A committed block's hash and parent hash by number, or by hash; null when `_blocks` does not hold it. */
export async function readBlock(
  source: Pick<PlannerSource, "db" | "namespace">,
  by: { number: number } | { hash: string },
): Promise<{ number: number; hash: string; parentHash: string; timestamp: bigint } | null> {
  const params = new SqlParams();
  const condition = "number" in by ? `number = ${params.add(by.number, "int4")}` : `hash = ${params.add(scalarParam("Bytes", by.hash), "bytea")}`;
  const { rows } = await source.db.query<Record<string, unknown>>(
    `SELECT number, hash, parent_hash, timestamp FROM ${quote(source.namespace)}."_blocks" WHERE ${condition} LIMIT 1`,
    params.values,
  );
  const row = rows[0];
  if (!row) return null;
  return {
    number: Number(row.number),
    hash: bytesToHex(row.hash as Uint8Array),
    parentHash: bytesToHex(row.parent_hash as Uint8Array),
    timestamp: BigInt(row.timestamp as bigint),
  };
}
