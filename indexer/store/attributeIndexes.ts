/**
 * An index per attribute, as graph-node makes them, so that queries that sort or filter by a field do not
 * read and sort every current entity. They cost a write per index on every new version, so, like
 * graph-node, the store builds them only once the indexer has caught up with the chain head
 * (`EntityStore.prepareForQueries`); until then the indexer writes without them.
 *
 * - a number, Boolean, Timestamp or enum field: a btree on the field then the id, the planner's order and its
 *   tie-breaker, which an index scan (forwards or backwards) returns in order;
 * - a String field: a btree on its first 256 characters, a Bytes field on its first 64 bytes (a whole long
 *   value would not fit in a btree entry); equality filters spell the same prefix (`indexedPrefix`);
 * - a list: a GIN index, for `_contains` filters.
 *
 * Ids, references (indexed when their table is made: derived lists and nested filters join on them) and a
 * timeseries' `timestamp` have indexes already; aggregation buckets are read by time and dimension only.
 */
import { storedFields, type FieldModel, type SchemaModel } from "../schema.ts";
import type { Db } from "./db.ts";
import { column, entityTable, indexName, quote } from "./layout.ts";

/** How many characters of a String, and bytes of a Bytes value, their indexes hold (graph-node's prefixes). */
export const STRING_PREFIX_CHARS = 256;
export const BYTES_PREFIX_BYTES = 64;

/** One attribute index: its table (unqualified), the field it serves, its name and its DDL. */
export interface AttributeIndex {
  table: string;
  field: string;
  name: string;
  sql: string;
}

/**
 * The expression a String or Bytes field's index holds, over `expression` (a column or a parameter);
 * undefined for other fields, whose index holds the column itself.
 */
export function indexedPrefix(field: FieldModel, expression: string): string | undefined {
  if (field.list || field.reference) return undefined;
  // An enum's values are short names: indexed whole, with the id, like a number.
  if (field.scalar === "String" && !field.enumName) return `left(${expression}, ${STRING_PREFIX_CHARS})`;
  if (field.scalar === "Bytes") return `substring(${expression}, 1, ${BYTES_PREFIX_BYTES})`;
  return undefined;
}

/** Every attribute index of the schema's entity and timeseries tables in `namespace`, in schema order. */
export function attributeIndexes(schema: SchemaModel, namespace: string): AttributeIndex[] {
  const indexes: AttributeIndex[] = [];
  for (const entity of schema.entities.values()) {
    if (entity.kind === "aggregation") continue;
    const table = entityTable(entity);
    const qualifiedTable = `${quote(namespace)}.${quote(table)}`;
    for (const field of storedFields(entity)) {
      if (field.name === "id" || (field.reference && !field.list)) continue;
      if (entity.kind === "timeseries" && field.name === "timestamp") continue;
      const name = indexName(table, { field: field.name });
      const target = quote(column(field));
      const prefix = indexedPrefix(field, target);
      const how = field.list ? `USING gin (${target})` : prefix ? `(${prefix})` : `(${target}, "id")`;
      indexes.push({ table, field: field.name, name, sql: `CREATE INDEX IF NOT EXISTS ${quote(name)} ON ${qualifiedTable} ${how}` });
    }
  }
  return indexes;
}

/** The names of the indexes that exist in `namespace`. */
export async function existingIndexes(db: Db, namespace: string): Promise<Set<string>> {
  const { rows } = await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1`, [namespace]);
  return new Set(rows.map((row) => row.indexname));
}

/** What `buildAttributeIndexes` reports and when it stops. */
export interface BuildIndexesOptions {
  /** Progress lines: how many there are to build, then every few seconds, then the total. */
  log?: (line: string) => void;
  /** Checked between indexes: true stops the build (what is built stays; the rest is built next time). */
  shouldStop?: () => boolean;
  /** How often to report progress (ms); default 5 s. */
  progressEveryMs?: number;
}

/** What a build did. */
export interface BuildIndexesResult {
  /** Indexes created by this build. */
  built: number;
  /** Whether every attribute index now exists (false when stopped early). */
  complete: boolean;
}

/** Creates the attribute indexes that do not exist yet, one statement each, reporting progress. */
export async function buildAttributeIndexes(db: Db, schema: SchemaModel, namespace: string, options: BuildIndexesOptions = {}): Promise<BuildIndexesResult> {
  const log = options.log ?? (() => {});
  const existing = await existingIndexes(db, namespace);
  const missing = attributeIndexes(schema, namespace).filter((index) => !existing.has(index.name));
  if (missing.length === 0) return { built: 0, complete: true };
  log(`query indexes: building ${missing.length} attribute index${missing.length > 1 ? "es" : ""} (the indexer has caught up with the chain head)`);
  const startedAt = Date.now();
  let reportedAt = startedAt;
  let built = 0;
  for (const index of missing) {
    if (options.shouldStop?.()) {
      log(`query indexes: stopped after ${built} of ${missing.length}; the rest are built when the indexer next catches up`);
      return { built, complete: false };
    }
    await db.exec(index.sql);
    built++;
    if (Date.now() - reportedAt >= (options.progressEveryMs ?? 5_000) && built < missing.length) {
      reportedAt = Date.now();
      log(`query indexes: ${built} of ${missing.length} built (last: ${index.table}.${index.field})`);
    }
  }
  log(`query indexes: ${built} built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return { built, complete: true };
}
