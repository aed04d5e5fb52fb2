/**
 * Data sources that mappings created from templates (`dataSource.create`), kept in `_data_sources` beside the
 * entities: each is written in the transaction of the block that created it, so it survives a restart, and a
 * revert past that block removes it, as a reorg removes the creating event. A file data source is marked done
 * (`done_at`, and the entities its handler wrote) in the transaction of the block its handler ran in, so it
 * runs once; a revert past that block makes it wait for its file again.
 */
import type { Db } from "./db.ts";
import { bytesToHex, hexToBytes, quote } from "./layout.ts";

/** One created data source: its template, address or file, context (as the host serialized it) and creating block. */
export interface CreatedDataSource {
  template: string;
  /** Lowercase 0x address; empty for a file data source. */
  address: string;
  /** A file data source's IPFS path (`<cid>[/path]`, as the mapping gave it); null for a chain one. */
  file: string | null;
  /** The context the mapping gave (`createWithContext`), serialized by the host; null without one. */
  context: string | null;
  /** The block whose handler created it: it takes effect from this block on. */
  block: number;
  /** The block a file data source's handler ran in; null until then (and for a chain one). */
  doneAt: number | null;
  /** The entities a file data source's handler wrote, as `[type, id key]`: only it could read them. */
  wrote: [string, string][];
}

/** What a block did with a file data source: ran its handler, which wrote `wrote`. */
export interface DoneDataSource {
  source: CreatedDataSource;
  wrote: [string, string][];
}

const table = (namespace: string) => `${quote(namespace)}."_data_sources"`;

/** The table, created when missing (and given the file data source columns when it predates them). */
export function createDataSourcesSql(namespace: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${table(namespace)} (vid bigserial PRIMARY KEY, block int4 NOT NULL, template text NOT NULL, address bytea NOT NULL, context text);` +
    `ALTER TABLE ${table(namespace)} ADD COLUMN IF NOT EXISTS file text, ADD COLUMN IF NOT EXISTS done_at int4, ADD COLUMN IF NOT EXISTS wrote text;`
  );
}

/** Every created data source, in the order they were created. */
export async function readDataSources(db: Db, namespace: string): Promise<CreatedDataSource[]> {
  const { rows } = await db.query<{ block: number; template: string; address: Uint8Array; context: string | null; file: string | null; done_at: number | null; wrote: string | null }>(
    `SELECT block, template, address, context, file, done_at, wrote FROM ${table(namespace)} ORDER BY vid`,
  );
  return rows.map((row) => ({
    template: row.template,
    address: row.file === null ? bytesToHex(row.address) : "",
    file: row.file,
    context: row.context,
    block: row.block,
    doneAt: row.done_at,
    wrote: row.wrote === null ? [] : (JSON.parse(row.wrote) as [string, string][]),
  }));
}

/** Records the data sources a block created (inside that block's transaction). */
export async function insertDataSources(tx: Db, namespace: string, created: readonly CreatedDataSource[]): Promise<void> {
  for (const source of created) {
    await tx.query(`INSERT INTO ${table(namespace)} (block, template, address, context, file) VALUES ($1, $2, $3, $4, $5)`, [
      source.block,
      source.template,
      source.file === null ? hexToBytes(source.address) : new Uint8Array(),
      source.context,
      source.file,
    ]);
  }
}

/** Marks the file data sources whose handlers block `number` ran as done (inside that block's transaction). */
export async function markDataSourcesDone(tx: Db, namespace: string, done: readonly DoneDataSource[], number: number): Promise<void> {
  for (const { source, wrote } of done) {
    await tx.query(
      `UPDATE ${table(namespace)} SET done_at = $1, wrote = $2 WHERE template = $3 AND file = $4 AND block = $5 AND context IS NOT DISTINCT FROM $6 AND done_at IS NULL`,
      [number, JSON.stringify(wrote), source.template, source.file, source.block, source.context],
    );
  }
}

/** Forgets the data sources created after block `number`, and what file handlers did after it (a revert). */
export async function forgetDataSourcesAfter(tx: Db, namespace: string, number: number): Promise<void> {
  await tx.query(`DELETE FROM ${table(namespace)} WHERE block > $1`, [number]);
  await tx.query(`UPDATE ${table(namespace)} SET done_at = NULL, wrote = NULL WHERE done_at > $1`, [number]);
}

/** Whether two records are the same data source (graph-node ignores the creating block when it compares them; the store does not). */
export function sameDataSource(a: CreatedDataSource, b: CreatedDataSource): boolean {
  return a.template === b.template && a.address === b.address && a.file === b.file && a.context === b.context && a.block === b.block;
}
