// Runs the real built RewardToken mapping (subgraph/build) on hand-built triggers and checks what it stores.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSchema, type SchemaModel } from "../schema.ts";
import { BlockIdSequence, MappingError, MappingModule, type MappingEnv } from "./index.ts";
import { MemoryStore } from "./testing/memoryStore.ts";
import { block, eventTrigger, transaction } from "./testing/triggers.ts";

const BUILD = join(import.meta.dirname, "../../subgraph/build");
const TOKEN = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
const STOREFRONT = "0x1111111111111111111111111111111111111111";
const SHOPPER = "0x2222222222222222222222222222222222222222";
const ZERO = `0x${"00".repeat(20)}`;
const TX = `0x${"ab".repeat(32)}`;
const le32 = (n: number) => Buffer.from(Uint32Array.of(n).buffer).toString("hex");

let schema: SchemaModel;
let module: MappingModule;
let abi: unknown[];

beforeAll(() => {
  schema = parseSchema(readFileSync(join(BUILD, "schema.graphql"), "utf8"));
  abi = JSON.parse(readFileSync(join(BUILD, "RewardToken/RewardToken.json"), "utf8"));
  module = MappingModule.compile(readFileSync(join(BUILD, "RewardToken/RewardToken.wasm")), {
    name: "RewardToken",
    apiVersion: "0.0.9",
    schema,
  });
});

function environment(store: MemoryStore, logs: string[] = [], blockNumber = 7): MappingEnv {
  return {
    store,
    dataSource: { name: "RewardToken", address: TOKEN, network: "default", context: null },
    log: (level, message) => logs.push(`${level}:${message}`),
    ids: new BlockIdSequence(blockNumber),
  };
}

describe("RewardToken mapping", () => {
  it("stores a mint and the issuance that pairs with it", () => {
    const store = new MemoryStore(schema);
    const env = environment(store);
    const at = { address: TOKEN, block: block(7n, 1_700_000_000n), transaction: transaction(TX) };
    module.runEvent(eventTrigger(abi, "Transfer", [ZERO, SHOPPER, 5n * 10n ** 18n], { ...at, handler: "handleTransfer", logIndex: 0n }), env);
    module.runEvent(eventTrigger(abi, "PointsIssued", [STOREFRONT, 42n], { ...at, handler: "handlePointsIssued", logIndex: 1n }), env);

    const transferId = `${TX}${le32(0)}`;
    expect(store.get("Transfer", transferId)).toEqual({
      id: transferId,
      from: ZERO,
      to: SHOPPER,
      sender: null,
      receiver: SHOPPER,
      value: 5_000_000_000_000_000_000n,
      blockNumber: 7n,
      timestamp: 1_700_000_000n,
      transactionHash: TX,
      logIndex: 0n,
    });
    expect(store.get("Issuance", transferId)).toMatchObject({
      storefront: STOREFRONT,
      shopper: SHOPPER,
      orderId: 42n,
      amount: 5_000_000_000_000_000_000n,
      kind: "Single",
      pending: false,
      releaseTime: null,
      transfer: transferId,
    });
    expect(store.get("Shopper", SHOPPER)).toMatchObject({ balance: 5_000_000_000_000_000_000n, earned: 5_000_000_000_000_000_000n, firstSeenAt: 1_700_000_000n });
    expect(store.get("Program", "0x00")).toMatchObject({ totalSupply: 5_000_000_000_000_000_000n, issued: 5_000_000_000_000_000_000n, shoppers: 1n });
    expect(store.get("Storefront", STOREFRONT)).toMatchObject({ issued: 5_000_000_000_000_000_000n, issuanceCount: 1n, redemptionRate: "0" });

    // Timeseries points: ids from the block's sequence, timestamp from the block (microseconds).
    const points = [...store.tables.get("ProgramDataPoint")!.values()];
    expect(points).toEqual([
      {
        id: (7n << 32n) + 0n,
        timestamp: 1_700_000_000_000_000n,
        issued: 5_000_000_000_000_000_000n,
        redeemed: 0n,
        newActiveInHour: 1,
        newActiveInDay: 1,
        dataAccessRevenue: 0n,
      },
    ]);
    expect([...store.tables.get("StorefrontDataPoint")!.values()][0]).toMatchObject({ id: (7n << 32n) + 1n, storefront: STOREFRONT });
  });

  it("merges a partial update into the stored entity", () => {
    const store = new MemoryStore(schema);
    const env = environment(store);
    const at = { address: TOKEN, block: block(8n, 1_700_000_100n), transaction: transaction(TX) };
    module.runEvent(eventTrigger(abi, "Transfer", [ZERO, SHOPPER, 10n], { ...at, handler: "handleTransfer", logIndex: 0n }), env);
    // A burn: the shopper's balance goes down; fields the handler does not touch stay.
    module.runEvent(eventTrigger(abi, "Transfer", [SHOPPER, ZERO, 4n], { ...at, handler: "handleTransfer", logIndex: 1n }), env);
    expect(store.get("Shopper", SHOPPER)).toMatchObject({ balance: 6n, firstSeenAt: 1_700_000_100n });
    expect(store.get("Program", "0x00")).toMatchObject({ totalSupply: 6n, shoppers: 1n });
  });

  it("logs through the environment when the paired Transfer is missing", () => {
    const store = new MemoryStore(schema);
    const logs: string[] = [];
    const at = { address: TOKEN, block: block(9n, 1_700_000_200n), transaction: transaction(TX) };
    module.runEvent(eventTrigger(abi, "PointsIssued", [STOREFRONT, 1n], { ...at, handler: "handlePointsIssued", logIndex: 3n }), environment(store, logs));
    expect(logs).toEqual([`1:PointsIssued: no Transfer at log index 2 of transaction ${TX}`]);
    expect(store.writes).toEqual([]);
  });

  it("runs array params (PointsIssuedInBatch)", () => {
    const store = new MemoryStore(schema);
    const env = environment(store);
    const at = { address: TOKEN, block: block(10n, 1_700_000_300n), transaction: transaction(TX) };
    const other = "0x3333333333333333333333333333333333333333";
    module.runEvent(eventTrigger(abi, "Transfer", [ZERO, SHOPPER, 1n], { ...at, handler: "handleTransfer", logIndex: 0n }), env);
    module.runEvent(eventTrigger(abi, "Transfer", [ZERO, other, 2n], { ...at, handler: "handleTransfer", logIndex: 1n }), env);
    module.runEvent(eventTrigger(abi, "PointsIssuedInBatch", [STOREFRONT, [100n, 101n]], { ...at, handler: "handlePointsIssuedInBatch", logIndex: 2n }), env);
    expect(store.get("Issuance", `${TX}${le32(0)}`)).toMatchObject({ orderId: 100n, kind: "Batch", shopper: SHOPPER });
    expect(store.get("Issuance", `${TX}${le32(1)}`)).toMatchObject({ orderId: 101n, kind: "Batch", shopper: other, amount: 2n });
  });

  it("reports a handler the module does not export, and runs the next trigger normally", () => {
    const store = new MemoryStore(schema);
    const env = environment(store);
    const at = { address: TOKEN, block: block(11n, 1_700_000_400n), transaction: transaction(TX) };
    expect(() => module.runEvent(eventTrigger(abi, "Transfer", [ZERO, SHOPPER, 1n], { ...at, handler: "noSuchHandler", logIndex: 0n }), env)).toThrow(
      /does not export a handler `noSuchHandler`/,
    );
    module.runEvent(eventTrigger(abi, "Transfer", [ZERO, SHOPPER, 1n], { ...at, handler: "handleTransfer", logIndex: 0n }), env);
    expect(store.get("Shopper", SHOPPER)).toMatchObject({ balance: 1n });
  });

  it("merges writes of an immutable entity within its block; later, skips an unchanged one and refuses a change", () => {
    const store = new MemoryStore(schema);
    const env = environment(store);
    const at = { address: TOKEN, block: block(13n, 1_700_000_600n), transaction: transaction(TX) };
    const mint = eventTrigger(abi, "Transfer", [ZERO, SHOPPER, 1n], { ...at, handler: "handleTransfer", logIndex: 0n });
    module.runEvent(mint, env);
    module.runEvent(mint, env);
    expect(store.writes.filter((w) => w.type === "Transfer")).toHaveLength(2);
    store.nextBlock();
    // graph-node's entity cache finds nothing changed in the same values: no write, no failure.
    module.runEvent(mint, env);
    expect(store.writes.filter((w) => w.type === "Transfer")).toHaveLength(2);
    const later = eventTrigger(abi, "Transfer", [ZERO, SHOPPER, 1n], { ...at, block: block(14n, 1_700_000_612n), handler: "handleTransfer", logIndex: 0n });
    expect(() => module.runEvent(later, env)).toThrow(`Entity Transfer[${TX}${le32(0)}] is immutable and already exists: it cannot be written again with other values`);
  });

  it("fails the handler with a MappingError when the store refuses a write", () => {
    // A schema whose Program lacks a field the mapping sets (and its description): store.set must reject it (apiVersion ≥ 0.0.8).
    const narrowed = parseSchema(readFileSync(join(BUILD, "schema.graphql"), "utf8").replace(/( {2}"[^"\n]*"\n)? {2}dataAccessPaused: Boolean!\n/, ""));
    const strict = MappingModule.compile(readFileSync(join(BUILD, "RewardToken/RewardToken.wasm")), { name: "RewardToken", apiVersion: "0.0.9", schema: narrowed });
    const store = new MemoryStore(narrowed);
    const at = { address: TOKEN, block: block(12n, 1_700_000_500n), transaction: transaction(TX) };
    let error: unknown;
    try {
      strict.runEvent(eventTrigger(abi, "Transfer", [ZERO, SHOPPER, 1n], { ...at, handler: "handleTransfer", logIndex: 0n }), environment(store));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).handler).toBe("handleTransfer");
    expect((error as MappingError).message).toContain("Attempted to set undefined fields [dataAccessPaused] for the entity type `Program`");
  });
});
