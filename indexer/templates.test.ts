/**
 * Data source templates on a real chain: a factory's handler creates a data source per child
 * (`createWithContext`), which indexes the child's events and the calls to it (a call handler, from anvil's call
 * traces) from the creating block on, reads its context, address and network, survives a restart, and goes with
 * a reorg that removes the creating block.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClient, createWalletClient, decodeEventLog, http, publicActions, type Hex } from "viem";
import { foundry } from "viem/chains";

import { startLocalIndexer, type LocalIndexer } from "./service.ts";
import { type Anvil, anvilAccount, startAnvil } from "./testing/anvil.ts";
import { buildSubgraph } from "./testing/buildSubgraph.ts";
import { compileSolidity, deploy, type CompiledContract } from "./testing/solidity.ts";

const FIXTURE = join(import.meta.dirname, "testing", "factory-subgraph");

describe("data source templates", () => {
  let anvil: Anvil;
  let contracts: Record<string, CompiledContract>;
  let factory: { address: Hex; block: number };
  let build: string;
  let database: string;
  let local: LocalIndexer | undefined;
  const lines: string[] = [];

  const wallet = () => createWalletClient({ account: anvilAccount(0), chain: foundry, transport: http(anvil.url) }).extend(publicActions);
  async function send(address: Hex, contract: CompiledContract, functionName: string, args: unknown[]) {
    const hash = await wallet().writeContract({ address, abi: contract.abi, functionName, args } as never);
    return wallet().waitForTransactionReceipt({ hash });
  }
  /** Creates a child labelled `label` that ticks `firstTick` in the creating transaction; returns it and the block. */
  async function createChild(label: string, firstTick: bigint): Promise<{ child: Hex; block: number }> {
    const receipt = await send(factory.address, contracts.Factory!, "create", [label, firstTick]);
    const log = receipt.logs.find((l) => l.address.toLowerCase() === factory.address)!;
    const { args } = decodeEventLog({ abi: contracts.Factory!.abi, data: log.data, topics: log.topics }) as unknown as { args: { child: Hex } };
    return { child: args.child.toLowerCase() as Hex, block: Number(receipt.blockNumber) };
  }
  async function start() {
    local = await startLocalIndexer({ subgraph: build, rpcUrl: anvil.url, database, subgraphName: "test/factory", port: 0, pollInterval: 20, log: (line) => lines.push(line) });
  }
  async function synced() {
    const head = Number(await wallet().getBlockNumber({ cacheTime: 0 }));
    await local!.waitForBlock(head).catch((error) => {
      throw new Error(`${error.message}\n${lines.join("\n")}`);
    });
    expect(local!.indexer.status, lines.join("\n")).not.toBe("failed");
  }
  async function ticks(): Promise<{ child: { id: string }; label: string; serial: string; value: string; network: string; block: string }[]> {
    const response = await fetch(local!.server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ ticks(first: 100, orderBy: value) { child { id } label serial value network block } }" }),
    });
    const body = (await response.json()) as { data: { ticks: any[] } };
    return body.data.ticks;
  }

  /** The calls of `tick` the template's call handler saw: label, value, caller, block. */
  async function calledTicks(): Promise<[string, string, string, string][]> {
    const response = await fetch(local!.server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ calledTicks(first: 100, orderBy: value) { id child { id } label value from block } }" }),
    });
    const body = (await response.json()) as { data: { calledTicks: { id: string; child: { id: string }; label: string; value: string; from: string; block: string }[] } };
    for (const c of body.data.calledTicks) expect(c.id).toBe(`${c.child.id}-${c.value}`);
    return body.data.calledTicks.map((c) => [c.label, c.value, c.from, c.block]);
  }
  const me = () => wallet().account.address.toLowerCase();

  beforeAll(async () => {
    anvil = await startAnvil();
    contracts = compileSolidity(readFileSync(join(FIXTURE, "Factory.sol"), "utf8"));
    factory = await deploy(wallet() as never, contracts.Factory!);
    build = buildSubgraph(FIXTURE, { address: factory.address, startBlock: factory.block }, {
      "abis/Factory.json": JSON.stringify(contracts.Factory!.abi),
      "abis/Child.json": JSON.stringify(contracts.Child!.abi),
    });
    database = mkdtempSync(join(tmpdir(), "templates-db-"));
  }, 180_000);

  afterAll(async () => {
    await local?.close();
    await anvil?.stop();
    if (database) rmSync(database, { recursive: true, force: true });
  });

  it("indexes a created child from its creating block on, with its context, address and network", async () => {
    const a = await createChild("a", 1n);
    const later = await send(a.child, contracts.Child!, "tick", [2n]);
    // Announcing the same child with the same context creates no second data source (its ticks would repeat).
    await send(factory.address, contracts.Factory!, "announce", [a.child, "a", 1n]);
    await start();
    await synced();
    // The tick of the creating block came before the creating event, in the same transaction: graph-node runs
    // the new data source on every trigger of its creating block, after the block's other triggers.
    expect(await ticks()).toEqual([
      { child: { id: a.child }, label: "a", serial: "1", value: "1", network: "anvil", block: String(a.block) },
      { child: { id: a.child }, label: "a", serial: "1", value: "2", network: "anvil", block: String(later.blockNumber) },
    ]);
    expect(lines.some((line) => line.includes(`created 1 data source (Child ${a.child})`))).toBe(true);
    // The call handler too: the factory's call inside the creating transaction, then the account's.
    expect(await calledTicks()).toEqual([
      ["a", "1", factory.address, String(a.block)],
      ["a", "2", me(), String(later.blockNumber)],
    ]);
  }, 120_000);

  it("keeps created data sources across a restart", async () => {
    await local!.close();
    local = undefined;
    const a = (await wallet().getLogs({ address: factory.address, fromBlock: 0n }))[0]!;
    const aChild = `0x${a.data.slice(26, 66)}` as Hex;
    const tick = await send(aChild, contracts.Child!, "tick", [3n]);
    await start();
    await synced();
    const after = await ticks();
    expect(after.map((t) => [t.label, t.serial, t.value])).toEqual([
      ["a", "1", "1"],
      ["a", "1", "2"],
      ["a", "1", "3"],
    ]);
    expect(after[2]!.block).toBe(String(tick.blockNumber));
    expect((await calledTicks()).map(([label, value, from]) => [label, value, from])).toEqual([
      ["a", "1", factory.address],
      ["a", "2", me()],
      ["a", "3", me()],
    ]);
  }, 120_000);

  it("forgets a data source whose creating block a reorg removed", async () => {
    const test = createTestClient({ mode: "anvil", chain: foundry, transport: http(anvil.url) });
    const snapshot = await test.snapshot();
    const c = await createChild("c", 10n);
    await send(c.child, contracts.Child!, "tick", [11n]);
    await synced();
    expect((await ticks()).filter((t) => t.label === "c").map((t) => t.value)).toEqual(["10", "11"]);
    expect((await calledTicks()).filter(([label]) => label === "c").map(([, value]) => value)).toEqual(["10", "11"]);

    // The other branch: the factory's next child lands at the same address, created with another context.
    await test.revert({ id: snapshot });
    await test.mine({ blocks: 1 });
    const d = await createChild("d", 20n);
    expect(d.child).toBe(c.child);
    await send(d.child, contracts.Child!, "tick", [21n]);
    await test.mine({ blocks: 1 });
    await synced();
    const after = await ticks();
    expect(after.map((t) => [t.label, t.value])).toEqual([
      ["a", "1"],
      ["a", "2"],
      ["a", "3"],
      ["d", "20"],
      ["d", "21"],
    ]);
    expect(after.find((t) => t.label === "d")!.serial).toBe("2");
    expect((await calledTicks()).map(([label, value, from]) => [label, value, from])).toEqual([
      ["a", "1", factory.address],
      ["a", "2", me()],
      ["a", "3", me()],
      ["d", "20", factory.address],
      ["d", "21", me()],
    ]);
    expect(lines.some((line) => /^reorg: /.test(line)), lines.join("\n")).toBe(true);
  }, 120_000);
});
