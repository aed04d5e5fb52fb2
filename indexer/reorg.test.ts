/**
 * A reorg that replaces every block the indexer kept a hash of (the chain went back before its first committed
 * block, as `evm_revert` does in a test flow): everything is still revertible, so it starts over instead of
 * taking the chain for another one. And a chain that changes while a pass reads it: the pass does not move the
 * head over blocks it cannot vouch for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClient, createWalletClient, http, pad, publicActions, toHex, type Hex } from "viem";
import { foundry } from "viem/chains";

import { startLocalIndexer, type LocalIndexer } from "./service.ts";
import { type Anvil, anvilAccount, PING_CREATION_CODE, startAnvil } from "./testing/anvil.ts";
import { buildPingSubgraph } from "./testing/pingSubgraph.ts";
import { startRelay } from "./testing/relay.ts";

const account = anvilAccount(0);

describe("the local indexer when a reorg replaces every block it knows", () => {
  let anvil: Anvil;
  let local: LocalIndexer | undefined;
  const log: string[] = [];

  beforeAll(async () => {
    anvil = await startAnvil();
  });
  afterAll(async () => {
    await local?.close();
    await anvil?.stop();
  });

  it("starts over from the data sources' start block", async () => {
    const wallet = createWalletClient({ account, chain: foundry, transport: http(anvil.url) }).extend(publicActions);
    const test = createTestClient({ mode: "anvil", chain: foundry, transport: http(anvil.url) });
    const deployed = await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ data: PING_CREATION_CODE }) });
    const pinger = deployed.contractAddress!.toLowerCase() as Hex;
    const build = buildPingSubgraph(pinger, Number(deployed.blockNumber));
    const snapshot = await test.snapshot();
    await test.mine({ blocks: 2 });
    local = await startLocalIndexer({ subgraph: build, rpcUrl: anvil.url, subgraphName: "ping", port: 0, pollInterval: 20, log: (line) => log.push(line) });
    await local.waitForBlock();
    const indexedHead = Number(await wallet.getBlockNumber({ cacheTime: 0 }));

    await test.revert({ id: snapshot });
    await test.mine({ blocks: 3 });
    const ping = await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: pinger, data: pad(toHex(42n)) }) });
    expect(Number(ping.blockNumber)).toBeGreaterThan(indexedHead);
    await local.waitForBlock(Number(ping.blockNumber));

    const response = await fetch(local.server.url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ senders { total } }"}' });
    expect(await response.json()).toEqual({ data: { senders: [{ total: "42" }] } });
    expect(log.some((line) => /no committed block is on the chain any more/.test(line))).toBe(true);
    expect(local.indexer.status).not.toBe("failed");
  }, 90_000);

  it("does not move the head over blocks read while the chain changed under the pass", async () => {
    const wallet = createWalletClient({ account, chain: foundry, transport: http(anvil.url) }).extend(publicActions);
    const test = createTestClient({ mode: "anvil", chain: foundry, transport: http(anvil.url) });
    const deployed = await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ data: PING_CREATION_CODE }) });
    const pinger = deployed.contractAddress!.toLowerCase() as Hex;
    await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: pinger, data: pad(toHex(7n)) }) });
    await test.mine({ blocks: 3 });
    const last = Number(await wallet.getBlockNumber({ cacheTime: 0 }));
    const lastTag = `0x${last.toString(16)}`;
    const real = await (await fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: [lastTag, false] }) })).json();

    // The second time the pass reads its last block, the relay answers as if a reorg had just replaced it.
    const relay = await startRelay(anvil.url);
    let reads = 0;
    relay.intercept = ({ method, params }) => {
      if (method !== "eth_getBlockByNumber" || params[0] !== lastTag || params[1] !== false) return undefined;
      reads += 1;
      return reads === 2 ? { status: 200, body: { result: { ...real.result, hash: `0x${"ab".repeat(32)}` } } } : undefined;
    };
    const lines: string[] = [];
    const changing = await startLocalIndexer({
      subgraph: buildPingSubgraph(pinger, Number(deployed.blockNumber)),
      rpcUrl: relay.url,
      subgraphName: "ping",
      port: 0,
      pollInterval: 20,
      log: (line) => lines.push(line),
    });
    try {
      await changing.waitForBlock(last);
      expect(lines.some((line) => line.startsWith(`the chain changed at block ${last} while blocks`)), lines.join("\n")).toBe(true);
      expect(reads).toBeGreaterThanOrEqual(3); // read again on the next pass, which then moved the head
      const response = await fetch(changing.server.url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ senders { total } _meta { block { number hash } } }"}' });
      expect(await response.json()).toEqual({ data: { senders: [{ total: "7" }], _meta: { block: { number: last, hash: real.result.hash } } } });
    } finally {
      await changing.close();
      await relay.close();
    }
  }, 90_000);
});
