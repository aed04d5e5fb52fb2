import { afterEach, describe, expect, it } from "vitest";

import { parseSchema } from "../schema.ts";
import type { Db } from "./db.ts";
import { EntityStore } from "./entityStore.ts";
import { StoreReadError } from "./storeError.ts";
import { testBlock, testDatabases } from "./testSupport.ts";

const SCHEMA = `
  type Account @entity {
    id: Bytes!
    owner: String!
    balance: BigInt!
    wallets: [Wallet!]! @derivedFrom(field: "account")
  }
  type Wallet @entity {
    id: ID!
    account: Account!
    amount: Int!
  }
  type Counter @entity {
    id: Int8!
    count: Int!
  }
`;

const block = (n: number) => testBlock(n, 1_700_000_000 + n * 12);
const accountId = (i: number) => `0x${i.toString(16).padStart(4, "0")}`;

const databases = testDatabases();
let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function open(database: (typeof databases)[number], entityCacheSize: number): Promise<EntityStore> {
  db = await database.open();
  return EntityStore.open({ db, schema: parseSchema(SCHEMA), namespace: "sgd1", deployment: "QmTest", entityCacheSize });
}

describe.each(databases)("the handlers' entity cache on $name", (database) => {
  it("keeps at most its size of committed entities and reads the others back from the database", async () => {
    const store = await open(database, 10);
    const writer = store.startBlock(block(1));
    for (let i = 0; i < 50; i++) writer.set("Account", accountId(i), { id: accountId(i), owner: `o${i}`, balance: BigInt(i) * 10n ** 30n });
    await writer.commit();
    expect(store.entityCacheStats.size).toBe(10);

    const reader = store.startBlock(block(2));
    const before = store.entityCacheStats.misses;
    const read = await store.whileReading(() => Array.from({ length: 50 }, (_, i) => reader.get("Account", accountId(i))));
    expect(read.map((account) => account?.balance)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i) * 10n ** 30n));
    expect(read[7]).toEqual({ id: accountId(7), owner: "o7", balance: 7n * 10n ** 30n });
    expect(store.entityCacheStats.misses - before).toBeGreaterThanOrEqual(40);
    expect(store.entityCacheStats.size).toBe(10);
    // Int8 and String ids, and an entity that does not exist (remembered as absent).
    const counter = store.startBlock(block(3));
    counter.set("Counter", "-5", { id: -5n, count: 1 });
    counter.set("Wallet", "it's", { id: "it's", account: accountId(1), amount: 3 });
    await counter.commit();
    const after = store.startBlock(block(4));
    for (let i = 0; i < 20; i++) await store.whileReading(() => after.get("Account", accountId(i)));
    expect(await store.whileReading(() => after.get("Counter", "-5"))).toEqual({ id: -5n, count: 1 });
    expect(await store.whileReading(() => after.get("Wallet", "it's"))).toEqual({ id: "it's", account: accountId(1), amount: 3 });
    expect(await store.whileReading(() => after.get("Wallet", "nobody"))).toBeNull();
  });

  it("never evicts what staged blocks changed before they are written", async () => {
    const store = await open(database, 2);
    for (let n = 1; n <= 5; n++) {
      const writer = store.startBlock(block(n));
      if (n > 1) expect(await store.whileReading(() => writer.get("Account", accountId(n - 1))), `block ${n}`).toMatchObject({ balance: BigInt(n - 1) });
      for (let i = 0; i < 5; i++) writer.set("Account", accountId(10 * n + i), { id: accountId(10 * n + i), owner: "x", balance: 1n });
      writer.set("Account", accountId(n), { id: accountId(n), owner: "staged", balance: BigInt(n) });
      await writer.commit({ defer: n < 5 });
    }
    expect(store.stagedBlocks).toBe(0);
    const { rows } = await db!.query<{ n: bigint | number }>(`SELECT count(*)::int4 AS n FROM sgd1.account WHERE block_end IS NULL`);
    expect(Number(rows[0]!.n)).toBe(30);
    expect(store.entityCacheStats.size).toBe(2);
  });

  it("loads @derivedFrom entities from the database and the staged blocks together", async () => {
    const store = await open(database, 1);
    const first = store.startBlock(block(1));
    first.set("Account", accountId(1), { id: accountId(1), owner: "a", balance: 0n });
    for (const id of ["w1", "w2", "w3"]) first.set("Wallet", id, { id, account: accountId(1), amount: 1 });
    await first.commit();
    const second = store.startBlock(block(2));
    second.set("Wallet", "w2", { id: "w2", account: accountId(2), amount: 2 });
    second.set("Wallet", "w4", { id: "w4", account: accountId(1), amount: 4 });
    await second.commit({ defer: true });
    const third = store.startBlock(block(3));
    const wallets = await store.whileReading(() => third.loadRelated("Account", accountId(1), "wallets"));
    expect(wallets.map((w) => w.id).sort()).toEqual(["w1", "w3", "w4"]);
    await store.flush();
  });

  it("reads the database again after a revert", async () => {
    const store = await open(database, 100);
    for (let n = 1; n <= 3; n++) {
      const writer = store.startBlock(block(n));
      writer.set("Account", accountId(1), { id: accountId(1), owner: "a", balance: BigInt(n) });
      await writer.commit();
    }
    await store.revertTo(1);
    const writer = store.startBlock(block(2));
    expect(await store.whileReading(() => writer.get("Account", accountId(1)))).toMatchObject({ balance: 1n });
  });
});

describe("a database that fails a read", () => {
  it("fails it with a StoreReadError, which is no handler's fault", async () => {
    const store = await open(databases[0]!, 1);
    const writer = store.startBlock(block(1));
    for (const i of [1, 2]) writer.set("Account", accountId(i), { id: accountId(i), owner: "a", balance: 1n });
    await writer.commit();
    await db!.exec(`DROP TABLE sgd1.account`);
    const reader = store.startBlock(block(2));
    expect(() => reader.get("Account", accountId(1))).toThrow(StoreReadError);
  });
});

describe("the filter of existing keys", () => {
  it("answers a read of an id that never existed without the database, and one that exists from it", async () => {
    const store = await open(databases[0]!, 1);
    const writer = store.startBlock(block(1));
    writer.set("Account", accountId(1), { id: accountId(1), owner: "a", balance: 1n });
    await writer.commit();
    const reader = store.startBlock(block(2));
    const before = store.entityCacheStats.misses;
    for (let i = 100; i < 200; i++) expect(await store.whileReading(() => reader.get("Account", accountId(i)))).toBeNull();
    expect(store.entityCacheStats.misses - before).toBeLessThan(5); // false positives of the filter only
    await store.whileReading(() => reader.get("Account", accountId(150)));
    expect(await store.whileReading(() => reader.get("Account", accountId(1)))).toMatchObject({ balance: 1n });
  });

  it("knows the ids a reopened store holds", async () => {
    const database = databases[0]!;
    const location = await database.create({ reopenable: true });
    const { openDb } = await import("./open.ts");
    db = await openDb(location);
    const schema = parseSchema(SCHEMA);
    const first = await EntityStore.open({ db, schema, namespace: "sgd1", deployment: "QmTest" });
    const writer = first.startBlock(block(1));
    for (let i = 0; i < 20; i++) writer.set("Account", accountId(i), { id: accountId(i), owner: "a", balance: BigInt(i) });
    await writer.commit();
    await db.close();
    db = await openDb(location);
    const reopened = await EntityStore.open({ db, schema, namespace: "sgd1", deployment: "QmTest", entityCacheSize: 1 });
    const reader = reopened.startBlock(block(2));
    for (let i = 0; i < 20; i++) expect(await reopened.whileReading(() => reader.get("Account", accountId(i)))).toMatchObject({ balance: BigInt(i) });
  });
});
