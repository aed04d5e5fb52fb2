/**
 * A `where` argument as an SQL condition. Keys follow graph-node's filter names: `field` (equality),
 * `field_<op>` for the comparison, list and text operations, `field_` for a filter on the referenced
 * (or deriving) entities, `and` / `or` for lists of filters, and `_change_block: { number_gte }`.
 * Every value is a parameter; nested filters read the other table at the same block.
 */
import { implementersOf, type EntityModel, type FieldModel, type SchemaModel } from "../schema.ts";
import { indexedPrefix } from "../store/attributeIndexes.ts";
import { QueryError } from "./errors.ts";
import { blockCondition, col, fieldParam, qualifiedTable, scalarParam, scalarSqlType, type SqlParams } from "./sql.ts";
import { normaliseHex } from "./scalars.ts";

/** What a filter needs besides the `where` value. */
export interface FilterContext {
  schema: SchemaModel;
  namespace: string;
  params: SqlParams;
  block: number | null;
  /** Fresh table aliases for nested filters. */
  nextAlias: () => string;
}

/** Operations by suffix, longest first so that `_not_in` wins over `_in`. */
export const FILTER_OPS = [
  "not_contains_nocase", "not_starts_with_nocase", "not_ends_with_nocase",
  "contains_nocase", "starts_with_nocase", "ends_with_nocase",
  "not_starts_with", "not_ends_with", "not_contains", "starts_with", "ends_with",
  "contains", "not_in", "not", "gte", "lte", "gt", "lt", "in",
] as const;
/** A filter operation; `eq` is the bare field name. */
export type FilterOp = (typeof FILTER_OPS)[number] | "eq";

/** Splits a filter key into its field and operation; `undefined` when no field of `entity` matches. */
export function parseFilterKey(entity: EntityModel, key: string): { field: FieldModel; op: FilterOp | "child" } | undefined {
  const direct = entity.field.get(key);
  if (direct) return { field: direct, op: "eq" };
  if (key.endsWith("_")) {
    const field = entity.field.get(key.slice(0, -1));
    if (field?.reference) return { field, op: "child" };
  }
  for (const op of FILTER_OPS) {
    if (key.endsWith(`_${op}`)) {
      const field = entity.field.get(key.slice(0, -(op.length + 1)));
      if (field) return { field, op };
    }
  }
  return undefined;
}

/** The SQL condition of `where` over rows of `entity` aliased `alias` (`TRUE` for an empty filter). */
export function filterSql(context: FilterContext, entity: EntityModel, alias: string, where: Record<string, unknown> | null | undefined): string {
  if (!where) return "TRUE";
  if (where.or !== undefined) {
    // graph-node refuses `or` beside column filters (`and` may mix): they belong inside each `or` branch.
    const columns = Object.keys(where).filter((key) => key !== "or" && key !== "and" && where[key] !== undefined).sort();
    if (columns.length > 0) {
      throw new QueryError(
        `Cannot mix column filters with 'or' operator at the same level. Found column filter(s) ${columns.map((key) => `'${key}'`).join(", ")} alongside 'or' operator.`,
      );
    }
  }
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === "and" || key === "or") {
      if (!Array.isArray(value)) throw new QueryError(`filter \`${key}\` expects a list of filters`);
      const inner = value.map((item) => `(${filterSql(context, entity, alias, item as Record<string, unknown>)})`);
      // As in graph-node, `and: []` matches every row and `or: []` none.
      parts.push(inner.length === 0 ? (key === "and" ? "TRUE" : "FALSE") : inner.join(key === "and" ? " AND " : " OR "));
      continue;
    }
    if (key === "_change_block") {
      const gte = (value as { number_gte?: unknown } | null)?.number_gte;
      if (typeof gte !== "number") throw new QueryError("filter `_change_block` needs `number_gte`");
      parts.push(`${alias}.block_start >= ${context.params.add(gte, "int4")}`);
      continue;
    }
    const parsed = parseFilterKey(entity, key);
    if (!parsed) throw new QueryError(`Type \`${entity.name}\` has no filter \`${key}\``);
    const { field, op } = parsed;
    if (op === "child") {
      parts.push(childFilterSql(context, entity, alias, field, value as Record<string, unknown>, key));
    } else {
      parts.push(valueFilterSql(context, alias, field, op, value, key));
    }
  }
  return parts.length === 0 ? "TRUE" : parts.map((p) => `(${p})`).join(" AND ");
}

/** `field_: {…}`: some referenced (or deriving) entity at the same block matches the inner filter. */
function childFilterSql(context: FilterContext, entity: EntityModel, alias: string, field: FieldModel, where: Record<string, unknown>, key: string): string {
  if (where === null || typeof where !== "object") throw new QueryError(`filter \`${key}\` expects an object`);
  // Through an interface, some entity of any type that implements it.
  const tests = implementersOf(context.schema, field.reference!).map((target) => {
    const inner = context.nextAlias();
    let join: string;
    if (field.derivedFrom) {
      const back = target.field.get(field.derivedFrom)!;
      join = back.list ? `${col(alias, "id")} = ANY(${col(inner, back)})` : `${col(inner, back)} = ${col(alias, "id")}`;
    } else {
      join = field.list ? `${col(inner, "id")} = ANY(${col(alias, field)})` : `${col(inner, "id")} = ${col(alias, field)}`;
    }
    const table = qualifiedTable(context.namespace, { entity: target });
    const block = blockCondition(context.params, inner, context.block);
    return `EXISTS (SELECT 1 FROM ${table} ${inner} WHERE ${join} AND ${block} AND ${filterSql(context, target, inner, where)})`;
  });
  return tests.length === 1 ? tests[0]! : `(${tests.join(" OR ")})`;
}

/** Turns a filter value into the field's stored form, checking what the GraphQL type could not. */
function inputValue(field: FieldModel, value: unknown, key: string): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => inputValue(field, item, key));
  // Reference filters take the id as a String; check it has the id's form.
  if (field.reference && field.scalar === "Bytes") {
    const hex = normaliseHex(value);
    if (hex === undefined) throw new QueryError(`filter \`${key}\`: ${JSON.stringify(value)} is not a hex id`);
    return hex;
  }
  if (field.reference && field.scalar === "Int8") return String(value);
  return value;
}

function valueFilterSql(context: FilterContext, alias: string, field: FieldModel, op: FilterOp, raw: unknown, key: string): string {
  const { params } = context;
  const column = col(alias, field);
  const textOp = !field.list && !["eq", "not", "gt", "lt", "gte", "lte", "in", "not_in"].includes(op);
  // A reference to a String or Int8 id is searched as text; one to a Bytes id is decoded as bytes (below), as in graph-node.
  if (textOp && field.reference && field.scalar !== "Bytes") return textFilterSql(context, column, field, op, raw, key);
  const value = inputValue(field, raw, key);
  const scalarValue = () => fieldParam(params, field, value);
  if (value === null && (op === "eq" || op === "not")) return `${column} IS ${op === "not" ? "NOT " : ""}NULL`;
  if (value === null) throw new QueryError(`filter \`${key}\` does not accept null`);

  if (field.list) {
    switch (op) {
      case "eq": return `${column} = ${scalarValue()}`;
      case "not": return `${column} <> ${scalarValue()}`;
      case "contains": return `${column} @> ${scalarValue()}`;
      case "not_contains": return `NOT (${column} @> ${scalarValue()})`;
      case "contains_nocase":
      case "not_contains_nocase": {
        // Only text has a case; Bytes are lowercase hex already.
        if (field.scalar !== "String") return valueFilterSql(context, alias, field, op === "contains_nocase" ? "contains" : "not_contains", raw, key);
        const lowered = params.add((value as string[]).map((v) => v.toLowerCase()), "text[]");
        const test = `ARRAY(SELECT lower(item) FROM unnest(${column}) AS item) @> ${lowered}`;
        return op === "contains_nocase" ? test : `NOT (${test})`;
      }
      default: throw new QueryError(`filter \`${key}\` is not supported on the list field ${field.name}`);
    }
  }

  switch (op) {
    case "eq": {
      const param = scalarValue();
      // A String or Bytes field's index holds a prefix: the prefix test lets the planner use it.
      const prefix = indexedPrefix(field, column);
      return prefix ? `${prefix} = ${indexedPrefix(field, param)} AND ${column} = ${param}` : `${column} = ${param}`;
    }
    case "not": return `${column} <> ${scalarValue()}`;
    case "gt": return `${column} > ${scalarValue()}`;
    case "lt": return `${column} < ${scalarValue()}`;
    case "gte": return `${column} >= ${scalarValue()}`;
    case "lte": return `${column} <= ${scalarValue()}`;
    case "in":
    case "not_in": {
      if (!Array.isArray(value)) throw new QueryError(`filter \`${key}\` expects a list`);
      const test = `${column} = ANY(${fieldParam(params, field, value, "list")})`;
      return op === "in" ? test : `NOT (${test})`;
    }
    default: return textFilterSql(context, column, field, op, value, key);
  }
}

/** Substring tests, on the text of a String column or the `0x` hex of a Bytes one. */
function textFilterSql(context: FilterContext, column: string, field: FieldModel, op: FilterOp, value: unknown, key: string): string {
  if (typeof value !== "string") throw new QueryError(`filter \`${key}\` expects a string`);
  const nocase = op.endsWith("_nocase");
  const negated = op.startsWith("not_");
  const base = op.replace(/^not_/, "").replace(/_nocase$/, "");
  const not = (test: string) => (negated ? `NOT (${test})` : test);
  if (field.scalar === "Bytes" && base === "contains" && !nocase) {
    // A Bytes filter value is canonical hex, so a byte-wise search matches whole bytes only.
    return not(`position(${context.params.add(scalarParam("Bytes", value), "bytea")} in ${column}) > 0`);
  }
  let text = column;
  let needleText = nocase ? value.toLowerCase() : value;
  if (field.scalar === "Bytes") {
    // A reference to a Bytes id is filtered on its hex text; only a prefix test includes the `0x`.
    text = `('0x' || encode(${column}, 'hex'))`;
    needleText = needleText.toLowerCase();
    if (base !== "starts_with" && needleText.startsWith("0x")) needleText = needleText.slice(2);
  } else if (field.scalar !== "String") {
    text = `${column}::text`;
  }
  if (nocase) text = `lower(${text})`;
  const needle = context.params.add(needleText, scalarSqlType("String"));
  if (base === "contains") return not(`strpos(${text}, ${needle}) > 0`);
  if (base === "starts_with") return not(`starts_with(${text}, ${needle})`);
  if (base === "ends_with") return not(`right(${text}, length(${needle})) = ${needle}`);
  throw new QueryError(`filter \`${key}\` is not supported`);
}
