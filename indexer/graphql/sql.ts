/**
 * Pieces every SQL statement of the query planner shares: parameters in order ($1…), table names inside the
 * deployment's namespace, the block constraint, and field values as parameters of their column type.
 */
import type { AggregationInterval, EntityModel, FieldModel, ScalarType } from "../schema.ts";
import { aggregationTable, columnType, entityTable, hexToBytes, quote } from "../store/layout.ts";
import { versionEnd } from "../store/queryIndexes.ts";

/** Collects the parameters of one statement; `add` answers the placeholder, cast to its SQL type. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, sqlType?: string): string {
    this.values.push(value);
    return sqlType ? `$${this.values.length}::${sqlType}` : `$${this.values.length}`;
  }
}

/** The SQL type of a scalar (`bytea`, `numeric`, …), or of a list of it. */
export function scalarSqlType(scalar: ScalarType, list = false): string {
  return columnType({ name: "", typeName: scalar, scalar, list, required: false });
}

/** An input value (scalars already canonical strings; Bytes as hex) as a parameter for a `scalar` column. */
export function scalarParam(scalar: ScalarType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => scalarParam(scalar, item));
  if (scalar === "Bytes") return hexToBytes(value as string);
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** Adds `value` as a parameter typed like `field`'s column, or as a list of its values (`_in` filters). */
export function fieldParam(params: SqlParams, field: FieldModel, value: unknown, shape: "column" | "list" = "column"): string {
  return params.add(scalarParam(field.scalar, value), scalarSqlType(field.scalar, shape === "list" || field.list));
}

/** Which table a query reads: an entity's, or one interval of an aggregation. */
export interface TableRef {
  entity: EntityModel;
  interval?: AggregationInterval;
}

/** `"namespace"."table"` of an entity or an aggregation interval. */
export function qualifiedTable(namespace: string, ref: TableRef): string {
  const table = ref.interval ? aggregationTable(ref.entity, ref.interval) : entityTable(ref.entity);
  return `${quote(namespace)}.${quote(table)}`;
}

/**
 * The versions of `alias`'s rows that hold at `block` (the current ones when no block is known). The end is
 * compared through `versionEnd`, the expression `store/queryIndexes.ts` indexes with the id.
 */
export function blockCondition(params: SqlParams, alias: string, block: number | null): string {
  if (block === null) return `${alias}.block_end IS NULL`;
  const b = params.add(block, "int4");
  return `(${versionEnd(alias)} > ${b} AND ${alias}.block_start <= ${b})`;
}

/** `alias."column"`. */
export const col = (alias: string, field: FieldModel | string): string => `${alias}.${quote(typeof field === "string" ? field : field.name)}`;
