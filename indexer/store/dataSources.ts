/**
 * Data sources that mappings created from templates (`dataSource.create`), kept in `_data_sources` beside the
 * entities: each is written in the transaction of the block that created it, so it survives a restart, and a
 * revert past that block removes it, as a reorg removes the creating event.
 */
import type { Db } from "./db.ts";
import { bytesToHex, hexToBytes, quote } from "./layout.ts";

/** One created data source: its template, address, context (as the host serialized it) and creating block. */
export interface CreatedDataSource {
  template: string;
  /** Lowercase 0x address. */
  address: string;
  /** The context the mapping gave (`createWithContext`), serialized by the host; null without one. */
  context: string | null;
  /** The block whose handler created it: it takes effect from this block on. */
  block: number;
}

const table = (namespace: string) => `${quote(namespace)}."_data_sources"`;

/** The table, created when missing. */
export function createDataSourcesSql(namespace: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table(namespace)} (vid bigserial PRIMARY KEY, block int4 NOT NULL, template text NOT NULL, address bytea NOT NULL, context text);`;
}

/** Every created data source, in the order they were created. */
export async function readDataSources(db: Db, namespace: string): Promise<CreatedDataSource[]> {
  const { rows } = await db.query<{ block: number; template: string; address: Uint8Array; context: string | null }>(
    `SELECT block, template, address, context FROM ${table(namespace)} ORDER BY vid`,
  );
  return rows.map((row) => ({ template: row.template, address: bytesToHex(row.address), context: row.context, block: row.block }));
}

/** Records the data sources a block created (inside that block's transaction). */
export async function insertDataSources(tx: Db, namespace: string, created: readonly CreatedDataSource[]): Promise<void> {
  for (const source of created) {
    await tx.query(`INSERT INTO ${table(namespace)} (block, template, address, context) VALUES ($1, $2, $3, $4)`, [
      source.block,
      source.template,
      hexToBytes(source.address),
      source.context,
    ]);
  }
}

/** Forgets the data sources created after block `number` (a revert). */
export async function forgetDataSourcesAfter(tx: Db, namespace: string, number: number): Promise<void> {
  await tx.query(`DELETE FROM ${table(namespace)} WHERE block > $1`, [number]);
}
