import { afterEach, describe, expect, it } from "vitest";

import { startGraphQLServer, type GraphQLServer } from "../graphql/index.ts";
import type { Db } from "./db.ts";
import { describeLocation, isPostgresUrl, openDb, type OpenDbOptions } from "./open.ts";
import { PostgresConnectionError, openPostgres, redactUrl } from "./postgres.ts";
import { StoreError } from "./storeError.ts";
import { testBlock, testDatabases, testStore } from "./testSupport.ts";

// The store's own behaviour runs on PostgreSQL in entityStore, aggregation and realSchema tests; these are the
// adapter's, openDb's, and one GraphQL endpoint over a PostgreSQL store.
const postgres = testDatabases().find((database) => database.name === "PostgreSQL")!;

const opened: Db[] = [];
let server: GraphQLServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function open(url?: string, options?: OpenDbOptions): Promise<Db> {
  const db = url ? await openDb(url, options) : await postgres.open();
  opened.push(db);
  return db;
}

describe("openPostgres", () => {
  it("reads values as PGlite does: int8 as bigint, numeric as text, bytea as Uint8Array, arrays element by element", async () => {
    const db = await open();
    const { rows } = await db.query(
      `SELECT 9007199254740993::int8 AS big, 123456789012345678901234567890.000000000000000001::numeric AS dec, '\\x0a0b'::bytea AS bytes,
              ARRAY[1, NULL, 9007199254740993]::int8[] AS bigs, ARRAY['1.50', '-2']::numeric[] AS decs,
              ARRAY['\\x01'::bytea, NULL] AS byteses, 7::int4 AS small, ARRAY['a', 'b,c']::text[] AS texts`,
    );
    expect(rows).toEqual([
      {
        big: 9_007_199_254_740_993n, dec: "123456789012345678901234567890.000000000000000001", bytes: new Uint8Array([10, 11]),
        bigs: [1n, null, 9_007_199_254_740_993n], decs: ["1.50", "-2"], byteses: [new Uint8Array([1]), null], small: 7, texts: ["a", "b,c"],
      },
    ]);
    expect(Object.getPrototypeOf(rows[0]!.bytes)).toBe(Uint8Array.prototype);
  });

  it("takes bigint, Uint8Array and array parameters", async () => {
    const db = await open();
    const { rows } = await db.query<{ n: bigint; hex: string; list: string[] }>("SELECT $1::int8 + 1 AS n, encode($2::bytea, 'hex') AS hex, $3::numeric[] AS list", [
      9_007_199_254_740_993n, new Uint8Array([0xca, 0xfe]), ["1", "2.5"],
    ]);
    expect(rows).toEqual([{ n: 9_007_199_254_740_994n, hex: "cafe", list: ["1", "2.5"] }]);
  });

  it("commits a transaction on one connection, rolls it back on a throw, and lets a nested one join it", async () => {
    const db = await open();
    await db.exec("CREATE TABLE t (n int4); CREATE TABLE u (n int4)");
    const pids = await db.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (1)");
      const inner = await tx.transaction(async (nested) => {
        await nested.query("INSERT INTO t VALUES (2)");
        return (await nested.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
      });
      // Not yet visible to other connections of the pool.
      expect((await db.query("SELECT n FROM t")).rows).toEqual([]);
      return [(await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid, inner];
    });
    expect(pids[0]).toBe(pids[1]);
    expect((await db.query("SELECT n FROM t ORDER BY n")).rows).toEqual([{ n: 1 }, { n: 2 }]);

    const boom = new StoreError("boom");
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO u VALUES (1)");
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(db.transaction((tx) => tx.query("INSERT INTO u VALUES ('x')"))).rejects.toThrow(/invalid input syntax for type integer/);
    expect((await db.query("SELECT n FROM u")).rows).toEqual([]);
  });

  it("names the server without the password when it cannot be reached, and passes statement errors on as they are", async () => {
    const url = await postgres.create();
    const wrongPassword = url!.replace(/:[^:@/]+@/, ":not-the-secret@");
    const refused = await openPostgres(wrongPassword).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PostgresConnectionError);
    expect((refused as Error).message).toMatch(/^PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test_\d+: password authentication failed/);
    expect((refused as Error).message).not.toContain("not-the-secret");

    const closedPort = await openPostgres("postgresql://someone:hunter2@127.0.0.1:1/nowhere").catch((error: unknown) => error);
    expect(closedPort).toBeInstanceOf(PostgresConnectionError);
    expect((closedPort as Error).message).toMatch(/^PostgreSQL at postgresql:\/\/someone@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/);
    expect((closedPort as Error).message).not.toContain("hunter2");

    const db = await open(url);
    const failed = await db.query("SELECT * FROM missing").catch((error: unknown) => error);
    expect(failed).not.toBeInstanceOf(PostgresConnectionError);
    expect((failed as Error).message).toBe('relation "missing" does not exist');
  });

  it("reads synchronously again after the server drops the connection, and keeps it after a refused statement", async () => {
    const db = await open();
    expect(db.readSync<{ t: string }>("SELECT 'before' AS t")).toEqual([{ t: "before" }]);
    expect(() => db.readSync("SELECT * FROM missing")).toThrow(/relation "missing" does not exist/);
    expect(db.readSync<{ t: string }>("SELECT 'after a refusal' AS t")).toEqual([{ t: "after a refusal" }]);
    // As a server restart or an idle timeout would: every other connection to the database is ended.
    await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(db.readSync<{ t: string }>("SELECT 'after the drop' AS t")).toEqual([{ t: "after the drop" }]);
  });

  it("redacts passwords from URLs, in the user part and in the query", () => {
    expect(redactUrl("postgres://u:p%40ss@db.example:6543/x?password=p&sslmode=require")).toBe("postgres://u@db.example:6543/x?sslmode=require");
    expect(redactUrl("postgres://db.example/x")).toBe("postgres://db.example/x");
  });
});

describe("openDb", () => {
  it("tells PostgreSQL URLs from PGlite directories", () => {
    expect(isPostgresUrl("postgres://u@h/db")).toBe(true);
    expect(isPostgresUrl("postgresql://u@h/db")).toBe(true);
    expect(isPostgresUrl("./postgres")).toBe(false);
    expect(isPostgresUrl(undefined)).toBe(false);
    expect(describeLocation("postgresql://u:secret@h/db")).toBe("postgresql://u@h/db");
    expect(describeLocation(undefined)).toBe("memory");
    expect(describeLocation(".dcrm/indexer")).toBe(".dcrm/indexer");
  });

  it("opens a PostgreSQL URL on the server, and `fresh` drops only the namespace's schema", async () => {
    const url = (await postgres.create())!;
    const db = await open(url);
    expect((await db.query<{ version: string }>("SELECT version()")).rows[0]!.version).toMatch(/^PostgreSQL \d+/);
    await db.exec(`CREATE SCHEMA subgraph; CREATE TABLE subgraph.t (n int4); CREATE SCHEMA other; CREATE TABLE other.t (n int4)`);
    await expect(openDb(url, { fresh: true })).rejects.toThrow(StoreError);

    const reopened = await open(url, { fresh: true, namespace: "subgraph" });
    const { rows } = await reopened.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname IN ('subgraph', 'other') ORDER BY 1");
    expect(rows).toEqual([{ nspname: "other" }]);
  });
});

describe("GraphQL over a PostgreSQL store", () => {
  const SCHEMA = `
    type Account @entity { id: Bytes! owner: String! balance: BigInt! }
    type Move @entity(timeseries: true) { id: Int8! timestamp: Timestamp! account: Account! amount: BigInt! }
    type AccountStat @aggregation(intervals: ["hour"], source: "Move") {
      id: Int8! timestamp: Timestamp! account: Account! total: BigInt! @aggregate(fn: "sum", arg: "amount")
    }
  `;
  const HOUR = 3_600;
  const T0 = 19_675 * 86_400;

  it("answers a query over HTTP from the entities, block ranges and rollups the store wrote", async () => {
    const { db, store } = await testStore(await open(), SCHEMA);
    let writer = store.startBlock(testBlock(1, T0 + 60));
    writer.set("Account", "0xaa", { id: "0xaa", owner: "alice", balance: 10n });
    writer.set("Move", "", { account: "0xaa", amount: 10n });
    await writer.commit();
    writer = store.startBlock(testBlock(2, T0 + HOUR + 60));
    writer.set("Account", "0xaa", { id: "0xaa", owner: "alice", balance: 123456789012345678901234567890n });
    writer.set("Account", "0xbb", { id: "0xbb", owner: "bob", balance: 5n });
    writer.set("Move", "", { account: "0xaa", amount: 7n });
    await writer.commit();

    server = await startGraphQLServer({ schema: store.schema, db, namespace: "sgd1", subgraphName: "test/postgres", port: 0 });
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `{
          now: accounts(orderBy: balance, orderDirection: desc) { id owner balance }
          then: accounts(block: { number: 1 }) { id balance }
          accountStats(interval: hour) { timestamp total account { owner } }
          _meta { block { number } hasIndexingErrors }
        }`,
      }),
    });
    const body = await response.json();
    expect(body.errors).toBeUndefined();
    expect(response.status).toBe(200);
    expect(body.data).toEqual({
      now: [
        { id: "0xaa", owner: "alice", balance: "123456789012345678901234567890" },
        { id: "0xbb", owner: "bob", balance: "5" },
      ],
      then: [{ id: "0xaa", balance: "10" }],
      accountStats: [{ timestamp: String(BigInt(T0) * 1_000_000n), total: "10", account: { owner: "alice" } }],
      _meta: { block: { number: 2 }, hasIndexingErrors: false },
    });
  });
});
