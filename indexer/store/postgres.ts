/**
 * The store's `Db` on a PostgreSQL server reached by URL (node-postgres, a connection pool). Values come back
 * as PGlite returns them, so the layer above cannot tell the two apart: int8 as bigint, numeric as string,
 * bytea as Uint8Array (and arrays of them element by element).
 */
import pg from "pg";

import type { Db } from "./db.ts";
import { PostgresSyncReads } from "./postgresSyncReads.ts";

/** The PostgreSQL server could not be reached, refused the login or went away; the message names the server. */
export class PostgresConnectionError extends Error {
  override name = "PostgresConnectionError";
}

const OID = { INT8: 20, BYTEA: 17, NUMERIC: 1700, TEXT_ARRAY: 1009, INT8_ARRAY: 1016, BYTEA_ARRAY: 1001, NUMERIC_ARRAY: 1231 } as const;

type Parser = (value: string) => unknown;
const defaultParser = (oid: number) => pg.types.getTypeParser(oid, "text") as Parser;
/** A one-dimensional array's elements as text (pg's own numeric[] parser would make them floats). */
const parseTextArray = defaultParser(OID.TEXT_ARRAY) as (value: string) => (string | null)[];
const parseBytea = defaultParser(OID.BYTEA) as (value: string) => Buffer;
const toBytes = (value: string): Uint8Array => Uint8Array.from(parseBytea(value));
const arrayOf = (parse: (item: string) => unknown) => (value: string) => parseTextArray(value).map((item) => (item === null ? null : parse(item)));

const TEXT_PARSERS = new Map<number, Parser>([
  [OID.INT8, (value) => BigInt(value)],
  [OID.NUMERIC, (value) => value],
  [OID.BYTEA, toBytes],
  [OID.INT8_ARRAY, arrayOf((item) => BigInt(item))],
  [OID.NUMERIC_ARRAY, parseTextArray],
  [OID.BYTEA_ARRAY, arrayOf(toBytes)],
]);

const TYPES = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    return (format ?? "text") === "text" ? (TEXT_PARSERS.get(oid) ?? defaultParser(oid)) : pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** `url` without its password, to name the server in messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "";
    parsed.searchParams.delete("password");
    return parsed.toString();
  } catch {
    return "a PostgreSQL server (its URL does not parse)";
  }
}

/** SQLSTATE classes of connection, login and shutdown errors; other server errors are the statement's own. */
const CONNECTION_STATES = /^(08|28|3D|53|57)/;

/** Whether an error node-postgres threw is about reaching the server rather than about the statement. */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (error instanceof pg.DatabaseError) return typeof code === "string" && CONNECTION_STATES.test(code);
  // A system error (ECONNREFUSED, ENOTFOUND, …) or the client's own "Connection terminated…", "timeout…".
  return typeof code === "string" || /connection|terminat|timeout/i.test(error.message);
}

/**
 * Opens a pool of connections to the PostgreSQL server at `url` (`postgres://user:password@host:port/db`) and
 * checks that it answers. Statement errors are passed on as the server reports them; errors reaching the
 * server become `PostgresConnectionError`s naming it without the password.
 */
export async function openPostgres(url: string): Promise<Db> {
  const server = redactUrl(url);
  const named = (error: unknown): unknown =>
    isConnectionError(error)
      ? new PostgresConnectionError(`PostgreSQL at ${server}: ${(error as Error).message}`, { cause: error })
      : error;
  const pool = new pg.Pool({ connectionString: url, types: TYPES });
  // An idle connection that breaks (the server restarts) must not crash the process: the next query reports it.
  pool.on("error", () => {});
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => {});
    throw named(error);
  }
  const reads = new PostgresSyncReads(url, { server, parse: (oid, text) => TYPES.getTypeParser(oid, "text")(text) });
  return wrap(pool, pool, named, reads);
}

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

function wrap(connection: Queryable, pool: pg.Pool, named: (error: unknown) => unknown, reads: PostgresSyncReads): Db {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      try {
        const result = await connection.query(sql, params);
        return { rows: result.rows as Row[] };
      } catch (error) {
        throw named(error);
      }
    },
    async exec(sql: string) {
      try {
        // Without parameters: the simple query protocol, which runs several statements.
        await connection.query(sql);
      } catch (error) {
        throw named(error);
      }
    },
    async transaction<T>(work: (tx: Db) => Promise<T>) {
      if (connection !== pool) return work(wrap(connection, pool, named, reads)); // already in one: join it
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw named(error);
      }
      const tx = wrap(client, pool, named, reads);
      let broken: unknown;
      try {
        await tx.exec("BEGIN");
        const result = await work(tx);
        await tx.exec("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          broken = rollbackError; // the connection is unusable: the pool must drop it
        });
        throw error; // `work`'s own error, or one its queries or COMMIT already named
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    readSync: <Row>(sql: string) => reads.read<Row>(sql),
    // Reads have a connection of their own.
    whileIdle: async <T>(work: () => T) => work(),
    close: async () => {
      reads.close();
      await pool.end();
    },
  };
}
