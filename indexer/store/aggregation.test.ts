import { afterEach, describe, expect, it } from "vitest";

import type { Db } from "./db.ts";
import type { EntityStore } from "./entityStore.ts";
import { testBlock, testDatabases, testStore } from "./testSupport.ts";

const SCHEMA = `
  type Trade @entity(timeseries: true) {
    id: Int8!
    timestamp: Timestamp!
    token: Bytes!
    amount: BigInt!
    price: BigDecimal!
  }
  type TokenStat @aggregation(intervals: ["hour", "day"], source: "Trade") {
    id: Int8!
    timestamp: Timestamp!
    token: Bytes!
    volume: BigInt! @aggregate(fn: "sum", arg: "amount")
    trades: Int8! @aggregate(fn: "count")
    low: BigDecimal! @aggregate(fn: "min", arg: "price")
    high: BigDecimal! @aggregate(fn: "max", arg: "price")
    open: BigDecimal! @aggregate(fn: "first", arg: "price")
    close: BigDecimal! @aggregate(fn: "last", arg: "price")
    totalVolume: BigInt! @aggregate(fn: "sum", arg: "amount", cumulative: true)
    totalTrades: Int8! @aggregate(fn: "count", cumulative: true)
    allTimeLow: BigDecimal! @aggregate(fn: "min", arg: "price", cumulative: true)
    allTimeHigh: BigDecimal! @aggregate(fn: "max", arg: "price", cumulative: true)
    firstEver: BigDecimal! @aggregate(fn: "first", arg: "price", cumulative: true)
    lastEver: BigDecimal! @aggregate(fn: "last", arg: "price", cumulative: true)
  }
  type Total @aggregation(intervals: ["hour"], source: "Trade") {
    id: Int8!
    timestamp: Timestamp!
    volume: BigInt! @aggregate(fn: "sum", arg: "amount")
    trades: Int! @aggregate(fn: "count")
  }
`;

/** The start of a day (seconds). */
const DAY = 19_675 * 86_400;
const HOUR = 3_600;
const TA = "0x0a";
const TB = "0x0b";
const us = (seconds: number) => BigInt(seconds) * 1_000_000n;

const databases = testDatabases();
let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function commit(store: EntityStore, number: number, seconds: number, trades: [string, bigint, string][]): Promise<void> {
  const writer = store.startBlock(testBlock(number, seconds));
  for (const [token, amount, price] of trades) writer.set("Trade", "ignored", { token, amount, price });
  await writer.commit();
}

interface StatRow {
  id: bigint;
  timestamp: bigint;
  token: string;
  block_start: number;
  volume: string;
  trades: bigint;
  low: string;
  high: string;
  open: string;
  close: string;
  totalVolume: string;
  totalTrades: bigint;
  allTimeLow: string;
  allTimeHigh: string;
  firstEver: string;
  lastEver: string;
}

async function stats(table: "tokenstat_hour" | "tokenstat_day"): Promise<StatRow[]> {
  const { rows } = await db!.query<StatRow>(
    `SELECT id, timestamp, '0x' || encode(token, 'hex') AS token, block_start, volume::text AS volume, trades,
            low::text AS low, high::text AS high, open::text AS open, close::text AS close,
            "totalVolume"::text AS "totalVolume", "totalTrades", "allTimeLow"::text AS "allTimeLow",
            "allTimeHigh"::text AS "allTimeHigh", "firstEver"::text AS "firstEver", "lastEver"::text AS "lastEver"
       FROM sgd1.${table} ORDER BY timestamp, token`,
  );
  return rows;
}

describe.each(databases)("on $name", (database) => {
  async function open(): Promise<EntityStore> {
    const opened = await testStore(await database.open(), SCHEMA);
    db = opened.db;
    return opened.store;
  }

  describe("timeseries", () => {
    it("numbers data points 1, 2, … and stamps them with the block's time in microseconds", async () => {
      const store = await open();
      await commit(store, 1, DAY + 60, [[TA, 1n, "1"], [TB, 2n, "2"]]);
      await commit(store, 2, DAY + 120, [[TA, 3n, "3"]]);
      const { rows } = await db!.query("SELECT id, timestamp, block_start, block_end, amount::text AS amount FROM sgd1.trade ORDER BY id");
      expect(rows).toEqual([
        { id: 1n, timestamp: us(DAY + 60), block_start: 1, block_end: null, amount: "1" },
        { id: 2n, timestamp: us(DAY + 60), block_start: 1, block_end: null, amount: "2" },
        { id: 3n, timestamp: us(DAY + 120), block_start: 2, block_end: null, amount: "3" },
      ]);
    });

    it("keeps the id the host generated, and numbers points without one after it", async () => {
      const store = await open();
      const writer = store.startBlock(testBlock(3, DAY + 60));
      const generated = (3n << 32n) + 0n; // graph-node's id: block number << 32 | sequence in the block
      writer.set("Trade", String(generated), { id: generated, token: TA, amount: 1n, price: "1" });
      writer.set("Trade", "", { token: TA, amount: 2n, price: "2" });
      await writer.commit();
      const { rows } = await db!.query("SELECT id, amount::text AS amount FROM sgd1.trade ORDER BY id");
      expect(rows).toEqual([
        { id: generated, amount: "1" },
        { id: generated + 1n, amount: "2" },
      ]);
    });
  });

  describe("rollups", () => {
    it("rolls a bucket up when the first block at or past its end is committed, per dimension", async () => {
      const store = await open();
      await commit(store, 1, DAY + 600, [[TA, 10n, "1.5"], [TA, 5n, "2.0"], [TB, 7n, "3"]]);
      await commit(store, 2, DAY + 2_400, [[TA, 1n, "1.0"]]);
      expect(await stats("tokenstat_hour")).toEqual([]);

      await commit(store, 3, DAY + HOUR + 600, [[TA, 100n, "4"]]);
      expect(await stats("tokenstat_hour")).toEqual([
        {
          id: 4n, timestamp: us(DAY), token: TA, block_start: 3, volume: "16", trades: 3n, low: "1.0", high: "2.0",
          open: "1.5", close: "1.0", totalVolume: "16", totalTrades: 3n, allTimeLow: "1.0", allTimeHigh: "2.0",
          firstEver: "1.5", lastEver: "1.0",
        },
        {
          id: 3n, timestamp: us(DAY), token: TB, block_start: 3, volume: "7", trades: 1n, low: "3", high: "3",
          open: "3", close: "3", totalVolume: "7", totalTrades: 1n, allTimeLow: "3", allTimeHigh: "3",
          firstEver: "3", lastEver: "3",
        },
      ]);
      const { rows } = await db!.query("SELECT id, timestamp, volume::text AS volume, trades, block_start FROM sgd1.total_hour");
      expect(rows).toEqual([{ id: 4n, timestamp: us(DAY), volume: "23", trades: 4, block_start: 3 }]);
      expect(await stats("tokenstat_day")).toEqual([]);
    });

    it("adds cumulative aggregates to the latest earlier row of the same dimensions; empty buckets get no row", async () => {
      const store = await open();
      await commit(store, 1, DAY + 600, [[TA, 10n, "1.5"], [TB, 7n, "3"]]);
      await commit(store, 2, DAY + HOUR + 60, [[TA, 5n, "0.5"]]);
      // Hours 2 to 4 pass without a block; block 3 closes hour 1.
      await commit(store, 3, DAY + 5 * HOUR + 60, [[TA, 1n, "9"]]);
      // Block 4 closes hour 5 and day 0 at once; hours 6 to 24 are empty.
      await store.advanceHead(testBlock(4, DAY + 25 * HOUR));

      const hours = await stats("tokenstat_hour");
      expect(hours.map((r) => [Number((r.timestamp - us(DAY)) / us(HOUR)), r.token, r.block_start])).toEqual([
        [0, TA, 2],
        [0, TB, 2],
        [1, TA, 3],
        [5, TA, 4],
      ]);
      expect(hours[2]).toMatchObject({ volume: "5", trades: 1n, totalVolume: "15", totalTrades: 2n, allTimeLow: "0.5", allTimeHigh: "1.5", firstEver: "1.5", lastEver: "0.5" });
      // TA's previous row is hour 1, several buckets back, not the (empty) bucket just before.
      expect(hours[3]).toMatchObject({ id: 4n, volume: "1", totalVolume: "16", totalTrades: 3n, allTimeLow: "0.5", allTimeHigh: "9", firstEver: "1.5", lastEver: "9" });

      expect(await stats("tokenstat_day")).toEqual([
        {
          id: 4n, timestamp: us(DAY), token: TA, block_start: 4, volume: "16", trades: 3n, low: "0.5", high: "9",
          open: "1.5", close: "9", totalVolume: "16", totalTrades: 3n, allTimeLow: "0.5", allTimeHigh: "9",
          firstEver: "1.5", lastEver: "9",
        },
        {
          id: 2n, timestamp: us(DAY), token: TB, block_start: 4, volume: "7", trades: 1n, low: "3", high: "3",
          open: "3", close: "3", totalVolume: "7", totalTrades: 1n, allTimeLow: "3", allTimeHigh: "3",
          firstEver: "3", lastEver: "3",
        },
      ]);
    });

    it("reverts rollups with their block and rolls the bucket up again on the next block", async () => {
      const store = await open();
      await commit(store, 1, DAY + 600, [[TA, 10n, "1"]]);
      await commit(store, 2, DAY + HOUR + 60, [[TA, 5n, "2"]]);
      expect((await stats("tokenstat_hour")).map((r) => r.block_start)).toEqual([2]);

      await store.revertTo(1);
      expect(await stats("tokenstat_hour")).toEqual([]);
      expect((await db!.query("SELECT id FROM sgd1.trade")).rows).toEqual([{ id: 1n }]);

      await commit(store, 2, DAY + 2 * HOUR + 60, [[TA, 7n, "3"]]);
      const hours = await stats("tokenstat_hour");
      expect(hours).toHaveLength(1);
      expect(hours[0]).toMatchObject({ id: 1n, volume: "10", block_start: 2, totalVolume: "10" });
      expect((await db!.query("SELECT id, amount::text AS amount FROM sgd1.trade ORDER BY id")).rows).toEqual([
        { id: 1n, amount: "10" },
        { id: 2n, amount: "7" },
      ]);
    });
  });
});
