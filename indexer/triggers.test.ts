import { describe, expect, it } from "vitest";
import { encodeAbiParameters, pad, toEventSelector, type AbiEvent, type Log } from "viem";

import type { FullBlock } from "./chain/source.ts";
import { MappingError } from "./host/index.ts";
import type { DataSourceSpec, EventHandlerSpec } from "./manifest.ts";
import { PING_ABI, PING_TOPIC } from "./testing/anvil.ts";
import { toEventTrigger, TriggerMatcher, UndecodableLogError } from "./triggers.ts";

const PINGER = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const SENDER = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const ping = PING_ABI[0] as AbiEvent;

/** A handler of Ping named `handle<name>`, with topic filters and receipt as given. */
function handler(name: string, topics: EventHandlerSpec["topics"] = [null, null, null], receipt = false): EventHandlerSpec {
  return { signature: "Ping(indexed address,uint256)", handler: `handle${name}`, topic0: toEventSelector(ping), topics, receipt, abiEvent: ping };
}

function dataSource(name: string, address: string | null, startBlock = 0, topics: EventHandlerSpec["topics"] = [null, null, null], handlers = [handler(name, topics)]): DataSourceSpec {
  return {
    kind: "ethereum",
    name,
    network: "anvil",
    address,
    startBlock,
    apiVersion: "0.0.9",
    abi: PING_ABI,
    abis: new Map([["Pinger", PING_ABI]]),
    wasmPath: `${name}.wasm`,
    eventHandlers: handlers,
    blockHandlers: [],
    callHandlers: [],
    fileHandler: null,
    entities: [],
  };
}

function log(overrides: Partial<Log> = {}): Log {
  return {
    address: PINGER,
    topics: [PING_TOPIC, pad(SENDER)],
    data: encodeAbiParameters([{ type: "uint256" }], [7n]),
    blockHash: `0x${"11".repeat(32)}`,
    blockNumber: 5n,
    transactionHash: `0x${"22".repeat(32)}`,
    transactionIndex: 1,
    logIndex: 3,
    removed: false,
    ...overrides,
  } as Log;
}

const transaction = (hash: string, index: number) =>
  ({ hash, transactionIndex: index, from: SENDER, to: PINGER, value: 0n, gas: 21_000n, gasPrice: 1n, input: "0x", nonce: index });

const block = {
  hash: `0x${"11".repeat(32)}`,
  parentHash: `0x${"10".repeat(32)}`,
  sha3Uncles: "0x",
  miner: SENDER,
  stateRoot: "0x",
  transactionsRoot: "0x",
  receiptsRoot: "0x",
  number: 5n,
  gasUsed: 0n,
  gasLimit: 0n,
  timestamp: 1_700_000_000n,
  difficulty: 0n,
  totalDifficulty: 0n,
  size: 0n,
  baseFeePerGas: 1n,
  transactions: [transaction(`0x${"21".repeat(32)}`, 0), transaction(`0x${"22".repeat(32)}`, 1)],
} as unknown as FullBlock;

describe("TriggerMatcher", () => {
  it("matches by address and topic0, address-less data sources too, in manifest order, from their start blocks", () => {
    const matcher = new TriggerMatcher([dataSource("Any", null), dataSource("Late", PINGER, 6), dataSource("Pinger", PINGER)]);
    expect(matcher.match(log()).map((m) => m.dataSource.name)).toEqual(["Any", "Pinger"]);
    expect(matcher.match(log({ blockNumber: 6n })).map((m) => m.dataSource.name)).toEqual(["Any", "Late", "Pinger"]);
    expect(matcher.match(log({ address: SENDER })).map((m) => m.dataSource.name)).toEqual(["Any"]);
    expect(matcher.match(log({ topics: [pad("0x01")] }))).toEqual([]);
  });

  it("keeps a handler's topic filters: the log's topic at each filtered position must be listed, and present", () => {
    const other = pad("0x1234", { size: 32 });
    const matcher = new TriggerMatcher([
      dataSource("Sender", PINGER, 0, [[other, pad(SENDER)], null, null]),
      dataSource("Other", PINGER, 0, [[other], null, null]),
      dataSource("Second", PINGER, 0, [null, [other], null]),
      dataSource("Nothing", PINGER, 0, [[], null, null]),
    ]);
    expect(matcher.match(log()).map((m) => m.dataSource.name)).toEqual(["Sender"]);
    expect(matcher.match(log({ topics: [PING_TOPIC, other] })).map((m) => m.dataSource.name)).toEqual(["Sender", "Other"]);
    expect(matcher.match(log({ topics: [PING_TOPIC, pad(SENDER).toUpperCase().replace("0X", "0x") as `0x${string}`, other] })).map((m) => m.dataSource.name)).toEqual([
      "Sender",
      "Second",
    ]);
  });

  it("groups the handlers of one data source that match a log, in manifest order", () => {
    const other = pad("0x1234", { size: 32 });
    const matcher = new TriggerMatcher([
      dataSource("Two", PINGER, 0, undefined, [handler("BySender", [[pad(SENDER)], null, null]), handler("ByOther", [[other], null, null]), handler("Any")]),
      dataSource("Pinger", PINGER),
    ]);
    const names = (matched: ReturnType<TriggerMatcher["match"]>) => matched.map((m) => [m.dataSource.name, m.handlers.map((h) => h.handler)]);
    expect(names(matcher.match(log()))).toEqual([
      ["Two", ["handleBySender", "handleAny"]],
      ["Pinger", ["handlePinger"]],
    ]);
    expect(names(matcher.match(log({ topics: [PING_TOPIC, other] })))).toEqual([
      ["Two", ["handleByOther", "handleAny"]],
      ["Pinger", ["handlePinger"]],
    ]);
  });

  it("gives the receipt to every handler run on a log that a receipt: true handler's filter matches", () => {
    const other = pad("0x1234", { size: 32 });
    const matcher = new TriggerMatcher([
      dataSource("Plain", PINGER),
      // From block 9, filtered on the sender: its filter asks for the receipt before it starts, as graph-node's does.
      dataSource("WithReceipt", PINGER, 9, undefined, [handler("WithReceipt", [[pad(SENDER)], null, null], true)]),
      dataSource("Elsewhere", SENDER),
    ]);
    expect(matcher.wantsReceipts).toBe(true);
    expect(matcher.match(log()).map((m) => [m.dataSource.name, m.receipt])).toEqual([["Plain", true]]);
    expect(matcher.match(log({ blockNumber: 9n })).map((m) => [m.dataSource.name, m.receipt])).toEqual([
      ["Plain", true],
      ["WithReceipt", true],
    ]);
    // Another sender: the receipt handler's topic filter does not match, so no receipt is read for the log.
    expect(matcher.match(log({ topics: [PING_TOPIC, other] })).map((m) => [m.dataSource.name, m.receipt])).toEqual([["Plain", false]]);
    // Another address: not the receipt handler's log.
    expect(matcher.match(log({ address: SENDER })).map((m) => [m.dataSource.name, m.receipt])).toEqual([["Elsewhere", false]]);
    expect(new TriggerMatcher([dataSource("Plain", PINGER)]).wantsReceipts).toBe(false);
  });
});

describe("toEventTrigger", () => {
  const [matched] = new TriggerMatcher([dataSource("Pinger", PINGER)]).match(log());

  it("decodes the parameters in ABI order and finds the log's transaction by its index", () => {
    const trigger = toEventTrigger(matched!, block);
    expect(trigger.params.map((p) => [p.name, p.value])).toEqual([
      ["sender", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"],
      ["value", 7n],
    ]);
    expect(trigger.transaction.hash).toBe(`0x${"22".repeat(32)}`);
    expect(trigger).toMatchObject({ handler: "handlePinger", address: PINGER, logIndex: 3n });
  });

  it("refuses a log whose data the handler's ABI cannot decode, as not this handler's trigger", () => {
    // The same topic0 without the indexed sender: ERC-721 vs ERC-20 Transfer, in miniature.
    expect(() => toEventTrigger({ ...matched!, log: log({ topics: [PING_TOPIC] }) }, block)).toThrow(UndecodableLogError);
  });

  it("runs the one handler of a data source that decodes the log, and fails when two do, as graph-node", () => {
    // The same topic0 with the sender not indexed: this ABI event cannot decode the log.
    const unindexed = { ...ping, inputs: ping.inputs.map((input) => ({ ...input, indexed: false })) } as AbiEvent;
    const other = { ...handler("Unindexed"), signature: "Ping(address,uint256)", abiEvent: unindexed };
    const one = new TriggerMatcher([dataSource("Pinger", PINGER, 0, undefined, [other, handler("Indexed")])]).match(log());
    expect(toEventTrigger(one[0]!, block).handler).toBe("handleIndexed");

    const another = pad("0x1234", { size: 32 });
    const two = new TriggerMatcher([dataSource("Pinger", PINGER, 0, undefined, [handler("BySender", [[pad(SENDER), another], null, null]), handler("Any")])]).match(log());
    expect(two[0]!.handlers).toHaveLength(2);
    expect(() => toEventTrigger(two[0]!, block)).toThrow(MappingError);
    expect(() => toEventTrigger(two[0]!, block)).toThrow(
      "Multiple handlers defined for event `Ping(indexed address,uint256)`, only one is supported (handlers handleBySender, handleAny of data source Pinger all match log 3)",
    );
  });

  it("passes the receipt read for the log to a handler that did not ask for it", () => {
    const [plain] = new TriggerMatcher([dataSource("Plain", PINGER), dataSource("WithReceipt", PINGER, 0, undefined, [handler("WithReceipt", undefined, true)])]).match(log());
    const receipt = { transactionHash: `0x${"22".repeat(32)}`, transactionIndex: 1n, blockHash: block.hash, blockNumber: 5n, cumulativeGasUsed: 1n, gasUsed: 1n, contractAddress: null, logs: [], status: 1n, root: null, logsBloom: "0x" };
    expect(plain!.dataSource.name).toBe("Plain");
    expect(toEventTrigger(plain!, block, new Map([[receipt.transactionHash, receipt]])).receipt).toBe(receipt);
    // Read for the log but missing: the chain changed meanwhile, read again.
    expect(() => toEventTrigger(plain!, block, new Map())).toThrow(expect.objectContaining({ name: "ChainError" }));
  });

  it("takes a log whose transaction the block does not hold for a chain failure, to be read again", () => {
    expect(() => toEventTrigger({ ...matched!, log: log({ transactionIndex: 0 }) }, block)).toThrow(/is not in the block/);
    expect(() => toEventTrigger({ ...matched!, log: log({ transactionIndex: 0 }) }, block)).toThrow(expect.objectContaining({ name: "ChainError" }));
  });
});
