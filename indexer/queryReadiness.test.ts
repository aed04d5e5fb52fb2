/**
 * The indexer builds the store's attribute indexes only once it has caught up with the chain head (and at
 * start when it is there already), so that catching up writes without them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalletClient, http, pad, publicActions, toHex, type Hex } from "viem";
import { foundry } from "viem/chains";

import { ChainSource } from "./chain/source.ts";
import { Indexer } from "./indexer.ts";
import { loadSubgraph, type SubgraphBuild } from "./manifest.ts";
import { attributeIndexes, existingIndexes } from "./store/attributeIndexes.ts";
import { EntityStore } from "./store/index.ts";
import { testDatabases } from "./store/testSupport.ts";
import { type Anvil, anvilAccount, PING_CREATION_CODE, startAnvil } from "./testing/anvil.ts";
import { buildPingSubgraph } from "./testing/pingSubgraph.ts";

const NS = "subgraph";

describe.each(testDatabases())("query indexes built when the indexer reaches the head, entities in $name", (database) => {
  let anvil: Anvil;
  let build: SubgraphBuild;

  beforeAll(async () => {
    anvil = await startAnvil();
    const wallet = createWalletClient({ account: anvilAccount(0), chain: foundry, transport: http(anvil.url) }).extend(publicActions);
    const deployed = await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ data: PING_CREATION_CODE }) });
    const pinger = deployed.contractAddress!.toLowerCase() as Hex;
    for (let value = 1n; value <= 3n; value++) {
      await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: pinger, data: pad(toHex(value)) }) });
    }
    build = loadSubgraph(buildPingSubgraph(pinger, Number(deployed.blockNumber)));
  }, 120_000);
  afterAll(async () => {
    await anvil?.stop();
  });

  it("indexes without them while catching up, builds them at the head, and again at start when one is missing", async () => {
    const db = await database.open();
    try {
      const store = await EntityStore.open({ db, schema: build.schema, namespace: NS, deployment: build.deployment });
      const lines: string[] = [];
      const indexer = () =>
        new Indexer({ build, store, chain: new ChainSource({ url: anvil.url, filter: Indexer.logFilter(build.dataSources) }), rangeSize: 1, log: (line) => lines.push(line) });
      const wanted = attributeIndexes(build.schema, NS).map((index) => index.name);
      expect(wanted).toContain("sender_attr_total");
      const missing = async () => {
        const existing = await existingIndexes(db, NS);
        return wanted.filter((name) => !existing.has(name));
      };

      const first = indexer();
      await first.syncOnce();
      expect(first.status).toBe("syncing");
      expect(await missing()).toEqual(wanted);
      while (first.status === "syncing") await first.syncOnce();
      expect(first.status).toBe("synced");
      expect(await missing()).toEqual([]);
      expect(lines.filter((line) => line.startsWith("query indexes: building"))).toHaveLength(1);
      expect(lines).toContain(`query indexes: planner statistics of ${(await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1`, [NS])).rows.length} tables updated`);

      // A restart at the head: what is missing is built before anything else happens.
      await db.exec(`DROP INDEX "${NS}"."sender_attr_total"`);
      lines.length = 0;
      const second = indexer();
      expect(await second.syncOnce()).toBeNull();
      expect(await missing()).toEqual([]);
      expect(lines[0]).toBe("query indexes: building 1 attribute index (the indexer has caught up with the chain head)");
    } finally {
      await db.close();
    }
  });
});
