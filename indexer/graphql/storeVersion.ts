/**
 * Lets the GraphQL server know, without a round trip, that the store has not written since it last read
 * `_meta`: the store writes through `watchWrites(db).db`, which counts every statement and transaction once
 * it has ended, and the server reads `_meta` again only when that count has moved. A read started at count
 * c is kept under c: whatever it saw, a write that ended after it moves the count, and the next request
 * reads again.
 */
import type { Db } from "../store/db.ts";

/** `db` for the store to write through, and the count of its ended statements and transactions. */
export interface WatchedDb {
  db: Db;
  version(): number;
}

export function watchWrites(db: Db): WatchedDb {
  let version = 0;
  const ended = () => void version++;
  const watched: Db = {
    query: <Row>(sql: string, params?: unknown[]) => db.query<Row>(sql, params).finally(ended),
    exec: (sql) => db.exec(sql).finally(ended),
    transaction: (work) => db.transaction(work).finally(ended),
    // The WASM host's synchronous reads write nothing.
    readSync: <Row>(sql: string) => db.readSync<Row>(sql),
    whileIdle: (work) => db.whileIdle(work),
    close: () => db.close(),
  };
  return { db: watched, version: () => version };
}

/**
 * Reads `_meta` with `read`, again only when `version` has moved since the last read (every request reads
 * afresh when there is no `version`). Concurrent requests at one version share one read.
 */
export function metaReader<Meta>(read: () => Promise<Meta>, version?: () => number): () => Promise<Meta> {
  if (!version) return read;
  let last: { version: number; meta: Promise<Meta> } | undefined;
  return () => {
    const now = version();
    if (last?.version !== now) {
      const meta = read();
      last = { version: now, meta };
      // A failed read is not kept.
      meta.catch(() => {
        if (last?.meta === meta) last = undefined;
      });
    }
    return last.meta;
  };
}
