/**
 * Batched writes of entity versions: one INSERT per table for any number of rows, and one UPDATE per table to
 * close versions. Each column travels as one array parameter that PostgreSQL unpacks with `unnest`, so a
 * statement has as many parameters as the table has columns, however many rows it writes (PostgreSQL parses
 * the arrays; the driver sends each as one value).
 */
import type { FieldModel } from "../schema.ts";
import type { Db } from "./db.ts";
import { column, columnType, quote, toSql, type Entity } from "./layout.ts";

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
    const values = rows.map((row) => toSql(field, row.entity[field.name] ?? null));
    params.push(field.list ? values.map((value) => (value === null ? null : arrayLiteral(value as unknown[]))) : values);
    const n = params.length;
    // A list column travels as the text of each row's array: `unnest` would flatten an array of arrays.
    selected.push(field.list ? `u.c${n - 1}::${columnType(field)}` : `u.c${n - 1}`);
    unpacked.push(`$${n}::${field.list ? "text" : columnType(field)}[]`);
  }
  const columns = ["block_start", "block_end", ...fields.map((f) => quote(column(f)))].join(", ");
  const aliases = params.map((_, i) => `c${i}`).join(", ");
  await db.query(`INSERT INTO ${table} (${columns}) SELECT ${selected.join(", ")} FROM unnest(${unpacked.join(", ")}) AS u(${aliases})`, params);
}

/** Ends the current versions of `ends` in `table` (qualified), each at its own block, in one statement. */
export async function closeVersions(db: Db, table: string, idField: FieldModel, ends: VersionEnd[]): Promise<void> {
  if (ends.length === 0) return;
  await db.query(
    `UPDATE ${table} AS t SET block_end = e.block_end FROM unnest($1::${columnType(idField)}[], $2::int4[]) AS e(id, block_end)
      WHERE t.block_end IS NULL AND t.id = e.id`,
    [ends.map((end) => toSql(idField, end.key)), ends.map((end) => blockNumber(end.blockEnd))],
  );
}

function blockNumber(value: number): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`block number ${value} is not an integer`);
  return value;
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
