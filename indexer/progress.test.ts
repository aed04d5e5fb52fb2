/**
 * The progress line tells what was committed, never more: a pass that stops at a failing handler reports the
 * blocks before it, not the range it set out to index.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type LocalChain, startLocalChain } from "./testing/localChain.ts";
import { buildPingSubgraph } from "./testing/pingSubgraph.ts";

describe("the progress line", () => {
  let chain: LocalChain;

  beforeAll(async () => {
    chain = await startLocalChain();
  }, 60_000);

  afterAll(async () => {
    await chain?.close();
  });

  it("claims only the blocks it indexed when a handler fails mid-range", async () => {
    const pinger = await chain.deployPing();
    const good = await chain.ping(pinger.address, 1n);
    const poisoned = await chain.ping(pinger.address, 13n); // the fixture's handler throws on 13
    await chain.ping(pinger.address, 2n);
    await chain.ping(pinger.address, 3n);
    const local = await chain.startIndexer(buildPingSubgraph(pinger.address, Number(pinger.blockNumber)));
    await expect(local.waitForBlock()).rejects.toThrow(/unlucky value 13/);
    const progress = chain.lines.filter((line) => line.startsWith("indexed blocks"));
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatch(new RegExp(`^indexed blocks ${pinger.blockNumber}\\.\\.${good.blockNumber}: 1 triggers in 1 blocks `));
    expect(chain.lines.some((line) => line.startsWith("indexing stopped: ") && line.includes(`at block ${poisoned.blockNumber}`))).toBe(true);
  }, 180_000);
});
