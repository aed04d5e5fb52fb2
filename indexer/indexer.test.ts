/**
 * The whole local indexer against a real chain: anvil, a contract that emits events, the fixture subgraph built
 * by graph-cli, the WASM handlers, PGlite, and GraphQL over HTTP. Follows the chain, survives a reorg and a
 * restart, and stops on a failing handler while it keeps serving.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClient, createWalletClient, http, pad, publicActions, toHex, type Hex } from "viem";
import { foundry } from "viem/chains";

import { startLocalIndexer, type LocalIndexer } from "./service.ts";
import { startTestPostgres, type TestPostgres } from "./store/testPostgres.ts";
import { type Anvil, anvilAccount, PING_CREATION_CODE, startAnvil } from "./testing/anvil.ts";
import { buildPingSubgraph } from "./testing/pingSubgraph.ts";

const alice = anvilAccount(0);
const bob = anvilAccount(1);
const HOUR = 3_600;

/** Where the indexer keeps its entities: a PGlite directory, or a database on a real PostgreSQL server. */
const databases: { name: string; open(): Promise<{ location: string; close(): Promise<void> }> }[] = [
  { name: "PGlite", open: async () => ({ location: mkdtempSync(join(tmpdir(), "indexer-test-")), close: async () => {} }) },
  {
    name: "PostgreSQL",
    open: async () => {
      const server: TestPostgres = await startTestPostgres();
      return { location: await server.createDatabase(), close: () => server.stop() };
    },
  },
];

describe.each(databases)("the local indexer on a real chain, entities in $name", (database) => {
  let anvil: Anvil;
  let pinger: Hex;
  let build: string;
  let local: LocalIndexer | undefined;
  let nextTime: number;
  /** A chain snapshot taken before the block whose handler fails. */
  let beforePoison: Hex;
  /** The hour bucket the first pings fall in. */
  let firstHour: number;
  let storage: Awaited<ReturnType<(typeof databases)[number]["open"]>>;

  const wallets = () => ({
    alice: createWalletClient({ account: alice, chain: foundry, transport: http(anvil.url) }).extend(publicActions),
    bob: createWalletClient({ account: bob, chain: foundry, transport: http(anvil.url) }).extend(publicActions),
  });
  const testClient = () => createTestClient({ mode: "anvil", chain: foundry, transport: http(anvil.url) });

  /** Sends a ping `seconds` after the previous block (so that hour buckets are where the test wants them). */
  async function ping(from: "alice" | "bob", value: bigint, seconds = 60) {
    nextTime += seconds;
    await testClient().setNextBlockTimestamp({ timestamp: BigInt(nextTime) });
    const wallet = wallets()[from];
    const hash = await wallet.sendTransaction({ to: pinger, data: pad(toHex(value)) });
    return wallet.waitForTransactionReceipt({ hash });
  }

  async function query<T = any>(text: string, variables?: Record<string, unknown>): Promise<{ status: number; body: { data?: T; errors?: { message: string }[] } }> {
    const response = await fetch(local!.server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: text, variables }),
    });
    return { status: response.status, body: await response.json() };
  }

  async function start() {
    local = await startLocalIndexer({ subgraph: build, rpcUrl: anvil.url, database: storage.location, subgraphName: "test/ping", port: 0, pollInterval: 20, log: () => {} });
  }

  beforeAll(async () => {
    storage = await database.open();
    anvil = await startAnvil();
    const { alice: wallet } = wallets();
    const latest = await wallet.getBlock();
    // Start at an hour boundary well after the genesis block.
    nextTime = Number(latest.timestamp) - (Number(latest.timestamp) % HOUR) + 2 * HOUR;
    firstHour = nextTime;
    await testClient().setNextBlockTimestamp({ timestamp: BigInt(nextTime) });
    const hash = await wallet.sendTransaction({ data: PING_CREATION_CODE });
    const receipt = await wallet.waitForTransactionReceipt({ hash });
    pinger = receipt.contractAddress!.toLowerCase() as Hex;
    build = buildPingSubgraph(pinger, Number(receipt.blockNumber));
  }, 120_000);

  afterAll(async () => {
    await local?.close();
    await anvil?.stop();
    await storage?.close();
  });

  it("indexes events into entities, derived lists and hourly aggregations", async () => {
    await ping("alice", 1n);
    await ping("alice", 2n);
    await ping("bob", 5n);
    await ping("alice", 4n, HOUR); // the next hour: closes the first hour's bucket
    await start();
    await local!.waitForBlock();

    const { status, body } = await query(`{
      senders(orderBy: total, orderDirection: desc) { id pings total lastValue events(orderBy: value) { value } }
      pingStats(interval: hour) { timestamp sender { id } total count highest }
      _meta { block { number } hasIndexingErrors deployment }
    }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.senders).toEqual([
      { id: alice.address.toLowerCase(), pings: 3, total: "7", lastValue: "4", events: [{ value: "1" }, { value: "2" }, { value: "4" }] },
      { id: bob.address.toLowerCase(), pings: 1, total: "5", lastValue: "5", events: [{ value: "5" }] },
    ]);
    // Only the finished hour is rolled up; newest first; one row per sender.
    const stats = body.data.pingStats as { timestamp: string; sender: { id: string }; total: string; count: string; highest: string }[];
    expect(stats.map((s) => [s.sender.id, s.total, s.count, s.highest]).sort()).toEqual(
      [
        [alice.address.toLowerCase(), "3", "2", "2"],
        [bob.address.toLowerCase(), "5", "1", "5"],
      ].sort(),
    );
    expect(new Set(stats.map((s) => s.timestamp))).toEqual(new Set([String(BigInt(firstHour) * 1_000_000n)]));
    expect(body.data._meta.block.number).toBe(Number(await wallets().alice.getBlockNumber({ cacheTime: 0 })));
    expect(body.data._meta.hasIndexingErrors).toBe(false);
    expect(body.data._meta.deployment).toBe(local!.build.deployment);
  });

  it("follows new blocks as they come", async () => {
    const receipt = await ping("bob", 10n);
    await local!.waitForBlock(Number(receipt.blockNumber));
    const { body } = await query(`{ sender(id: "${bob.address.toLowerCase()}") { pings total } }`);
    expect(body.data.sender).toEqual({ pings: 2, total: "15" });
  });

  it("reverts to the common ancestor when the chain reorganises", async () => {
    const snapshot = await testClient().snapshot();
    const doomed = await ping("alice", 100n);
    await local!.waitForBlock(Number(doomed.blockNumber));
    expect((await query(`{ sender(id: "${alice.address.toLowerCase()}") { total } }`)).body.data.sender.total).toBe("107");

    await testClient().revert({ id: snapshot });
    nextTime -= 60;
    await ping("bob", 1n); // same height, another block
    const replacement = await ping("bob", 1n);
    await local!.waitForBlock(Number(replacement.blockNumber));
    const { body } = await query(`{ senders(orderBy: id) { id total pings } pingEvents(where: { value: "100" }) { id } }`);
    expect(body.data.pingEvents).toEqual([]);
    const totals = Object.fromEntries(body.data.senders.map((s: { id: string; total: string }) => [s.id, s.total]));
    expect(totals).toEqual({ [alice.address.toLowerCase()]: "7", [bob.address.toLowerCase()]: "17" });
  });

  it("resumes after a restart with exactly what it had committed", async () => {
    const before = (await query(`{ senders(orderBy: id) { id pings total } _meta { block { number hash } } }`)).body.data;
    await local!.close();
    local = undefined;
    await start();
    const after = (await query(`{ senders(orderBy: id) { id pings total } _meta { block { number hash } } }`)).body.data;
    expect(after).toEqual(before);
    const receipt = await ping("alice", 3n);
    await local!.waitForBlock(Number(receipt.blockNumber));
    const { body } = await query(`{ sender(id: "${alice.address.toLowerCase()}") { pings total } }`);
    expect(body.data.sender).toEqual({ pings: 4, total: "10" });
  });

  it("serves no block the chain lost while it was stopped, from its first answer on", async () => {
    const snapshot = await testClient().snapshot();
    const totalOf = async () => (await query(`{ sender(id: "${alice.address.toLowerCase()}") { total } }`)).body.data.sender.total;
    const before = await totalOf();
    const lost = await ping("alice", 50n);
    await local!.waitForBlock(Number(lost.blockNumber));
    expect(await totalOf()).toBe(String(BigInt(before) + 50n));
    await local!.close();
    local = undefined;

    // A local node killed before it saved its last block comes back without it.
    await testClient().revert({ id: snapshot });
    nextTime -= 60;
    await start();
    const { body } = await query(`{ sender(id: "${alice.address.toLowerCase()}") { total } _meta { block { number } } }`);
    expect(body.data._meta.block.number).toBeLessThan(Number(lost.blockNumber));
    expect(body.data.sender.total).toBe(before);
  });

  it("answers a bad query with 400 and a message, and keeps serving", async () => {
    const bad = await query(`{ senders(first: 5000) { id } }`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.message).toMatch(/first/);
    const unknown = await query(`{ senders { nope } }`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.message).toMatch(/nope/);
    expect((await query(`{ senders { id } }`)).body.data.senders).toHaveLength(2);
  });

  it("stops at a failing handler, records the error, and keeps serving what it has", async () => {
    const good = await ping("bob", 2n);
    beforePoison = await testClient().snapshot();
    const poisoned = await ping("bob", 13n);
    await ping("alice", 1n);
    await expect(local!.waitForBlock(Number(poisoned.blockNumber))).rejects.toThrow(/unlucky value 13/);
    // As graph-node: the data up to the block before the failure stays queryable; _meta tells of the failure.
    const { status, body } = await query(`{
      sender(id: "${bob.address.toLowerCase()}") { total }
      _meta { block { number } hasIndexingErrors }
    }`);
    expect(status).toBe(200);
    expect(body.data._meta.hasIndexingErrors).toBe(true);
    expect(body.data._meta.block.number).toBe(Number(good.blockNumber));
    expect(body.data.sender.total).toBe("19");
  });

  it("indexes on when a reorg removes the block that failed", async () => {
    await testClient().revert({ id: beforePoison });
    nextTime -= 120;
    const replacement = await ping("bob", 3n);
    await expect.poll(() => local!.indexer.status, { timeout: 20_000 }).not.toBe("failed");
    await local!.waitForBlock(Number(replacement.blockNumber));
    const { body } = await query(`{ sender(id: "${bob.address.toLowerCase()}") { total } _meta { hasIndexingErrors } }`);
    expect(body.data).toEqual({ sender: { total: "22" }, _meta: { hasIndexingErrors: false } });
  });
});
