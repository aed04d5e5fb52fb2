/**
 * Block handlers on a real chain, as graph-node runs them: every block from the start block, every n-th block
 * (`polling`, counted from the start block), the start block alone (`once`), each after the block's events.
 */
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClient, createWalletClient, http, pad, publicActions, toHex, type Hex } from "viem";
import { foundry } from "viem/chains";

import { startLocalIndexer, type LocalIndexer } from "./service.ts";
import { type Anvil, anvilAccount, PING_CREATION_CODE, startAnvil } from "./testing/anvil.ts";
import { buildSubgraph } from "./testing/buildSubgraph.ts";

describe("block handlers", () => {
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

  it("run on every block, every third block and once, after the block's events", async () => {
    const wallet = createWalletClient({ account: anvilAccount(0), chain: foundry, transport: http(anvil.url) }).extend(publicActions);
    const deployed = await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ data: PING_CREATION_CODE }) });
    const start = Number(deployed.blockNumber) + 1;
    await createTestClient({ mode: "anvil", chain: foundry, transport: http(anvil.url) }).mine({ blocks: 2 });
    const pinged = await wallet.waitForTransactionReceipt({
      hash: await wallet.sendTransaction({ to: deployed.contractAddress! as Hex, data: pad(toHex(1n)) }),
    });
    await createTestClient({ mode: "anvil", chain: foundry, transport: http(anvil.url) }).mine({ blocks: 4 });
    const head = Number(await wallet.getBlockNumber({ cacheTime: 0 }));
    const build = buildSubgraph(join(import.meta.dirname, "testing", "blocks-subgraph"), { address: deployed.contractAddress!.toLowerCase(), startBlock: start });
    local = await startLocalIndexer({ subgraph: build, rpcUrl: anvil.url, subgraphName: "test/blocks", port: 0, pollInterval: 20, log: (line) => lines.push(line) });
    await local.waitForBlock(head).catch((error) => {
      throw new Error(`${error.message}\n${lines.join("\n")}`);
    });

    const response = await fetch(local.server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ blockSeens(first: 100, orderBy: number) { number hash pingsBefore } polleds(first: 100) { id } starteds { id } }` }),
    });
    const { data } = (await response.json()) as { data: any };
    const numbers = Array.from({ length: head - start + 1 }, (_, i) => start + i);
    const hashes = await Promise.all(numbers.map(async (n) => (await wallet.getBlock({ blockNumber: BigInt(n) })).hash));
    expect(data.blockSeens).toEqual(
      numbers.map((n, i) => ({ number: String(n), hash: hashes[i], pingsBefore: n === Number(pinged.blockNumber) ? 1 : 0 })),
    );
    expect(data.polleds.map((p: { id: string }) => Number(p.id)).sort((a: number, b: number) => a - b)).toEqual(numbers.filter((n) => (n - start) % 3 === 0));
    expect(data.starteds).toEqual([{ id: String(start) }]);
  }, 180_000);
});
