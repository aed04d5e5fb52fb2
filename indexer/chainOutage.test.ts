/**
 * A chain endpoint that stops answering (a node restarting, a provider's outage) is waited for, not fatal:
 * the indexer says so, asks again less and less often, and catches up when the endpoint is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalletClient, http, pad, publicActions, toHex, type Hex } from "viem";
import { foundry } from "viem/chains";

import { startLocalIndexer, type LocalIndexer } from "./service.ts";
import { type Anvil, anvilAccount, PING_CREATION_CODE, startAnvil } from "./testing/anvil.ts";
import { buildPingSubgraph } from "./testing/pingSubgraph.ts";
import { type Relay, startRelay } from "./testing/relay.ts";

const account = anvilAccount(0);

describe("the local indexer when the chain stops answering", () => {
  let anvil: Anvil;
  let relay: Relay;
  let local: LocalIndexer | undefined;
  let pinger: Hex;
  let build: string;
  const log: string[] = [];

  beforeAll(async () => {
    anvil = await startAnvil();
    relay = await startRelay(anvil.url);
    relay.up = false;
    const wallet = createWalletClient({ account, chain: foundry, transport: http(anvil.url) }).extend(publicActions);
    const receipt = await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ data: PING_CREATION_CODE }) });
    pinger = receipt.contractAddress!.toLowerCase() as Hex;
    await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: pinger, data: pad(toHex(7n)) }) });
    build = buildPingSubgraph(pinger, Number(receipt.blockNumber));
  }, 120_000);

  afterAll(async () => {
    await local?.close();
    await relay?.close();
    await anvil?.stop();
  });

  it("keeps serving, retries with a message, and catches up when the chain is back", async () => {
    local = await startLocalIndexer({ subgraph: build, rpcUrl: relay.url, subgraphName: "ping", port: 0, pollInterval: 20, log: (line) => log.push(line) });
    // Down: the endpoint answers, with nothing indexed yet, and the log says why.
    await expect.poll(() => log.some((line) => /failed.*trying again in \d+ s/.test(line)), { timeout: 20_000 }).toBe(true);
    const before = await (await fetch(local.server.url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ senders { total } }"}' })).json();
    expect(before).toEqual({ data: { senders: [] } });
    expect(local.indexer.status).not.toBe("failed");

    relay.up = true;
    await local.waitForBlock(undefined, 40_000);
    const after = await (await fetch(local.server.url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ senders { total } }"}' })).json();
    expect(after).toEqual({ data: { senders: [{ total: "7" }] } });
    await expect.poll(() => log.includes("the chain works again"), { timeout: 5_000 }).toBe(true);
  }, 90_000);
});
