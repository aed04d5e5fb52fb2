/**
 * Batched writes of entity versions: one INSERT per table for any number of rows, and one UPDATE per table to
 * close versions. Each column travels as one array parameter that PostgreSQL unpacks with `unnest`, so a
 * statement has as many parameters as the table has columns, however many rows it writes (PostgreSQL parses
 * the arrays; the driver sends each as one value).
 */
import type { FieldModel } from "../schema.ts";
import type { Db } from "./db.ts";
import { column, columnType, quote, toSql, type Entity, type Value } from "./layout.ts";

/** `"namespace"."table"`. */
export const qualified = (namespace: string, table: string): string => `${quote(namespace)}.${quote(table)}`;

/** One version to insert: the entity, the block that wrote it, and the block it ends at (null: current). */
export interface VersionRow {
  entity: Entity;
  blockStart: number;
  blockEnd: number | null;
}

/** A current version to close: its id's key (see `entityKey`) and the first block where it no longer holds. */
export interface VersionEnd {
  key: string;
  blockEnd: number;
}

/** Inserts `rows` as versions into `table` (qualified), in one statement. */
export async function insertVersions(db: Db, table: string, fields: FieldModel[], rows: VersionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const starts: number[] = [];
  const ends: (number | null)[] = [];
  for (const row of rows) {
    starts.push(blockNumber(row.blockStart));
    ends.push(row.blockEnd === null ? null : blockNumber(row.blockEnd));
  }
  const params: unknown[] = [starts, ends];
  const selected = ["u.c0", "u.c1"];
  const unpacked = ["$1::int4[]", "$2::int4[]"];
  for (const field of fields) {
    // A list column travels as the text of each row's array (`unnest` would flatten an array of arrays), and a
    // Bytes column as hex text: both are cast in the statement.
    const asText = field.list || field.scalar === "Bytes";
    params.push(rows.map((row) => columnText(field, row.entity[field.name] ?? null)));
    const n = params.length;
    selected.push(asText ? `u.c${n - 1}::${columnType(field)}` : `u.c${n - 1}`);
    unpacked.push(`$${n}::${asText ? "text" : columnType(field)}[]`);
  }
  const columns = ["block_start", "block_end", ...fields.map((f) => quote(column(f)))].join(", ");
  const aliases = params.map((_, i) => `c${i}`).join(", ");
  await db.query(`INSERT INTO ${table} (${columns}) SELECT ${selected.join(", ")} FROM unnest(${unpacked.join(", ")}) AS u(${aliases})`, params);
}

/** Ends the current versions of `ends` in `table` (qualified), each at its own block, in one statement. */
export async function closeVersions(db: Db, table: string, idField: FieldModel, ends: VersionEnd[]): Promise<void> {
  if (ends.length === 0) return;
  await db.query(
    `UPDATE ${table} AS t SET block_end = e.block_end FROM unnest($1::${idField.scalar === "Bytes" ? "text" : columnType(idField)}[], $2::int4[]) AS e(id, block_end)
      WHERE t.block_end IS NULL AND t.id = e.id${idField.scalar === "Bytes" ? "::bytea" : ""}`,
    [ends.map((end) => columnText(idField, end.key)), ends.map((end) => blockNumber(end.blockEnd))],
  );
}

function blockNumber(value: number): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`block number ${value} is not an integer`);
  return value;
}

/**
 * A value as its column's parameter: a list as its array's text, a Bytes value as PostgreSQL's hex text (the
 * entity holds it as `0x` hex already: no bytes are made only to be turned back into hex by the driver).
 */
function columnText(field: FieldModel, value: Value): unknown {
  if (value === null) return null;
  if (field.list) return arrayLiteral(toSql(field, value) as unknown[]);
  if (field.scalar === "Bytes") {
    const digits = (value as string).startsWith("0x") ? (value as string).slice(2) : (value as string);
    return `\\x${digits.length % 2 ? "0" : ""}${digits}`;
  }
  return toSql(field, value);
}

/** PostgreSQL's text form of a one-dimensional array of column values (as `toSql` makes them). */
export function arrayLiteral(values: unknown[]): string {
  return `{${values.map(arrayElement).join(",")}}`;
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (value instanceof Uint8Array) return `"\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}"`;
  if (typeof value === "boolean") return value ? "t" : "f";
  return `"${String(value).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
