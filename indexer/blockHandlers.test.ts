/**
 * Block handlers on a real chain, as graph-node runs them: every block from the start block, every n-th block
 * (`polling`, counted from the start block), the start block alone (`once`); `once` before the block's events,
 * the others after them, each in a data source of its own (graph-node refuses an every-block handler beside a
 * polling or once one).
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

  it("run once before the start block's events, on every block and every third block after the block's events", async () => {
    const pinger = await chain.deployPing();
    await chain.test.mine({ blocks: 2 });
    // The start block has a ping: the once handler runs before it, the every-block handler after it.
    const start = Number((await chain.ping(pinger.address, 1n)).blockNumber);
    await chain.test.mine({ blocks: 2 });
    const pinged = await chain.ping(pinger.address, 2n);
    await chain.test.mine({ blocks: 4 });
    const head = await chain.head();
    await chain.startIndexer(buildSubgraph(join(import.meta.dirname, "testing", "blocks-subgraph"), { address: pinger.address, startBlock: start }));
    await chain.synced();

    const { data } = await chain.query(
      `{ blockSeens(first: 100, orderBy: number) { number hash pingsBefore } polleds(first: 100) { id } starteds { id pingsBefore } }`,
    );
    const numbers = Array.from({ length: head - start + 1 }, (_, i) => start + i);
    const hashes = await Promise.all(numbers.map(async (n) => (await chain.wallet.getBlock({ blockNumber: BigInt(n) })).hash));
    const pings = new Set([start, Number(pinged.blockNumber)]);
    expect(data.blockSeens).toEqual(numbers.map((n, i) => ({ number: String(n), hash: hashes[i], pingsBefore: pings.has(n) ? 1 : 0 })));
    expect(data.starteds).toEqual([{ id: String(start), pingsBefore: 0 }]);
    const ids = (list: { id: string }[]) => list.map((p) => Number(p.id)).sort((a, b) => a - b);
    expect(ids(data.polleds)).toEqual(numbers.filter((n) => (n - start) % 3 === 0));
  }, 180_000);
});
