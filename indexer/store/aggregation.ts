/**
 * Rollups: an `@aggregation`'s rows computed from its source timeseries, as graph-node computes them.
 *
 * A bucket `[start, start + interval)` is rolled up once, when the first block whose timestamp is at or past
 * its end is committed; the rows it gets carry that block as `block_start`. One row per group of dimension
 * values that has data points in the bucket (a bucket without data points gets no row): `timestamp` is the
 * bucket's start, `id` the largest data point id of the group (unique, as every data point lies in one group of
 * one bucket), and each `@aggregate` field its function over the group's data points, in id order for `first`
 * and `last`. A cumulative aggregate also folds in the latest earlier row with the same dimensions.
 */
import { INTERVAL_SECONDS, storedFields, type AggregationInterval, type EntityModel, type FieldModel, type SchemaModel } from "../schema.ts";
import type { Db } from "./db.ts";
import { aggregationTable, column, entityTable, intervalStart, quote, secondsToTimestamp } from "./layout.ts";
import { qualified } from "./rows.ts";

/** One interval of one aggregation, with its SQL prepared. */
export interface Rollup {
  aggregation: EntityModel;
  interval: AggregationInterval;
  /** The qualified source timeseries table. */
  sourceTable: string;
  /** Inserts the rows of one bucket. Parameters: $1 bucket start, $2 bucket end (microseconds), $3 block. */
  insertSql: string;
}

/** The rollups of every aggregation in the schema. */
export function rollupsOf(schema: SchemaModel, namespace: string): Rollup[] {
  const rollups: Rollup[] = [];
  for (const aggregation of schema.entities.values()) {
    if (aggregation.kind !== "aggregation") continue;
    const source = schema.entities.get(aggregation.aggregation!.source)!;
    for (const interval of aggregation.aggregation!.intervals) {
      const sourceTable = qualified(namespace, entityTable(source));
      const table = qualified(namespace, aggregationTable(aggregation, interval));
      rollups.push({ aggregation, interval, sourceTable, insertSql: bucketInsertSql(aggregation, sourceTable, table) });
    }
  }
  return rollups;
}

/**
 * Rolls up every bucket that the block at `toSeconds` closes: those ending after the previous head's time
 * `fromSeconds` (null when nothing was committed before) and at or before `toSeconds`.
 */
export async function rollUp(db: Db, rollups: Rollup[], fromSeconds: number | null, toSeconds: number, block: number): Promise<void> {
  for (const rollup of rollups) {
    const width = INTERVAL_SECONDS[rollup.interval];
    const from = fromSeconds === null ? null : intervalStart(fromSeconds, rollup.interval);
    const to = intervalStart(toSeconds, rollup.interval);
    if (from !== null && to <= from) continue;
    // Int8 parameters as decimal strings: every PostgreSQL driver passes those through.
    const params: unknown[] = [secondsToTimestamp(width).toString(), secondsToTimestamp(to).toString()];
    if (from !== null) params.push(secondsToTimestamp(from).toString());
    const { rows } = await db.query<{ bucket: bigint | string }>(
      `SELECT DISTINCT timestamp - timestamp % $1::int8 AS bucket FROM ${rollup.sourceTable}
        WHERE timestamp < $2::int8${from === null ? "" : " AND timestamp >= $3::int8"} ORDER BY bucket`,
      params,
    );
    for (const { bucket } of rows) {
      const start = BigInt(bucket);
      await db.query(rollup.insertSql, [start.toString(), (start + secondsToTimestamp(width)).toString(), block]);
    }
  }
}

function bucketInsertSql(aggregation: EntityModel, sourceTable: string, table: string): string {
  const fields = storedFields(aggregation).filter((f) => f.name !== "id" && f.name !== "timestamp");
  const dimensions = fields.filter((f) => !f.aggregate);
  const aggregates = fields.filter((f) => f.aggregate);
  const cumulative = aggregates.some((f) => f.aggregate!.cumulative);
  const dims = dimensions.map((f) => quote(column(f)));

  const bucket = [
    `SELECT max(id) AS id${dims.map((d) => `, ${d}`).join("")}`,
    ...aggregates.map((f) => `, ${aggregateOverBucket(f)} AS ${quote(column(f))}`),
    ` FROM ${sourceTable} WHERE timestamp >= $1::int8 AND timestamp < $2::int8`,
    dims.length ? ` GROUP BY ${dims.join(", ")}` : "",
    ` HAVING count(*) > 0`,
  ].join("");

  const values = aggregates.map((f) => (cumulative && f.aggregate!.cumulative ? combinedWithPrevious(f) : `bucket.${quote(column(f))}`));
  const previous = cumulative
    ? ` LEFT JOIN LATERAL (SELECT * FROM ${table} prev WHERE prev.timestamp < $1::int8` +
      dims.map((d) => ` AND prev.${d} = bucket.${d}`).join("") +
      ` ORDER BY prev.timestamp DESC LIMIT 1) prev ON true`
    : "";
  const columns = ["block_start", "id", "timestamp", ...dims, ...aggregates.map((f) => quote(column(f)))];
  return (
    `WITH bucket AS (${bucket}) INSERT INTO ${table} (${columns.join(", ")}) ` +
    `SELECT $3::int4, bucket.id, $1::int8${dims.map((d) => `, bucket.${d}`).join("")}${values.map((v) => `, ${v}`).join("")} ` +
    `FROM bucket${previous}`
  );
}

/** The aggregate over one bucket's data points of a group. */
function aggregateOverBucket(field: FieldModel): string {
  const { fn, arg } = field.aggregate!;
  const source = arg === undefined ? "" : quote(arg);
  switch (fn) {
    case "count":
      return "count(*)";
    case "sum":
    case "min":
    case "max":
      return `${fn}(${source})`;
    case "first":
      return `(array_agg(${source} ORDER BY id))[1]`;
    case "last":
      return `(array_agg(${source} ORDER BY id DESC))[1]`;
  }
}

/** A cumulative aggregate: this bucket's value folded into the previous row's (a missing side counts as none). */
function combinedWithPrevious(field: FieldModel): string {
  const name = quote(column(field));
  const both = `FROM (VALUES (prev.${name}), (bucket.${name})) AS pair(v)`;
  switch (field.aggregate!.fn) {
    case "count":
    case "sum":
      return `(SELECT sum(v) ${both})`;
    case "min":
      return `(SELECT min(v) ${both})`;
    case "max":
      return `(SELECT max(v) ${both})`;
    case "first":
      return `CASE WHEN prev.vid IS NULL THEN bucket.${name} ELSE prev.${name} END`;
    case "last":
      return `bucket.${name}`;
  }
}
