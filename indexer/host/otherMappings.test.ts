// Runs the real built ReferralEscrow, ConsentRegistry and DataAccessPayments mappings (subgraph/build) on
// hand-built triggers: tuple-array params, BigDecimal ratios and plain counters.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSubgraph } from "../manifest.ts";
import { parseSchema, type SchemaModel } from "../schema.ts";
import { BlockIdSequence, MappingModule, MappingModuleError, type MappingEnv } from "./index.ts";
import { MemoryStore } from "./testing/memoryStore.ts";
import { block, eventTrigger, transaction } from "./testing/triggers.ts";

const BUILD = join(import.meta.dirname, "../../subgraph/build");
const STOREFRONT = "0x1111111111111111111111111111111111111111";
const SHOPPER = "0x2222222222222222222222222222222222222222";
const OTHER_SHOPPER = "0x3333333333333333333333333333333333333333";
const CONSUMER = "0x4444444444444444444444444444444444444444";
const TOKEN = "0x5555555555555555555555555555555555555555";
const OWNER = "0x6666666666666666666666666666666666666666";
const TX = `0x${"cd".repeat(32)}`;
const SCOPE = `0x${"5c".repeat(32)}`;
const le32 = (n: number) => Buffer.from(Uint32Array.of(n).buffer).toString("hex");

let schema: SchemaModel;

/** The data source `name` of the build: its WASM (the module the manifest names, shared by every data source) and ABI. */
function load(name: string): { module: MappingModule; abi: unknown[] } {
  const source = loadSubgraph(BUILD).dataSources.find((candidate) => candidate.name === name)!;
  return {
    module: MappingModule.compile(readFileSync(source.wasmPath), { name, apiVersion: source.apiVersion, schema }),
    abi: source.abi as unknown[],
  };
}

function environment(store: MemoryStore, name: string, address: string, logs: string[] = []): MappingEnv {
  return {
    store,
    dataSource: { name, address, network: "default", context: null },
    log: (level, message) => logs.push(`${level}:${message}`),
    ids: new BlockIdSequence(20),
  };
}

beforeAll(() => {
  schema = parseSchema(readFileSync(join(BUILD, "schema.graphql"), "utf8"));
});

describe("ReferralEscrow mapping", () => {
  it("claims referrals named by a tuple-array param", () => {
    const { module, abi } = load("ReferralEscrow");
    const escrow = "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9";
    const store = new MemoryStore(schema);
    const env = environment(store, "ReferralEscrow", escrow);
    const at = { address: escrow, block: block(20n, 1_700_000_000n), transaction: transaction(TX) };
    const code = `0x${"c0".repeat(32)}`;
    module.runEvent(eventTrigger(abi, "PartnerRegistered", [7, code, OWNER, OWNER], { ...at, handler: "handlePartnerRegistered", logIndex: 0n }), env);
    module.runEvent(
      eventTrigger(abi, "ReferralRecorded", [STOREFRONT, 7, 42n, SHOPPER, TOKEN, 1_000n, 100n, 1_700_086_400n], { ...at, handler: "handleReferralRecorded", logIndex: 1n }),
      env,
    );
    // viem decodes a named tuple as an object.
    module.runEvent(
      eventTrigger(abi, "CommissionsClaimed", [7, TOKEN, 100n, [{ storefront: STOREFRONT, orderId: 42n }]], { ...at, handler: "handleCommissionsClaimed", logIndex: 2n }),
      env,
    );

    const partnerId = "0x0000000007";
    const referralId = `${STOREFRONT}${(42).toString(16).padStart(64, "0")}`;
    expect(store.get("Partner", partnerId)).toMatchObject({ partnerId: 7n, code, owner: OWNER, referralCount: 1n });
    expect(store.get("PartnerBalance", `${partnerId}${TOKEN.slice(2)}`)).toMatchObject({ token: TOKEN, claimed: 100n, released: 100n, pending: 0n, referralCount: 1n });
    expect(store.get("Referral", referralId)).toMatchObject({ status: "Claimed", partner: partnerId, saleAmount: 1_000n, refundedBps: 0 });
    expect(store.get("Payout", `${TX}${le32(2)}`)).toMatchObject({ partner: partnerId, token: TOKEN, amount: 100n, to: OWNER, referrals: [referralId] });
    expect(store.get("ReferralChange", `${TX}${le32(2)}${le32(0)}`)).toMatchObject({ kind: "Claimed", referral: referralId });
  });
});

describe("ConsentRegistry mapping", () => {
  it("keeps a scope's opt-in rate as a BigDecimal ratio", () => {
    const { module, abi } = load("ConsentRegistry");
    const registry = "0x5fc8d32690cc91d4c39d9d3abcbd16989f875707";
    const store = new MemoryStore(schema);
    const env = environment(store, "ConsentRegistry", registry);
    const at = { address: registry, block: block(20n, 1_700_000_000n), transaction: transaction(TX) };
    module.runEvent(eventTrigger(abi, "ConsentGranted", [SHOPPER, CONSUMER, SCOPE, 5n, 1_800_000_000], { ...at, handler: "handleConsentGranted", logIndex: 0n }), env);
    expect(store.get("ConsentScope", SCOPE)).toMatchObject({ shoppers: 1n, shoppersOptedIn: 1n, optInRate: "1" });
    module.runEvent(
      eventTrigger(abi, "DataRecordAnchored", [OTHER_SHOPPER, SCOPE, `0x${"ee".repeat(32)}`], { ...at, handler: "handleDataRecordAnchored", logIndex: 1n }),
      env,
    );
    module.runEvent(
      eventTrigger(abi, "DataRecordAnchored", [`0x${"77".repeat(20)}`, SCOPE, `0x${"ef".repeat(32)}`], { ...at, handler: "handleDataRecordAnchored", logIndex: 2n }),
      env,
    );
    expect(store.get("ConsentScope", SCOPE)).toMatchObject({ shoppers: 3n, shoppersOptedIn: 1n, optInRate: "0.3333333333333333333333333333333333" });
    expect(store.get("ConsentChange", `${TX}${le32(0)}`)).toMatchObject({ kind: "Granted", shopper: SHOPPER, consumer: CONSUMER, pricePerAccess: 5n, expiresAt: 1_800_000_000n });
  });
});

describe("DataAccessPayments mapping", () => {
  it("adds deposits to the consumer", () => {
    const { module, abi } = load("DataAccessPayments");
    const payments = "0x2279b7a0a67db372996a5fab50d91eaa73d2ebe6";
    const store = new MemoryStore(schema);
    const env = environment(store, "DataAccessPayments", payments);
    const at = { address: payments, block: block(20n, 1_700_000_000n), transaction: transaction(TX) };
    module.runEvent(eventTrigger(abi, "Deposited", [CONSUMER, 300n], { ...at, handler: "handleDeposited", logIndex: 0n }), env);
    module.runEvent(eventTrigger(abi, "Deposited", [CONSUMER, 200n], { ...at, handler: "handleDeposited", logIndex: 1n }), env);
    expect(store.get("DataConsumer", CONSUMER)).toEqual({ id: CONSUMER, deposited: 500n, withdrawn: 0n, spent: 0n, fees: 0n, accessCount: 0n });
  });
});

describe("MappingModule.compile", () => {
  it("refuses bytes that are not WebAssembly and apiVersions before 0.0.5", () => {
    expect(() => MappingModule.compile(Uint8Array.of(1, 2, 3), { name: "Broken", apiVersion: "0.0.9", schema })).toThrow(MappingModuleError);
    expect(() => MappingModule.compile(readFileSync(join(BUILD, "RewardToken/RewardToken.wasm")), { name: "Old", apiVersion: "0.0.4", schema })).toThrow(
      /apiVersion 0\.0\.4/,
    );
  });
});
