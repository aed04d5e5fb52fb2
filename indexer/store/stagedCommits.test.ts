// Blocks committed with `defer`: seen at once by the blocks after them, written several to one transaction,
// all or nothing; a write that fails leaves the store as the database has it.
import { afterEach, describe, expect, it } from "vitest";

import type { Db } from "./db.ts";
import type { EntityStore } from "./entityStore.ts";
import { testBlock, testDatabases, testStore } from "./testSupport.ts";

const SCHEMA = `
  type Account @entity {
    id: ID!
    balance: BigInt!
  }
`;
const T0 = 1_700_000_000;
const block = (n: number) => testBlock(n, T0 + n * 12);

const databases = testDatabases();
let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function balances(): Promise<{ id: string; balance: string; block_start: number; block_end: number | null }[]> {
  const { rows } = await db!.query<{ id: string; balance: string; block_start: number; block_end: number | null }>(
    "SELECT id, balance::text AS balance, block_start, block_end FROM sgd1.account ORDER BY id, block_start",
  );
  return rows;
}

async function deposit(store: EntityStore, number: number, id: string, amount: bigint, defer: boolean): Promise<void> {
  const writer = store.startBlock(block(number));
  const balance = (writer.get("Account", id)?.balance as bigint | undefined) ?? 0n;
  writer.set("Account", id, { id, balance: balance + amount });
  await writer.commit({ defer });
}

describe.each(databases)("staged commits on $name", (database) => {
  async function open(): Promise<EntityStore> {
    const opened = await testStore(await database.open(), SCHEMA);
    db = opened.db;
    return opened.store;
  }

  it("lets later blocks read staged ones, and writes them all with the next commit", async () => {
    const store = await open();
    await deposit(store, 1, "a", 1n, true);
    await deposit(store, 2, "a", 10n, true);
    expect(store.stagedBlocks).toBe(2);
    expect(store.head).toBeNull();
    expect(await balances()).toEqual([]);
    await deposit(store, 3, "a", 100n, false);
    expect(store.stagedBlocks).toBe(0);
    expect(store.head?.number).toBe(3);
    expect(await balances()).toEqual([
      { id: "a", balance: "1", block_start: 1, block_end: 2 },
      { id: "a", balance: "11", block_start: 2, block_end: 3 },
      { id: "a", balance: "111", block_start: 3, block_end: null },
    ]);
  });

  it("closes each version where a later staged block replaces or removes it, in one write", async () => {
    const store = await open();
    await deposit(store, 1, "a", 1n, false);
    await deposit(store, 2, "b", 5n, true);
    const removing = store.startBlock(block(3));
    removing.remove("Account", "a");
    await removing.commit({ defer: true });
    await deposit(store, 4, "a", 7n, true);
    await deposit(store, 5, "a", 1n, true);
    await deposit(store, 6, "b", 1n, false);
    expect(await balances()).toEqual([
      { id: "a", balance: "1", block_start: 1, block_end: 3 },
      { id: "a", balance: "7", block_start: 4, block_end: 5 },
      { id: "a", balance: "8", block_start: 5, block_end: null },
      { id: "b", balance: "5", block_start: 2, block_end: 6 },
      { id: "b", balance: "6", block_start: 6, block_end: null },
    ]);
    const { rows } = await db!.query<{ number: number }>("SELECT number FROM sgd1._blocks ORDER BY number");
    expect(rows.map((row) => row.number)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("moves the head only once the transaction writing the block has committed", async () => {
    const store = await open();
    await deposit(store, 1, "a", 1n, false);
    // Readers on other connections (PostgreSQL's pool) see a block only after COMMIT: hold the commit back.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = db!.transaction.bind(db!);
    db!.transaction = (work) => transaction(async (tx) => {
      const result = await work(tx);
      await held;
      return result;
    });
    const committing = deposit(store, 2, "a", 10n, false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const headWhileWriting = store.head?.number;
    release();
    await committing;
    expect(headWhileWriting).toBe(1);
    expect(store.head?.number).toBe(2);
  });

  it("takes the reverted head at once when reading back after a revert fails, and starts no block until recovered", async () => {
    const store = await open();
    for (const n of [1, 2, 3]) await deposit(store, n, "a", 1n, false);
    // The revert commits; every read after it fails, as when the database drops right then.
    let reachable = true;
    const { query, transaction } = { query: db!.query.bind(db!), transaction: db!.transaction.bind(db!) };
    db!.query = ((...args: Parameters<Db["query"]>) => (reachable ? query(...args) : Promise.reject(new Error("gone")))) as Db["query"];
    db!.transaction = (work) => transaction(work).finally(() => (reachable = false));
    await expect(store.revertTo(1)).rejects.toThrow(/gone/);
    reachable = true;
    db!.transaction = transaction;
    expect(store.head?.number).toBe(1);
    expect(() => store.startBlock(block(4))).toThrow(/recover/);
    expect(await store.recover()).toBe(true);
    await deposit(store, 2, "a", 10n, false);
    expect(await balances()).toEqual([
      { id: "a", balance: "1", block_start: 1, block_end: 2 },
      { id: "a", balance: "11", block_start: 2, block_end: null },
    ]);
  });

  it("writes staged blocks on flush, and before a revert", async () => {
    const store = await open();
    await deposit(store, 1, "a", 1n, true);
    await store.flush();
    expect(store.head?.number).toBe(1);
    await deposit(store, 2, "a", 10n, true);
    await store.revertTo(1);
    expect(store.head?.number).toBe(1);
    expect(await balances()).toEqual([{ id: "a", balance: "1", block_start: 1, block_end: null }]);
  });

  it("writes nothing of the staged blocks when their transaction fails, and reads back what the database has", async () => {
    const store = await open();
    await deposit(store, 1, "a", 1n, false);
    await deposit(store, 2, "a", 10n, true);
    await deposit(store, 3, "b", 5n, true);
    // The table refuses the next insert: the whole batch fails.
    await db!.exec("ALTER TABLE sgd1.account ADD CONSTRAINT small CHECK (balance < 10)");
    await expect(store.flush()).rejects.toThrow(/small/);
    await db!.exec("ALTER TABLE sgd1.account DROP CONSTRAINT small");
    expect(store.head?.number).toBe(1);
    expect(await balances()).toEqual([{ id: "a", balance: "1", block_start: 1, block_end: null }]);
    // Indexed again from the head, the blocks read the written state, not the failed one.
    await deposit(store, 2, "a", 10n, false);
    expect(await balances()).toEqual([
      { id: "a", balance: "1", block_start: 1, block_end: 2 },
      { id: "a", balance: "11", block_start: 2, block_end: null },
    ]);
  });

  it("forgets the data sources of staged blocks whose write failed", async () => {
    const store = await open();
    await deposit(store, 1, "a", 1n, false);
    const writer = store.startBlock(block(2));
    writer.createDataSource({ template: "Child", address: "0x00000000000000000000000000000000000000c1", file: null, context: null, block: 2, doneAt: null, wrote: [] });
    writer.set("Account", "a", { id: "a", balance: 11n });
    await writer.commit({ defer: true });
    expect(store.dataSources).toHaveLength(1);
    await db!.exec("ALTER TABLE sgd1.account ADD CONSTRAINT small CHECK (balance < 10)");
    await expect(store.flush()).rejects.toThrow(/small/);
    // Block 2 is indexed again and creates the data source again.
    expect(store.dataSources).toEqual([]);
  });

  it("neither starts a block nor records a failure until it has read back what a failed write left", async () => {
    const store = await open();
    await deposit(store, 1, "a", 1n, false);
    await deposit(store, 2, "a", 10n, true);
    // Neither the write nor the read-back (entities are read on demand; the data sources at once) reaches its table.
    await db!.exec(`ALTER TABLE sgd1.account RENAME TO account_away; ALTER TABLE sgd1."_data_sources" RENAME TO sources_away`);
    await expect(store.flush()).rejects.toThrow();
    await db!.exec(`ALTER TABLE sgd1.account_away RENAME TO account; ALTER TABLE sgd1.sources_away RENAME TO "_data_sources"`);
    await expect(store.fail("a handler failed on entities that were never written", block(2))).rejects.toThrow(/recover/);
    expect(store.fatalError).toBeNull();
    expect(() => store.startBlock(block(2))).toThrow(/recover/);
    expect(await store.recover()).toBe(true);
    await deposit(store, 2, "a", 10n, false);
    expect(await balances()).toEqual([
      { id: "a", balance: "1", block_start: 1, block_end: 2 },
      { id: "a", balance: "11", block_start: 2, block_end: null },
    ]);
  });
});
