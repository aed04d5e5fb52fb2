/**
 * The SQL connection the store and the GraphQL planner share: an embedded PostgreSQL (PGlite) in a directory,
 * or in memory when no directory is given; `postgres.ts` implements it on a PostgreSQL server, and `open.ts`
 * picks one. Everything above it speaks plain PostgreSQL through this interface.
 */
import { parse, PGlite, protocol, types } from "@electric-sql/pglite";

import { StoreReadError } from "./storeError.ts";

export interface QueryResult<Row> {
  rows: Row[];
}

/** A PostgreSQL connection, or a transaction on one. */
export interface Db {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /** Runs several statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: all of it is committed, or none of it on a throw. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Runs one read (a statement without parameters) and blocks the thread until it answers: the WASM host's
   * store reads are synchronous. It reads what is committed; throws StoreReadError when the database fails.
   */
  readSync<Row = Record<string, unknown>>(sql: string): Row[];
  /** Runs `work`, which may call `readSync`, once no other statement is in flight, and none starts until it ends. */
  whileIdle<T>(work: () => T): Promise<T>;
  close(): Promise<void>;
}

/** Opens an embedded PostgreSQL: in `directory` (created if missing) so that it survives restarts, or in memory. */
export async function openPglite(directory?: string): Promise<Db> {
  // int8 as bigint: Int8 and Timestamp values overflow a JS number.
  const pg = await PGlite.create(directory ?? "memory://", { parsers: { [types.INT8]: (value: string) => BigInt(value) } });
  return wrap(pg, pg);
}

type Queryable = Pick<PGlite, "query" | "exec">;

function wrap(connection: Queryable, root: PGlite): Db {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await connection.query<Row>(sql, params);
      return { rows: result.rows };
    },
    async exec(sql: string) {
      await connection.exec(sql);
    },
    transaction<T>(work: (tx: Db) => Promise<T>) {
      // Already in one: join it (a new root transaction would wait for this one to end, forever).
      if (connection !== root) return work(wrap(connection, root));
      return root.transaction((tx) => work(wrap(tx as unknown as Queryable, root)));
    },
    readSync: <Row>(sql: string) => readSync<Row>(root, sql),
    // A query awaits between its protocol messages: a read sent in between would land inside it.
    whileIdle: <T>(work: () => T) => root.runExclusive(async () => work()),
    close: () => root.close(),
  };
}

/**
 * PGlite runs PostgreSQL in this thread, so a query can run synchronously: one simple-protocol message in, the
 * answer parsed as `query` parses it. Callers hold the connection (`whileIdle`), so it never lands inside
 * another statement.
 */
function readSync<Row>(pg: PGlite, sql: string): Row[] {
  const messages: Parameters<typeof parse.parseResults>[0] = [];
  new protocol.Parser().parse(pg.execProtocolRawSync(protocol.serialize.query(sql)), (message) => void messages.push(message));
  const error = messages.find((message) => message.name === "error");
  if (error) throw new StoreReadError(`reading the store failed: ${(error as unknown as Error).message}`);
  return (parse.parseResults(messages, pg.parsers)[0]?.rows ?? []) as Row[];
}
