/**
 * The progress line tells what was committed, never more: a pass that stops at a failing handler reports the
 * blocks before it, not the range it set out to index.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalletClient, http, pad, publicActions, toHex, type Hex } from "viem";
import { foundry } from "viem/chains";

import { startLocalIndexer, type LocalIndexer } from "./service.ts";
import { type Anvil, anvilAccount, PING_CREATION_CODE, startAnvil } from "./testing/anvil.ts";
import { buildPingSubgraph } from "./testing/pingSubgraph.ts";

describe("the progress line", () => {
  let anvil: Anvil;
  let local: LocalIndexer | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    anvil = await startAnvil();
  }, 60_000);

  afterAll(async () => {
    await local?.close();
    await anvil?.stop();
  });

  it("claims only the blocks it indexed when a handler fails mid-range", async () => {
    const wallet = createWalletClient({ account: anvilAccount(0), chain: foundry, transport: http(anvil.url) }).extend(publicActions);
    const deployed = await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ data: PING_CREATION_CODE }) });
    const pinger = deployed.contractAddress! as Hex;
    const ping = async (value: bigint) => wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: pinger, data: pad(toHex(value)) }) });
    const good = await ping(1n);
    const poisoned = await ping(13n); // the fixture's handler throws on 13
    await ping(2n);
    await ping(3n);
    const build = buildPingSubgraph(pinger.toLowerCase(), Number(deployed.blockNumber));
    local = await startLocalIndexer({ subgraph: build, rpcUrl: anvil.url, subgraphName: "test/progress", port: 0, pollInterval: 20, log: (line) => lines.push(line) });
    await expect(local.waitForBlock()).rejects.toThrow(/unlucky value 13/);
    const progress = lines.filter((line) => line.startsWith("indexed blocks"));
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatch(new RegExp(`^indexed blocks ${deployed.blockNumber}\\.\\.${good.blockNumber}: 1 triggers in 1 blocks `));
    expect(lines.some((line) => line.startsWith("indexing stopped: ") && line.includes(`at block ${poisoned.blockNumber}`))).toBe(true);
  });
});
