/**
 * Batched writes of entity versions: many rows per INSERT statement, one UPDATE per table to close versions,
 * so that a block writing thousands of entities costs a handful of queries.
 */
import type { FieldModel } from "../schema.ts";
import type { Db } from "./db.ts";
import { column, quote, toSql, type Entity } from "./layout.ts";

/** PostgreSQL's limit on the bind parameters of one statement. */
const MAX_PARAMETERS = 65_535;

/** `"namespace"."table"`. */
export const qualified = (namespace: string, table: string): string => `${quote(namespace)}.${quote(table)}`;

/** Inserts `entities` as versions starting at `blockStart` (open-ended) into `table` (qualified). */
export async function insertVersions(db: Db, table: string, fields: FieldModel[], entities: Entity[], blockStart: number): Promise<void> {
  if (entities.length === 0) return;
  if (!Number.isSafeInteger(blockStart)) throw new TypeError(`block number ${blockStart} is not an integer`);
  const columns = ["block_start", ...fields.map((f) => quote(column(f)))].join(", ");
  const rowsPerStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, fields.length)));
  for (let start = 0; start < entities.length; start += rowsPerStatement) {
    const chunk = entities.slice(start, start + rowsPerStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((entity) => {
      const placeholders = fields.map((field) => {
        params.push(toSql(field, entity[field.name] ?? null));
        return `$${params.length}`;
      });
      return `(${blockStart}, ${placeholders.join(", ")})`;
    });
    await db.query(`INSERT INTO ${table} (${columns}) VALUES ${tuples.join(", ")}`, params);
  }
}

/** Ends, at block `blockEnd`, the current versions of the entities with these ids in `table` (qualified). */
export async function closeVersions(db: Db, table: string, idField: FieldModel, ids: string[], blockEnd: number): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`UPDATE ${table} SET block_end = $1 WHERE block_end IS NULL AND id = ANY($2)`, [
    blockEnd,
    ids.map((id) => toSql(idField, id)),
  ]);
}
