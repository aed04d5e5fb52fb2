import { describe, expect, it } from "vitest";

import { attributeIndexes, existingIndexes } from "./attributeIndexes.ts";
import type { Db } from "./db.ts";
import type { EntityStore } from "./entityStore.ts";
import { testBlock, testDatabases, testStore } from "./testSupport.ts";

const SCHEMA = `
enum Tier { Gold Silver }
type Account @entity(immutable: false) {
  id: Bytes!
  name: String!
  earned: BigInt!
  rate: BigDecimal!
  level: Int!
  active: Boolean!
  tier: Tier!
  code: Bytes
  tags: [String!]!
  friend: Account
  aFieldNameLongEnoughToPushTheIndexNamePastPostgresLimit: Int!
}
type Sale @entity(immutable: true) {
  id: ID!
  account: Account!
  amount: BigInt!
}
`;
const NS = "sgd1";

const account = (n: number) => ({
  id: `0x${n.toString(16).padStart(4, "0")}`,
  name: `account ${n}`,
  earned: BigInt(n * 10),
  rate: "0.5",
  level: n % 7,
  active: n % 2 === 0,
  tier: n % 3 === 0 ? "Gold" : "Silver",
  code: null,
  tags: ["a"],
  friend: null,
  aFieldNameLongEnoughToPushTheIndexNamePastPostgresLimit: n,
});

/** Writes accounts `from`..`to - 1` (new or changed) in block `number`. */
async function writeAccounts(store: EntityStore, number: number, from: number, to: number): Promise<void> {
  const writer = store.startBlock(testBlock(number, 1_700_000_000 + number));
  for (let n = from; n < to; n++) writer.set("Account", account(n).id, { ...account(n), earned: BigInt(n * 10 + number) });
  await writer.commit();
}

async function indexDefinitions(db: Db): Promise<Map<string, string>> {
  const { rows } = await db.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1`, [NS]);
  return new Map(rows.map((row) => [row.indexname, row.indexdef]));
}

async function estimatedRows(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ reltuples: number }>(
    `SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [NS, table],
  );
  return Number(rows[0]!.reltuples);
}

describe.each(testDatabases())("attribute indexes and planner statistics on $name", (database) => {
  it("builds no attribute index when the store opens, and every one, with stable names under 64 bytes, once it is ready for queries", async () => {
    const { db, store } = await testStore(await database.open(), SCHEMA);
    try {
      await writeAccounts(store, 1, 0, 5);
      const wanted = attributeIndexes(store.schema, NS);
      expect(wanted.map((index) => index.name)).toEqual([
        "account_attr_name", "account_attr_earned", "account_attr_rate", "account_attr_level", "account_attr_active", "account_attr_tier",
        "account_attr_code", "account_attr_tags", expect.stringMatching(/^account_attr_aFieldNameLongEnough.*_[0-9a-f]{10}$/), "sale_attr_amount",
      ]);
      for (const { name } of wanted) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
      const before = await existingIndexes(db, NS);
      expect(wanted.filter((index) => before.has(index.name))).toEqual([]);
      // A reference is indexed with its table, as derived lists need it while indexing.
      expect(before.has("account_attr_friend")).toBe(true);

      const lines: string[] = [];
      expect(await store.prepareForQueries({ log: (line) => lines.push(line) })).toBe(true);
      const definitions = await indexDefinitions(db);
      for (const { name } of wanted) expect(definitions.has(name), name).toBe(true);
      expect(definitions.get("account_attr_earned")).toMatch(/\(earned, id\)/);
      expect(definitions.get("account_attr_tier")).toMatch(/\(tier, id\)/);
      expect(definitions.get("account_attr_name")).toMatch(/"?left"?\(name, 256\)/);
      expect(definitions.get("account_attr_code")).toMatch(/"?substring"?\(code, 1, 64\)/);
      expect(definitions.get("account_attr_tags")).toMatch(/USING gin \(tags\)/);
      expect(lines[0]).toBe("query indexes: building 10 attribute indexes (the indexer has caught up with the chain head)");
      expect(lines.some((line) => /^query indexes: 10 built in [\d.]+ s$/.test(line))).toBe(true);

      // Ready again (a restart at the head): nothing is missing, nothing is built.
      lines.length = 0;
      expect(await store.prepareForQueries({ log: (line) => lines.push(line) })).toBe(true);
      expect(lines.filter((line) => line.includes("building"))).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("stops between indexes when asked, keeps what it built, and builds the rest next time", async () => {
    const { db, store } = await testStore(await database.open(), SCHEMA);
    try {
      let asked = 0;
      const lines: string[] = [];
      expect(await store.prepareForQueries({ log: (line) => lines.push(line), shouldStop: () => ++asked > 2 })).toBe(false);
      const names = attributeIndexes(store.schema, NS).map((index) => index.name);
      const built = await existingIndexes(db, NS);
      expect(names.filter((name) => built.has(name))).toEqual(names.slice(0, 2));
      expect(lines.at(-1)).toBe("query indexes: stopped after 2 of 10; the rest are built when the indexer next catches up");
      expect(await store.prepareForQueries()).toBe(true);
      const all = await existingIndexes(db, NS);
      expect(names.filter((name) => !all.has(name))).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("analyzes every table once ready, then a table again once autovacuum's threshold of its rows changed", async () => {
    const { db, store } = await testStore(await database.open(), SCHEMA);
    try {
      await writeAccounts(store, 1, 0, 20);
      await store.prepareForQueries();
      expect(await estimatedRows(db, "account")).toBe(20);
      expect(await estimatedRows(db, "sale")).toBe(0);

      // 20 new versions and 20 ended ones: 40 changed rows, under 50 + 10 % of 20.
      await writeAccounts(store, 2, 0, 20);
      expect(await store.refreshStatistics()).toEqual([]);
      expect(await estimatedRows(db, "account")).toBe(20);

      // 12 more new versions: 52 changed rows reach the threshold (50 + 10 % of 20); only that table is analyzed.
      await writeAccounts(store, 3, 20, 32);
      expect(await store.refreshStatistics()).toEqual(["account"]);
      expect(await estimatedRows(db, "account")).toBe(52);
      // Counted from zero again.
      expect(await store.refreshStatistics()).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
