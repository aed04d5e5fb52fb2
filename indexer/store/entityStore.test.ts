import { afterEach, describe, expect, it } from "vitest";

import { parseSchema } from "../schema.ts";
import type { Db } from "./db.ts";
import { EntityStore } from "./entityStore.ts";
import { REVERTIBLE_BLOCKS } from "./meta.ts";
import { openDb } from "./open.ts";
import { StoreError } from "./storeError.ts";
import { testBlock, testDatabases, testStore } from "./testSupport.ts";

const SCHEMA = `
  type Account @entity {
    id: Bytes!
    owner: String!
    balance: BigInt!
    tags: [String!]
    wallets: [Wallet!]! @derivedFrom(field: "account")
  }
  type Wallet @entity {
    id: ID!
    account: Account!
    amount: Int!
  }
  type Event @entity(immutable: true) {
    id: Bytes!
    amount: BigDecimal!
  }
  type Counter @entity {
    id: Int8!
    label: ID
    count: Int!
  }
  type Tick @entity(timeseries: true) {
    id: Int8!
    timestamp: Timestamp!
    value: Int!
  }
  type TickStat @aggregation(intervals: ["hour"], source: "Tick") {
    id: Int8!
    timestamp: Timestamp!
    total: Int! @aggregate(fn: "sum", arg: "value")
  }
`;

const T0 = 1_700_000_000;
const block = (n: number, variant = 0) => testBlock(n, T0 + n * 12, variant);
const A = "0xaa01";
const B = "0xbb02";
const account = (id: string, balance: bigint, owner = "alice") => ({ id, owner, balance, tags: null });

const databases = testDatabases();
let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

/** The Account rows visible "at block" `at`, as the GraphQL planner reads them. */
async function accountsAt(at: number): Promise<{ id: string; balance: string }[]> {
  const { rows } = await db!.query<{ id: string; balance: string }>(
    `SELECT encode(id, 'hex') AS id, balance::text AS balance FROM sgd1.account
      WHERE block_start <= $1 AND (block_end IS NULL OR block_end > $1) ORDER BY id`,
    [at],
  );
  return rows;
}

async function versions(table: string): Promise<{ id: string; block_start: number; block_end: number | null }[]> {
  const { rows } = await db!.query<{ id: string; block_start: number; block_end: number | null }>(
    `SELECT CASE WHEN pg_typeof(id)::text = 'bytea' THEN encode(id::bytea, 'hex') ELSE id::text END AS id, block_start, block_end
       FROM sgd1.${table} ORDER BY id, block_start`,
  );
  return rows;
}

describe.each(databases)("on $name", (database) => {
  async function open(): Promise<EntityStore> {
    const opened = await testStore(await database.open(), SCHEMA);
    db = opened.db;
    return opened.store;
  }

  describe("EntityStore commits", () => {
    it("writes one version per change with block ranges, readable at any block", async () => {
      const store = await open();
      let writer = store.startBlock(block(1));
      writer.set("Account", A, account(A, 1n));
      await writer.commit();

      writer = store.startBlock(block(2));
      writer.set("Account", A, account(A, 2n));
      writer.set("Account", B, account(B, 50n, "bob"));
      await writer.commit();

      writer = store.startBlock(block(3));
      writer.remove("Account", A);
      await writer.commit();

      expect(await versions("account")).toEqual([
        { id: "aa01", block_start: 1, block_end: 2 },
        { id: "aa01", block_start: 2, block_end: 3 },
        { id: "bb02", block_start: 2, block_end: null },
      ]);
      expect(await accountsAt(1)).toEqual([{ id: "aa01", balance: "1" }]);
      expect(await accountsAt(2)).toEqual([
        { id: "aa01", balance: "2" },
        { id: "bb02", balance: "50" },
      ]);
      expect(await accountsAt(3)).toEqual([{ id: "bb02", balance: "50" }]);

      const reader = store.startBlock(block(4));
      expect(reader.get("Account", A)).toBeNull();
      expect(reader.get("Account", B)).toEqual(account(B, 50n, "bob"));
      expect(store.head).toEqual(block(3));
      expect(await store.blockHash(2)).toBe(block(2).hash);
    });

    it("lets get see the block's own writes and getInBlock only those", async () => {
      const store = await open();
      let writer = store.startBlock(block(1));
      writer.set("Account", A, account(A, 1n));
      await writer.commit();

      writer = store.startBlock(block(2));
      expect(writer.get("Account", A)).toEqual(account(A, 1n));
      expect(writer.getInBlock("Account", A)).toBeNull();
      writer.set("Account", A.toUpperCase().replace("0X", "0x"), account(A, 7n));
      expect(writer.get("Account", A)).toEqual(account(A, 7n));
      expect(writer.getInBlock("Account", A)).toEqual(account(A, 7n));
      writer.remove("Account", A);
      expect(writer.get("Account", A)).toBeNull();

      const fetched = store.startBlock(block(2)).get("Account", A)!;
      fetched.balance = 999n;
      expect(store.startBlock(block(2)).get("Account", A)!.balance).toBe(1n);
    });

    it("writes no new version when an entity is set to what it already is", async () => {
      const store = await open();
      let writer = store.startBlock(block(1));
      writer.set("Account", A, account(A, 1n));
      await writer.commit();
      writer = store.startBlock(block(2));
      writer.set("Account", A, account(A, 1n));
      writer.remove("Account", B);
      await writer.commit();
      expect(await versions("account")).toEqual([{ id: "aa01", block_start: 1, block_end: null }]);
      expect(store.head?.number).toBe(2);
    });

    it("keeps the last write of an immutable entity within a block and refuses a write in a later block", async () => {
      const store = await open();
      let writer = store.startBlock(block(1));
      writer.set("Event", "0x01", { id: "0x01", amount: "1.5" });
      writer.set("Event", "0x01", { id: "0x01", amount: "2.5" });
      await writer.commit();
      const { rows } = await db!.query<{ amount: string; block_end: number | null }>("SELECT amount::text, block_end FROM sgd1.event");
      expect(rows).toEqual([{ amount: "2.5", block_end: null }]);

      writer = store.startBlock(block(2));
      expect(() => writer.set("Event", "0x01", { id: "0x01", amount: "3" })).toThrow(StoreError);
      expect(() => writer.set("Event", "0x01", { id: "0x01", amount: "3" })).toThrow(/immutable/);
      expect(() => writer.remove("Event", "0x01")).toThrow(/immutable/);
    });

    it("changes nothing when a commit fails, and the block can be retried", async () => {
      const store = await open();
      let writer = store.startBlock(block(1));
      writer.set("Account", A, account(A, 1n));
      await writer.commit();

      writer = store.startBlock(block(2));
      writer.set("Account", A, account(A, 2n));
      writer.set("Wallet", "w1", { id: "w1", account: A, amount: 3 });
      writer.set("Account", B, { id: B, owner: null, balance: 5n, tags: null }); // owner is NOT NULL
      writer.set("Tick", "ignored", { value: 1 });
      await expect(writer.commit()).rejects.toThrow(/null/);

      expect(await versions("account")).toEqual([{ id: "aa01", block_start: 1, block_end: null }]);
      expect(await versions("wallet")).toEqual([]);
      expect((await db!.query("SELECT * FROM sgd1.tick")).rows).toEqual([]);
      expect((await db!.query("SELECT number FROM sgd1._blocks")).rows).toEqual([{ number: 1 }]);
      expect(store.head).toEqual(block(1));
      const reader = store.startBlock(block(2));
      expect(reader.get("Account", A)).toEqual(account(A, 1n));
      expect(reader.get("Wallet", "w1")).toBeNull();

      writer = store.startBlock(block(2));
      writer.set("Account", A, account(A, 2n));
      writer.set("Tick", "ignored", { value: 1 });
      await writer.commit();
      expect(await accountsAt(2)).toEqual([{ id: "aa01", balance: "2" }]);
      const { rows } = await db!.query<{ id: bigint }>("SELECT id FROM sgd1.tick");
      expect(rows).toEqual([{ id: 1n }]);
    });

    it("keys Int8 ids by their decimal value", async () => {
      const store = await open();
      const writer = store.startBlock(block(1));
      writer.set("Counter", "5", { id: 5n, label: "five", count: 1 });
      writer.set("Counter", "6", { label: null, count: 2 });
      await writer.commit();
      const reader = store.startBlock(block(2));
      expect(reader.get("Counter", "5")).toEqual({ id: 5n, label: "five", count: 1 });
      expect(reader.get("Counter", "6")).toEqual({ id: 6n, label: null, count: 2 });
      expect(() => reader.set("Counter", "7", { id: 8n, label: null, count: 0 })).toThrow(/id is 8, not the id it is stored under/);
      const { rows } = await db!.query("SELECT id, count FROM sgd1.counter ORDER BY id");
      expect(rows).toEqual([
        { id: 5n, count: 1 },
        { id: 6n, count: 2 },
      ]);
    });

    it("refuses blocks that are not after the head, and writers started at an older head", async () => {
      const store = await open();
      const first = store.startBlock(block(1));
      const rival = store.startBlock(block(2));
      await first.commit();
      expect(() => store.startBlock(block(1))).toThrow(/not after the head/);
      await expect(rival.commit()).rejects.toThrow(StoreError);
      expect(() => first.set("Account", A, account(A, 1n))).toThrow(/already committed/);
    });

    it("refuses reads of timeseries and aggregations by id and writes of aggregations", async () => {
      const store = await open();
      const writer = store.startBlock(block(1));
      expect(() => writer.get("Tick", "1")).toThrow(/timeseries/);
      expect(() => writer.get("TickStat", "1")).toThrow(/aggregation/);
      expect(() => writer.set("TickStat", "1", { total: 1 })).toThrow(/aggregation/);
      expect(() => writer.get("Nope", "1")).toThrow(/unknown entity type Nope/);
    });

    it("loads @derivedFrom entities from committed state and the block's writes", async () => {
      const store = await open();
      let writer = store.startBlock(block(1));
      writer.set("Account", A, account(A, 1n));
      writer.set("Account", B, account(B, 1n));
      writer.set("Wallet", "w1", { id: "w1", account: A, amount: 1 });
      writer.set("Wallet", "w2", { id: "w2", account: A, amount: 2 });
      writer.set("Wallet", "w3", { id: "w3", account: B, amount: 3 });
      expect(writer.loadRelated("Account", A, "wallets").map((w) => w.id).sort()).toEqual(["w1", "w2"]);
      await writer.commit();

      writer = store.startBlock(block(2));
      expect(writer.loadRelated("Account", A, "wallets").map((w) => w.id).sort()).toEqual(["w1", "w2"]);
      writer.set("Wallet", "w2", { id: "w2", account: B, amount: 2 });
      writer.set("Wallet", "w4", { id: "w4", account: A, amount: 4 });
      writer.remove("Wallet", "w1");
      expect(writer.loadRelated("Account", A, "wallets").map((w) => w.id)).toEqual(["w4"]);
      expect(writer.loadRelated("Account", B, "wallets").map((w) => w.id).sort()).toEqual(["w2", "w3"]);
      await writer.commit();

      const reader = store.startBlock(block(3));
      expect(reader.loadRelated("Account", A, "wallets")).toEqual([{ id: "w4", account: A, amount: 4 }]);
      expect(reader.loadRelated("Account", B, "wallets").map((w) => w.id).sort()).toEqual(["w2", "w3"]);
      expect(() => reader.loadRelated("Account", A, "owner")).toThrow(/not a @derivedFrom field/);
    });
  });

  describe("EntityStore.revertTo", () => {
    it("undoes later blocks: deletes their versions, reopens the ones they ended, moves the head back", async () => {
      const store = await open();
      for (let n = 1; n <= 4; n++) {
        const writer = store.startBlock(block(n));
        writer.set("Account", A, account(A, BigInt(n)));
        if (n === 3) writer.set("Event", "0x03", { id: "0x03", amount: "3" });
        if (n === 4) writer.remove("Account", B);
        if (n === 1) writer.set("Account", B, account(B, 10n));
        writer.set("Tick", "x", { value: n });
        await writer.commit();
      }
      await store.revertTo(2);

      expect(await versions("account")).toEqual([
        { id: "aa01", block_start: 1, block_end: 2 },
        { id: "aa01", block_start: 2, block_end: null },
        { id: "bb02", block_start: 1, block_end: null },
      ]);
      expect((await db!.query("SELECT id FROM sgd1.event")).rows).toEqual([]);
      expect((await db!.query("SELECT id FROM sgd1.tick ORDER BY id")).rows).toEqual([{ id: 1n }, { id: 2n }]);
      expect(store.head).toEqual(block(2));
      expect(await store.blockHash(3)).toBeNull();
      expect(await store.blockHash(2)).toBe(block(2).hash);

      const writer = store.startBlock(block(3, 1));
      expect(writer.get("Account", A)).toEqual(account(A, 2n));
      expect(writer.get("Account", B)).toEqual(account(B, 10n));
      expect(writer.get("Event", "0x03")).toBeNull();
      writer.set("Event", "0x03", { id: "0x03", amount: "4" });
      writer.set("Tick", "x", { value: 30 });
      await writer.commit();
      expect(await store.blockHash(3)).toBe(block(3, 1).hash);
      expect((await db!.query("SELECT id, value FROM sgd1.tick WHERE value = 30")).rows).toEqual([{ id: 3n, value: 30 }]);
    });

    it("reverts to a block that was skipped as to the last committed block before it", async () => {
      const store = await open();
      let writer = store.startBlock(block(1));
      writer.set("Account", A, account(A, 1n));
      await writer.commit();
      writer = store.startBlock(block(300));
      writer.set("Account", A, account(A, 300n));
      await writer.commit();
      // Block 1 is more than 250 blocks back, yet its row stays: it is the state of every block up to 299.
      await store.revertTo(299);
      expect(store.head).toEqual(block(1));
      expect(await accountsAt(299)).toEqual([{ id: "aa01", balance: "1" }]);
      expect(store.startBlock(block(300)).get("Account", A)).toEqual(account(A, 1n));
    });

    it("reverts to before the first block, to nothing", async () => {
      const store = await open();
      const writer = store.startBlock(block(5));
      writer.set("Account", A, account(A, 1n));
      await writer.commit();
      await store.revertTo(4);
      expect(store.head).toBeNull();
      expect(await versions("account")).toEqual([]);
      expect(store.startBlock(block(5)).get("Account", A)).toBeNull();
    });

    it("keeps the last 250 blocks revertible and refuses to go further back", async () => {
      const store = await open();
      const last = REVERTIBLE_BLOCKS + 10;
      for (let n = 1; n <= last; n++) await store.advanceHead(block(n));
      const { rows } = await db!.query<{ count: bigint; min: number }>("SELECT count(*) AS count, min(number) AS min FROM sgd1._blocks");
      // The last 250 blocks and the one before them.
      expect(rows[0]).toEqual({ count: BigInt(REVERTIBLE_BLOCKS + 1), min: last - REVERTIBLE_BLOCKS });
      await expect(store.revertTo(last - REVERTIBLE_BLOCKS - 1)).rejects.toThrow(/only the last 250 blocks/);
      await store.revertTo(last - REVERTIBLE_BLOCKS);
      expect(store.head).toEqual(block(last - REVERTIBLE_BLOCKS));
    }, 120_000);
  });

  describe("EntityStore.fail", () => {
    it("records the fatal error in _meta and stops indexing until a revert", async () => {
      const store = await open();
      await store.advanceHead(block(1));
      await store.advanceHead(block(2));
      await store.fail("handler panicked: division by zero", block(3));
      expect(store.fatalError).toBe("handler panicked: division by zero");
      const { rows } = await db!.query("SELECT has_errors, fatal_error, fatal_block FROM sgd1._meta");
      // A fatal error is not `has_errors` (errors indexing went past): what came before stays queryable.
      expect(rows).toEqual([{ has_errors: false, fatal_error: "handler panicked: division by zero", fatal_block: 3 }]);
      expect(store.fatalBlock).toEqual({ number: 3, hash: block(3).hash });
      expect(() => store.startBlock(block(3))).toThrow(/has failed/);
      await store.revertTo(1);
      expect(store.fatalError).toBeNull();
      expect((await db!.query("SELECT fatal_error, fatal_block FROM sgd1._meta")).rows).toEqual([{ fatal_error: null, fatal_block: null }]);
      expect(store.startBlock(block(2)).block.number).toBe(2);
    });
  });

  describe("EntityStore.open", () => {
    it("refuses another deployment's database before touching its tables, and says to start with --fresh", async () => {
      const store = await open();
      const writer = store.startBlock(block(1));
      writer.set("Account", A, account(A, 1n));
      await writer.commit();
      // Another build: Account lost `owner` and gained an index on a new reference, and a type is new.
      const other = parseSchema(`
        type Account @entity { id: Bytes!, balance: BigInt!, holder: Holder }
        type Holder @entity { id: ID!, name: String! }
      `);
      await expect(EntityStore.open({ db: db!, schema: other, namespace: "sgd1", deployment: "QmOther" })).rejects.toThrow(
        /holds deployment QmTest, not QmOther: start with --fresh .*or use another database/,
      );
      const { rows } = await db!.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'sgd1' AND table_name = 'holder'`);
      expect(rows).toEqual([]);
      expect(await accountsAt(1)).toEqual([{ id: A.slice(2), balance: "1" }]);
    });
  });

  describe("EntityStore on disk", () => {
    it("resumes after a restart with exactly the committed state", async () => {
      const location = await database.create({ reopenable: true });
      const schema = parseSchema(SCHEMA);
      let disk = await openDb(location);
      let store = await EntityStore.open({ db: disk, schema, namespace: "sgd7", deployment: "QmDisk" });
      let writer = store.startBlock(block(1));
      writer.set("Account", A, { id: A, owner: "alice", balance: 123456789012345678901234567890n, tags: ["x", "y"] });
      writer.set("Event", "0x01", { id: "0x01", amount: "0.000000000000000001" });
      writer.set("Tick", "", { value: 1 });
      writer.set("Tick", "", { value: 2 });
      await writer.commit();
      writer = store.startBlock(block(2));
      writer.set("Account", B, account(B, 5n));
      await expect(writer.commit()).resolves.toBeUndefined();
      const uncommitted = store.startBlock(block(3));
      uncommitted.set("Account", A, account(A, 0n));
      await store.fail("boom", block(3));
      await disk.close();

      disk = await openDb(location);
      await expect(EntityStore.open({ db: disk, schema, namespace: "sgd7", deployment: "QmOther" })).rejects.toThrow(
        /holds deployment QmDisk, not QmOther/,
      );
      store = await EntityStore.open({ db: disk, schema, namespace: "sgd7", deployment: "QmDisk" });
      expect(store.head).toEqual(block(2));
      expect(store.fatalError).toBe("boom");
      expect(store.fatalBlock).toEqual({ number: 3, hash: block(3).hash });
      await store.revertTo(2); // the head itself: nothing committed to undo, but the failed block after it is undone
      expect(store.fatalError).toBeNull();
      expect(store.fatalBlock).toBeNull();
      await store.revertTo(1);
      writer = store.startBlock(block(2));
      expect(writer.get("Account", A)).toEqual({ id: A, owner: "alice", balance: 123456789012345678901234567890n, tags: ["x", "y"] });
      expect(writer.get("Event", "0x01")).toEqual({ id: "0x01", amount: "0.000000000000000001" });
      expect(writer.get("Account", B)).toBeNull();
      writer.set("Tick", "", { value: 3 });
      await writer.commit();
      const { rows } = await disk.query("SELECT id, value FROM sgd7.tick ORDER BY id");
      expect(rows).toEqual([
        { id: 1n, value: 1 },
        { id: 2n, value: 2 },
        { id: 3n, value: 3 },
      ]);
      await disk.close();
    }, 120_000);
  });
});
