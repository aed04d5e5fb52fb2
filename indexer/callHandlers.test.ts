/**
 * Call handlers on a real chain (anvil's call traces), as graph-node runs them: on calls made by a transaction,
 * by a contract and by a constructor, with inputs and outputs decoded; not on calls that were undone (a failed transaction, a
 * frame that reverted inside one that succeeded); within a block by transaction, a transaction's events before
 * its calls; exact over a restart and a reorg; the same under apiVersion 0.0.5; refused at start on a node that
 * does not answer traces. And block handlers with the call filter, on the blocks with a call to the data source's
 * address that took effect.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hex } from "viem";

import { ManifestError } from "./manifest.ts";
import { startLocalIndexer } from "./service.ts";
import { buildSubgraph } from "./testing/buildSubgraph.ts";
import { type LocalChain, startLocalChain } from "./testing/localChain.ts";
import { startRelay } from "./testing/relay.ts";
import { compileSolidity, deploy, type CompiledContract } from "./testing/solidity.ts";

const FIXTURE = join(import.meta.dirname, "testing", "callHandlers-subgraph");

interface Expected {
  kind: "event" | "call";
  amount: string;
  note: string | null;
  newTotal: string | null;
  even: boolean | null;
  from: string;
  to: string;
  transaction: string;
  block: string;
}

describe("call handlers", () => {
  let chain: LocalChain;
  let contracts: Record<string, CompiledContract>;
  let counter: { address: Hex; block: number };
  let caller: { address: Hex; block: number };
  let build: string;
  let database: string;
  let total = 0n;
  const expected: Expected[] = [];

  /** Sends `functionName` to `at` (gas given: a transaction that reverts is mined, not refused); its hash. */
  async function send(at: { address: Hex }, contract: string, functionName: string, args: unknown[]): Promise<Hex> {
    return chain.wallet.writeContract({ address: at.address, abi: contracts[contract]!.abi, functionName, args, gas: 500_000n } as never);
  }
  async function mined(hash: Hex) {
    return chain.wallet.waitForTransactionReceipt({ hash });
  }
  /** What the handlers should have recorded for `Counter.add(amount, note)` called by `from` in transaction `hash`. */
  async function added(hash: Hex, from: string, calls: [bigint, string][]): Promise<void> {
    const receipt = await mined(hash);
    expect(receipt.status).toBe("success");
    const common = { to: counter.address, transaction: hash, block: String(receipt.blockNumber) };
    // As graph-node: the transaction's events first, then its calls.
    for (const [amount] of calls) expected.push({ kind: "event", amount: String(amount), note: null, newTotal: null, even: null, from, ...common });
    for (const [amount, note] of calls) {
      total += amount;
      expected.push({ kind: "call", amount: String(amount), note, newTotal: String(total), even: total % 2n === 0n, from, ...common });
    }
  }
  /** What the handlers recorded: the triggers, and the blocks the call-filtered block handler ran on. */
  async function recorded() {
    const { data, errors } = await chain.query(
      `{ triggers(first: 1000, orderBy: order) { kind amount note newTotal even from to transaction block } calledBlocks(first: 1000, orderBy: number) { number triggersBefore } }`,
    );
    expect(errors).toBeUndefined();
    // The block handler runs once on each block with a call to the Counter that took effect, after its other triggers.
    const blocks = [...new Set(expected.filter((t) => t.kind === "call").map((t) => Number(t.block)))].sort((a, b) => a - b);
    expect(data.calledBlocks).toEqual(blocks.map((n) => ({ number: String(n), triggersBefore: expected.filter((t) => Number(t.block) <= n).length })));
    return data.triggers;
  }

  beforeAll(async () => {
    chain = await startLocalChain();
    contracts = compileSolidity(readFileSync(join(FIXTURE, "Counter.sol"), "utf8"));
    counter = await deploy(chain.wallet as never, contracts.Counter!);
    caller = await deploy(chain.wallet as never, contracts.Caller!);
    build = buildSubgraph(FIXTURE, { address: counter.address, startBlock: counter.block, apiVersion: "0.0.9" }, { "abis/Counter.json": JSON.stringify(contracts.Counter!.abi) });
    database = mkdtempSync(join(tmpdir(), "call-handlers-db-"));
  }, 180_000);

  afterAll(async () => {
    await chain?.close();
    if (database) rmSync(database, { recursive: true, force: true });
  });

  it("run on calls from transactions and contracts, decoded, after their transaction's events, never on undone calls", async () => {
    const me = chain.wallet.account.address.toLowerCase();
    // Two transactions in one block: the first's triggers, then the second's.
    await chain.test.setAutomine(false);
    const direct = await send(counter, "Counter", "add", [5n, "direct"]);
    const twice = await send(caller, "Caller", "addTwice", [counter.address, 7n]);
    await chain.test.mine({ blocks: 1 });
    await chain.test.setAutomine(true);
    await added(direct, me, [[5n, "direct"]]);
    await added(twice, caller.address, [[7n, "first"], [8n, "second"]]);
    expect((await mined(direct)).blockNumber).toBe((await mined(twice)).blockNumber);
    // A transaction that fails: its call to add took no effect.
    expect((await mined(await send(caller, "Caller", "addThenRevert", [counter.address, 100n]))).status).toBe("reverted");
    // A frame that reverts inside a transaction that succeeds: only the call after it took effect.
    await added(await send(caller, "Caller", "addAfterRevert", [counter.address, 3n]), caller.address, [[30n, "after"]]);
    // A call made by a constructor, inside a contract creation.
    const created = await chain.wallet.deployContract({ abi: contracts.Creator!.abi, bytecode: contracts.Creator!.bytecode, args: [counter.address] } as never);
    await added(created, (await mined(created)).contractAddress!.toLowerCase(), [[9n, "constructor"]]);

    await chain.startIndexer(build, { database });
    await chain.synced();
    expect(await recorded()).toEqual(expected);
    expect(BigInt(expected.at(-1)!.newTotal!)).toBe(await chain.wallet.readContract({ address: counter.address, abi: contracts.Counter!.abi, functionName: "total" }));
  }, 180_000);

  it("stay exact over a restart and a reorg", async () => {
    await chain.indexer!.close();
    await added(await send(counter, "Counter", "add", [2n, "while stopped"]), chain.wallet.account.address.toLowerCase(), [[2n, "while stopped"]]);
    await chain.startIndexer(build, { database });
    await chain.synced();
    expect(await recorded()).toEqual(expected);

    const snapshot = await chain.test.snapshot();
    const before = { total, length: expected.length };
    await added(await send(counter, "Counter", "add", [1n, "dropped"]), chain.wallet.account.address.toLowerCase(), [[1n, "dropped"]]);
    await chain.synced();
    expect(await recorded()).toEqual(expected);

    await chain.test.revert({ id: snapshot });
    total = before.total;
    expected.length = before.length;
    await added(await send(caller, "Caller", "addTwice", [counter.address, 4n]), caller.address, [[4n, "first"], [5n, "second"]]);
    await chain.test.mine({ blocks: 1 });
    await chain.synced();
    expect(await recorded()).toEqual(expected);
    expect(chain.lines.some((line) => line.startsWith("reorg: "))).toBe(true);
  }, 180_000);

  it("run the same under apiVersion 0.0.5, whose ethereum.Call holds the older transaction and block", async () => {
    const older = buildSubgraph(FIXTURE, { address: counter.address, startBlock: counter.block, apiVersion: "0.0.5" }, { "abis/Counter.json": JSON.stringify(contracts.Counter!.abi) });
    expect(readFileSync(join(older, "subgraph.yaml"), "utf8")).toContain("apiVersion: 0.0.5");
    await chain.indexer!.close();
    await chain.startIndexer(older);
    await chain.synced();
    expect(await recorded()).toEqual(expected);
  }, 180_000);

  it("are refused at start, naming the data source, on a node that does not answer call traces", async () => {
    const relay = await startRelay(chain.anvil.url);
    relay.intercept = ({ method }) =>
      method === "debug_traceBlockByNumber" ? { status: 200, body: { error: { code: -32601, message: "Method not found" } } } : undefined;
    try {
      const start = startLocalIndexer({ subgraph: build, rpcUrl: relay.url, subgraphName: "test/calls", port: 0, log: () => {} });
      await expect(start).rejects.toThrow(ManifestError);
      await expect(start).rejects.toThrow(
        `dataSources[0] (Counter): call handlers need the node's call traces, which ${relay.url} does not answer (debug_traceBlockByNumber with the callTracer failed: Method not found)`,
      );
    } finally {
      await relay.close();
    }
  }, 60_000);
});
