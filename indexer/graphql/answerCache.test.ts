import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openPglite, type Db } from "../store/db.ts";
import type { EntityStore } from "../store/entityStore.ts";
import { testBlock, testStore } from "../store/testSupport.ts";
import { AnswerCache, type Answer } from "./answerCache.ts";
import { startGraphQLServer, watchWrites, type GraphQLServer } from "./index.ts";
import { metaReader } from "./storeVersion.ts";
import { parseSchema } from "../schema.ts";

const SCHEMA = `
  type Account @entity(immutable: false) {
    id: ID!
    balance: BigInt!
  }
`;
const T0 = 1_700_000_000;
const block = (n: number, variant = 0) => testBlock(n, T0 + n * 12, variant);
const BALANCES = `query ($id: ID!) { account(id: $id) { balance } _meta { block { number hash } } }`;

let db: Db;
let store: EntityStore;
let server: GraphQLServer;
/** How many statements reached the database: a kept answer sends none while the store has not written. */
let statements = 0;

async function commit(number: number, balances: Record<string, bigint>, variant = 0): Promise<void> {
  const writer = store.startBlock(block(number, variant));
  for (const [id, balance] of Object.entries(balances)) writer.set("Account", id, { id, balance });
  await writer.commit();
}

beforeAll(async () => {
  const opened = await openPglite();
  db = {
    ...opened,
    query: (sql, params) => {
      statements++;
      return opened.query(sql, params);
    },
  };
  // Composed as the local indexer composes them: the store writes through a watch the server reads.
  const watched = watchWrites(db);
  ({ store } = await testStore(watched.db, SCHEMA));
  await commit(1, { a: 1n, b: 10n });
  server = await startGraphQLServer({
    schema: parseSchema(SCHEMA),
    db,
    namespace: "sgd1",
    subgraphName: "test/answers",
    port: 0,
    limits: { maxDepth: 3 },
    answerCache: { maxEntries: 3 },
    storeVersion: watched.version,
  });
});

afterAll(async () => {
  await server.close();
  await db.close();
});

async function post(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: await response.json() };
}

/** The balance of `id` and the block it was read at, and how many statements answering it took. */
async function balance(id: string): Promise<{ balance: string | undefined; block: number; statements: number }> {
  const before = statements;
  const { status, body } = await post(BALANCES, { id });
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(status).toBe(200);
  return { balance: body.data.account?.balance, block: body.data._meta.block.number, statements: statements - before };
}

describe("the answer cache over HTTP", () => {
  it("answers a repeated request from the cache, without a statement while the store has not written", async () => {
    const first = await balance("a");
    expect(first).toMatchObject({ balance: "1", block: 1 });
    expect(first.statements).toBeGreaterThan(1);
    expect(await balance("a")).toEqual({ balance: "1", block: 1, statements: 0 });
  });

  it("does not serve one request's answer to the same query with other variables", async () => {
    await balance("a");
    expect(await balance("b")).toMatchObject({ balance: "10", block: 1 });
    expect((await balance("nobody")).balance).toBeUndefined();
  });

  it("answers anew once a block is indexed, and after a revert", async () => {
    await balance("a");
    await commit(2, { a: 2n });
    const afterBlock = await balance("a");
    expect(afterBlock).toMatchObject({ balance: "2", block: 2 });
    expect(afterBlock.statements).toBeGreaterThan(1);

    await store.revertTo(1);
    expect(await balance("a")).toMatchObject({ balance: "1", block: 1 });
    // A reorg: block 2 again at another hash, with another balance.
    await commit(2, { a: 7n }, 1);
    expect(await balance("a")).toMatchObject({ balance: "7", block: 2 });
    expect((await post(BALANCES, { id: "a" })).body.data._meta.block.hash).toBe(block(2, 1).hash);
  });

  it("keeps refusing a hostile query while serving others from the cache", async () => {
    const tooDeep = `{ __type(name: "Account") { fields { type { ofType { name } } } } }`;
    const hostile = Array.from({ length: 20 }, () => post(tooDeep));
    const ordinary = Array.from({ length: 10 }, () => balance("b"));
    const [refusals, served] = await Promise.all([Promise.all(hostile), Promise.all(ordinary)]);
    for (const { status, body } of refusals) {
      expect(status).toBe(400);
      expect(body.errors[0].message).toBe("query has a depth that exceeds the limit of `3`");
    }
    for (const answer of served) expect(answer.balance).toBe("10");
    // Refusals are not kept: the same hostile query is measured and refused again.
    expect((await post(tooDeep)).status).toBe(400);
  });

  it("holds no more answers than its limit however many requests differ", async () => {
    for (const id of ["a", "b", "c", "d", "e"]) await balance(id);
    // "a" left the cache: it is computed again (its lookup reaches the database).
    expect((await balance("a")).statements).toBeGreaterThan(0);
  });
});

describe("AnswerCache", () => {
  const answer = (text: string, status = 200): Answer => ({ status, headers: [["content-type", "application/json"]], body: Buffer.from(text) });
  const compute = (text: string, status = 200) => async () => answer(text, status);

  it("keeps at most maxEntries answers, the least recently used leaving first", async () => {
    const cache = new AnswerCache({ maxEntries: 2 });
    await cache.answer("s1", "q1", compute('{"data":1}'));
    await cache.answer("s1", "q2", compute('{"data":2}'));
    await cache.answer("s1", "q1", compute("never"));
    await cache.answer("s1", "q3", compute('{"data":3}'));
    expect(cache.size).toBe(2);
    expect((await cache.answer("s1", "q1", compute("never"))).body.toString()).toBe('{"data":1}');
    expect((await cache.answer("s1", "q2", compute('{"data":"again"}'))).body.toString()).toBe('{"data":"again"}');
  });

  it("keeps at most maxBytes, and never an answer larger than that", async () => {
    const cache = new AnswerCache({ maxBytes: 100 });
    await cache.answer("s1", "big", compute(`{"data":"${"x".repeat(200)}"}`));
    expect(cache.size).toBe(0);
    for (let i = 0; i < 10; i++) await cache.answer("s1", `q${i}`, compute(`{"data":${i}}`));
    expect(cache.bytes).toBeLessThanOrEqual(100);
    expect(cache.size).toBeLessThan(10);
  });

  it("forgets every answer when the store's state changes, and keeps no answer with errors", async () => {
    const cache = new AnswerCache();
    await cache.answer("s1", "q", compute('{"data":1}'));
    expect((await cache.answer("s2", "q", compute('{"data":2}'))).body.toString()).toBe('{"data":2}');
    expect(cache.size).toBe(1);
    await cache.answer("s2", "bad", compute('{"errors":[{"message":"no"}]}'));
    await cache.answer("s2", "refused", compute('{"data":null}', 400));
    expect(cache.size).toBe(1);
  });

  it("runs one computation for concurrent requests of the same answer", async () => {
    const cache = new AnswerCache();
    let runs = 0;
    const slow = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return answer('{"data":"slow"}');
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => cache.answer("s1", "q", slow)));
    expect(runs).toBe(1);
    for (const one of answers) expect(one.body.toString()).toBe('{"data":"slow"}');
  });
});

describe("metaReader", () => {
  it("reads again only when the store's version has moved, sharing one read between concurrent callers", async () => {
    let reads = 0;
    let version = 0;
    const current = metaReader(async () => ++reads, () => version);
    expect(await Promise.all([current(), current(), current()])).toEqual([1, 1, 1]);
    expect(await current()).toBe(1);
    version++;
    expect(await current()).toBe(2);
    expect(reads).toBe(2);
  });

  it("keeps no failed read, and reads every time without a version", async () => {
    let reads = 0;
    const failing = metaReader(async () => {
      if (++reads === 1) throw new Error("database busy");
      return reads;
    }, () => 0);
    await expect(failing()).rejects.toThrow("database busy");
    expect(await failing()).toBe(2);
    const unversioned = metaReader(async () => ++reads);
    await unversioned();
    await unversioned();
    expect(reads).toBe(4);
  });
});

describe("watchWrites", () => {
  it("moves the version once a statement or a transaction has ended, failed ones included", async () => {
    const watched = watchWrites(db);
    const start = watched.version();
    await watched.db.query("SELECT 1");
    expect(watched.version()).toBe(start + 1);
    await watched.db.transaction(async (tx) => {
      await tx.query("SELECT 1");
      await tx.query("SELECT 2");
    });
    expect(watched.version()).toBe(start + 2);
    await expect(watched.db.query("SELECT nothing FROM nowhere")).rejects.toThrow();
    expect(watched.version()).toBe(start + 3);
  });
});
