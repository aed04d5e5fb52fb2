/**
 * Block handlers on a real chain, as graph-node runs them: every block from the start block, every n-th block
 * (`polling`, counted from the start block), the start block alone (`once`), each after the block's events.
 */
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildSubgraph } from "./testing/buildSubgraph.ts";
import { type LocalChain, startLocalChain } from "./testing/localChain.ts";

describe("block handlers", () => {
  let chain: LocalChain;

  beforeAll(async () => {
    chain = await startLocalChain();
  }, 60_000);

  afterAll(async () => {
    await chain?.close();
  });

  it("run on every block, every third block and once, after the block's events", async () => {
    const pinger = await chain.deployPing();
    const start = Number(pinger.blockNumber) + 1;
    await chain.test.mine({ blocks: 2 });
    const pinged = await chain.ping(pinger.address, 1n);
    await chain.test.mine({ blocks: 4 });
    const head = await chain.head();
    await chain.startIndexer(buildSubgraph(join(import.meta.dirname, "testing", "blocks-subgraph"), { address: pinger.address, startBlock: start }));
    await chain.synced();

    const { data } = await chain.query(`{ blockSeens(first: 100, orderBy: number) { number hash pingsBefore } polleds(first: 100) { id } starteds { id } }`);
    const numbers = Array.from({ length: head - start + 1 }, (_, i) => start + i);
    const hashes = await Promise.all(numbers.map(async (n) => (await chain.wallet.getBlock({ blockNumber: BigInt(n) })).hash));
    expect(data.blockSeens).toEqual(
      numbers.map((n, i) => ({ number: String(n), hash: hashes[i], pingsBefore: n === Number(pinged.blockNumber) ? 1 : 0 })),
    );
    expect(data.polleds.map((p: { id: string }) => Number(p.id)).sort((a: number, b: number) => a - b)).toEqual(numbers.filter((n) => (n - start) % 3 === 0));
    expect(data.starteds).toEqual([{ id: String(start) }]);
  }, 180_000);
});
