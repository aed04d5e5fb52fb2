/**
 * How entities live in SQL: one table per entity type, one per aggregation interval, and the conversions
 * between the indexer's values and column values. The store writes this layout and the GraphQL query planner
 * reads it; both go through these names, never their own.
 *
 * Every entity table has `vid` (a version's row id), `block_start` (the block that wrote the version) and
 * `block_end` (the first block where the version no longer holds; NULL while it is current). Immutable
 * entities are written once: their `block_end` stays NULL. A query "at block B" reads the versions with
 * `block_start <= B AND (block_end IS NULL OR block_end > B)`, spelt as `queryIndexes.ts` indexes it.
 */
import { createHash } from "node:crypto";

import { INTERVAL_SECONDS, storedFields, type AggregationInterval, type EntityModel, type FieldModel, type SchemaModel } from "../schema.ts";
import { queryIndexesSql } from "./queryIndexes.ts";

/**
 * A field value as host, store and GraphQL pass it: String, ID and enums as `string`; Bytes as lowercase
 * `0x` hex; Int as `number`; Int8, BigInt and Timestamp (microseconds since the epoch) as `bigint`;
 * BigDecimal as a decimal `string`; Boolean as `boolean`; lists as arrays; null for no value.
 */
export type Value = string | number | bigint | boolean | null | Value[];
export type Entity = Record<string, Value>;

/** Double-quotes an SQL identifier. */
export const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The table of an entity or timeseries type. */
export const entityTable = (entity: EntityModel | string): string => (typeof entity === "string" ? entity : entity.name).toLowerCase();

/** The table of one interval of an aggregation (`storefront_stat_hour` style names, lower case). */
export const aggregationTable = (entity: EntityModel | string, interval: AggregationInterval): string =>
  `${entityTable(entity)}_${interval}`;

/** The column of a field: its name as written in the schema. */
export const column = (field: FieldModel | string): string => (typeof field === "string" ? field : field.name);

const SQL_TYPES: Record<FieldModel["scalar"], string> = {
  String: "text",
  Bytes: "bytea",
  Int: "int4",
  Int8: "int8",
  BigInt: "numeric",
  BigDecimal: "numeric",
  Boolean: "boolean",
  Timestamp: "int8",
};

/** The SQL type of a field's column. */
export function columnType(field: FieldModel): string {
  const base = SQL_TYPES[field.scalar];
  return field.list ? `${base}[]` : base;
}

/**
 * A column's type as its table declares it: text columns (String, enums, references to String ids) and
 * lists of them compare and sort byte-wise, in the C collation, as graph-node requires, whatever the
 * database's default collation is (PGlite's is C; a PostgreSQL server's often a language's).
 */
export function columnDdlType(field: FieldModel): string {
  const type = columnType(field);
  return SQL_TYPES[field.scalar] === "text" ? `${type} COLLATE "C"` : type;
}

/** The longest identifier PostgreSQL keeps (it cuts longer ones silently, which could make two names one). */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * The name of an index of `table`. The indexer's own indexes are `<table>__<what>` (id, block_start,
 * current, timestamp); a field's is `<table>_attr_<field>`, so that no field name can take a system index's
 * name (which `CREATE INDEX IF NOT EXISTS` would silently skip). A name over 63 bytes keeps its start and
 * ends in a hash of the whole name.
 */
export function indexName(table: string, index: { system: "id" | "block_start" | "current" | "timestamp" | "id_end" } | { field: string }): string {
  const name = "system" in index ? `${table}__${index.system}` : `${table}_attr_${index.field}`;
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 10);
  return `${Buffer.from(name).subarray(0, MAX_IDENTIFIER_BYTES - hash.length - 1).toString()}_${hash}`;
}

/** The DDL for every table of the schema inside PostgreSQL schema `namespace` (idempotent). */
export function createTablesSql(schema: SchemaModel, namespace: string): string {
  const ns = quote(namespace);
  const statements = [`CREATE SCHEMA IF NOT EXISTS ${ns};`];
  for (const entity of schema.entities.values()) {
    const columns = storedFields(entity).map((f) => `${quote(column(f))} ${columnDdlType(f)}${f.required && !(entity.kind === "aggregation") ? " NOT NULL" : ""}`);
    const tables = entity.kind === "aggregation"
      ? entity.aggregation!.intervals.map((interval) => aggregationTable(entity, interval))
      : [entityTable(entity)];
    for (const table of tables) {
      const t = `${ns}.${quote(table)}`;
      statements.push(
        `CREATE TABLE IF NOT EXISTS ${t} (vid bigserial PRIMARY KEY, block_start int4 NOT NULL, block_end int4, ${columns.join(", ")});`,
        `CREATE INDEX IF NOT EXISTS ${quote(indexName(table, { system: "id" }))} ON ${t} (id, block_start);`,
        `CREATE INDEX IF NOT EXISTS ${quote(indexName(table, { system: "block_start" }))} ON ${t} (block_start);`,
        `CREATE INDEX IF NOT EXISTS ${quote(indexName(table, { system: "current" }))} ON ${t} (id) WHERE block_end IS NULL;`,
      );
      if (entity.kind === "entity" && !entity.immutable) statements.push(...queryIndexesSql(t, quote(indexName(table, { system: "id_end" }))));
      if (entity.kind !== "entity") {
        statements.push(`CREATE INDEX IF NOT EXISTS ${quote(indexName(table, { system: "timestamp" }))} ON ${t} (timestamp);`);
      }
      for (const field of storedFields(entity)) {
        if (field.reference && !field.list) {
          statements.push(`CREATE INDEX IF NOT EXISTS ${quote(indexName(table, { field: field.name }))} ON ${t} (${quote(column(field))});`);
        }
      }
    }
  }
  return statements.join("\n");
}

/** A value as a query parameter for its column. */
export function toSql(field: FieldModel, value: Value): unknown {
  if (value === null || value === undefined) return null;
  if (field.list) return (value as Value[]).map((item) => scalarToSql(field.scalar, item));
  return scalarToSql(field.scalar, value);
}

function scalarToSql(scalar: FieldModel["scalar"], value: Value): unknown {
  if (value === null) return null;
  switch (scalar) {
    case "Bytes":
      return hexToBytes(value as string);
    case "BigInt":
    case "BigDecimal":
    case "Int8":
    case "Timestamp":
      return value.toString();
    default:
      return value;
  }
}

/** A column value read back (as the pg and PGlite drivers return it) into the indexer's value. */
export function fromSql(field: FieldModel, raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  if (field.list) return (raw as unknown[]).map((item) => scalarFromSql(field.scalar, item));
  return scalarFromSql(field.scalar, raw);
}

function scalarFromSql(scalar: FieldModel["scalar"], raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  switch (scalar) {
    case "Bytes":
      return bytesToHex(raw as Uint8Array);
    case "BigInt":
    case "Int8":
    case "Timestamp":
      return BigInt(raw as string | number | bigint);
    case "BigDecimal":
      return String(raw);
    case "Int":
      return Number(raw);
    default:
      return raw as Value;
  }
}

export function hexToBytes(hex: string): Uint8Array {
  const digits = hex.startsWith("0x") ? hex.slice(2) : hex;
  return Uint8Array.from(Buffer.from(digits.length % 2 ? `0${digits}` : digits, "hex"));
}

export function bytesToHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

/** The start (in seconds) of the interval that contains `seconds`. */
export function intervalStart(seconds: number, interval: AggregationInterval): number {
  return seconds - (seconds % INTERVAL_SECONDS[interval]);
}

/** Microseconds since the epoch, as Timestamp values are kept, from seconds. */
export const secondsToTimestamp = (seconds: number | bigint): bigint => BigInt(seconds) * 1_000_000n;

/**
 * The indexer's own tables in `namespace`: `_meta` (one row: the deployment, the head block it has committed,
 * the fatal error that stopped it and the block it failed at, if any; `has_errors` is for errors indexing went past, which
 * this indexer does not make) and `_blocks` (the hash of every committed block that can still
 * be reverted, for reorg detection).
 */
export function createMetaSql(namespace: string): string {
  const ns = quote(namespace);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${ns};`,
    `CREATE TABLE IF NOT EXISTS ${ns}."_meta" (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), deployment text NOT NULL, head_number int4, head_hash bytea, head_timestamp int8, has_errors boolean NOT NULL DEFAULT false, fatal_error text, fatal_block int4, fatal_hash bytea);`,
    // Databases made before the failed block was recorded.
    `ALTER TABLE ${ns}."_meta" ADD COLUMN IF NOT EXISTS fatal_block int4, ADD COLUMN IF NOT EXISTS fatal_hash bytea;`,
    // The first block committed: queries of earlier blocks are refused, as graph-node refuses them.
    `ALTER TABLE ${ns}."_meta" ADD COLUMN IF NOT EXISTS earliest_block int4;`,
    `CREATE TABLE IF NOT EXISTS ${ns}."_blocks" (number int4 PRIMARY KEY, hash bytea NOT NULL, parent_hash bytea NOT NULL, timestamp int8 NOT NULL);`,
  ].join("\n");
}
