/**
 * The store's own records in `_meta` (deployment, head block, fatal error) and `_blocks` (the hashes of the
 * blocks that can still be reverted).
 */
import type { BlockPtr } from "./blockPtr.ts";
import type { Db } from "./db.ts";
import { bytesToHex, hexToBytes, quote } from "./layout.ts";

/**
 * How far back before the head a revert can reach. `_blocks` keeps the rows of these blocks, and the latest
 * row before them, so that the state at any block in reach has the committed block it equals.
 */
export const REVERTIBLE_BLOCKS = 250;

/** What `_meta` says. */
export interface MetaRow {
  deployment: string;
  head: BlockPtr | null;
  fatalError: string | null;
  /** The block whose handler failed. */
  fatalBlock: { number: number; hash: string } | null;
}

const metaTable = (namespace: string) => `${quote(namespace)}."_meta"`;
const blocksTable = (namespace: string) => `${quote(namespace)}."_blocks"`;

/** Inserts the `_meta` row for `deployment` when there is none, and reads it (with the head's parent hash). */
export async function readMeta(db: Db, namespace: string, deployment: string): Promise<MetaRow> {
  await db.query(`INSERT INTO ${metaTable(namespace)} (deployment) VALUES ($1) ON CONFLICT (singleton) DO NOTHING`, [deployment]);
  const { rows } = await db.query<{
    deployment: string;
    head_number: number | null;
    head_hash: Uint8Array | null;
    head_timestamp: bigint | null;
    fatal_error: string | null;
    fatal_block: number | null;
    fatal_hash: Uint8Array | null;
  }>(`SELECT deployment, head_number, head_hash, head_timestamp, fatal_error, fatal_block, fatal_hash FROM ${metaTable(namespace)}`);
  const row = rows[0]!;
  let head: BlockPtr | null = null;
  if (row.head_number !== null) {
    head = (await readBlock(db, namespace, row.head_number)) ?? {
      number: row.head_number,
      hash: row.head_hash ? bytesToHex(row.head_hash) : "0x",
      parentHash: "0x",
      timestamp: Number(row.head_timestamp ?? 0n),
    };
  }
  const fatalBlock = row.fatal_block !== null && row.fatal_hash ? { number: row.fatal_block, hash: bytesToHex(row.fatal_hash) } : null;
  return { deployment: row.deployment, head, fatalError: row.fatal_error, fatalBlock };
}

/** The `_blocks` row of block `number`. */
export async function readBlock(db: Db, namespace: string, number: number): Promise<BlockPtr | null> {
  const { rows } = await db.query<BlockRow>(`SELECT number, hash, parent_hash, timestamp FROM ${blocksTable(namespace)} WHERE number = $1`, [number]);
  return rows[0] ? toBlockPtr(rows[0]) : null;
}

/** The latest `_blocks` row at or before block `number`. */
export async function readBlockAtOrBefore(db: Db, namespace: string, number: number): Promise<BlockPtr | null> {
  const { rows } = await db.query<BlockRow>(
    `SELECT number, hash, parent_hash, timestamp FROM ${blocksTable(namespace)} WHERE number <= $1 ORDER BY number DESC LIMIT 1`,
    [number],
  );
  return rows[0] ? toBlockPtr(rows[0]) : null;
}

/**
 * Records `blocks` (in order, after the head) as committed and the last of them as the new head; forgets blocks
 * too old to revert.
 */
export async function writeHeads(db: Db, namespace: string, blocks: BlockPtr[]): Promise<void> {
  if (blocks.length === 0) return;
  const first = blocks[0]!;
  const last = blocks[blocks.length - 1]!;
  await db.query(
    `INSERT INTO ${blocksTable(namespace)} (number, hash, parent_hash, timestamp)
      SELECT * FROM unnest($1::int4[], $2::bytea[], $3::bytea[], $4::int8[])`,
    [blocks.map((b) => b.number), blocks.map((b) => hexToBytes(b.hash)), blocks.map((b) => hexToBytes(b.parentHash)), blocks.map((b) => String(b.timestamp))],
  );
  await db.query(
    `DELETE FROM ${blocksTable(namespace)} WHERE number < (SELECT max(number) FROM ${blocksTable(namespace)} WHERE number <= $1)`,
    [last.number - REVERTIBLE_BLOCKS],
  );
  // The first block a deployment commits is its earliest; one that had a head before this was recorded keeps no limit.
  await db.query(
    `UPDATE ${metaTable(namespace)} SET earliest_block = COALESCE(earliest_block, CASE WHEN head_number IS NULL THEN $1::int4 ELSE 0 END)`,
    [first.number],
  );
  await setHead(db, namespace, last);
}

/** Sets `_meta`'s head (null: nothing committed). */
export async function setHead(db: Db, namespace: string, block: BlockPtr | null): Promise<void> {
  await db.query(`UPDATE ${metaTable(namespace)} SET head_number = $1, head_hash = $2, head_timestamp = $3`, [
    block?.number ?? null,
    block ? hexToBytes(block.hash) : null,
    block?.timestamp ?? null,
  ]);
}

/** Deletes the `_blocks` rows after block `number`. */
export async function forgetBlocksAfter(db: Db, namespace: string, number: number): Promise<void> {
  await db.query(`DELETE FROM ${blocksTable(namespace)} WHERE number > $1`, [number]);
}

/**
 * Records the fatal error that stopped indexing and the block it failed at, or with null clears both. A fatal error
 * is not `has_errors` (errors indexing went past): data up to the block before it stays queryable, as graph-node serves it.
 */
export async function setFatalError(db: Db, namespace: string, error: { message: string; block: { number: number; hash: string } } | null): Promise<void> {
  await db.query(`UPDATE ${metaTable(namespace)} SET fatal_error = $1, fatal_block = $2, fatal_hash = $3`, [
    error?.message ?? null,
    error?.block.number ?? null,
    error ? hexToBytes(error.block.hash) : null,
  ]);
}

interface BlockRow {
  number: number;
  hash: Uint8Array;
  parent_hash: Uint8Array;
  timestamp: bigint;
}

function toBlockPtr(row: BlockRow): BlockPtr {
  return { number: row.number, hash: bytesToHex(row.hash), parentHash: bytesToHex(row.parent_hash), timestamp: Number(row.timestamp) };
}
