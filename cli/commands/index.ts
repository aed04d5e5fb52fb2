/**
 * `dcrm index`: the local indexer (indexer/) on the local chain, with the repository's subgraph built for
 * the local deployment, entities in `<data dir>/indexer` kept across starts, GraphQL on 127.0.0.1.
 *
 * An index whose blocks the chain no longer has is reverted as on a reorg by the indexer itself; one the
 * chain lost too much of (a chain restarted from an older state file, or a new chain), or one made by
 * another subgraph build, is indexed again from nothing, so it never serves what the chain does not hold.
 */
import { join } from "node:path";

import type { LocalIndexer } from "../../indexer/service.ts";
import { buildSubgraph } from "../builds.ts";
import { CommandError, type Command } from "../command.ts";
import { marketerQueries } from "../exampleQueries.ts";
import { onStopRequest } from "../lifecycle.ts";
import { dataDirOption, dataDirValue, graphqlPortOption, portOption, portValue, rpcOption, rpcValue } from "../options.ts";
import { subgraphBuildDir } from "../paths.ts";
import { nodeAnswers } from "../rpc.ts";

export const SUBGRAPH_NAME = "dcrm";

export const indexerDir = (dataDir: string) => join(dataDir, "indexer");

export const indexCommand: Command = {
  name: "index",
  summary: "Index the local chain with the dCRM subgraph and serve its GraphQL endpoint.",
  details:
    "Builds the subgraph for deployments/localhost.json when missing or stale. The index lives in <data dir>/indexer\n" +
    "and resumes where it stopped; blocks the chain no longer has are reverted, and an index the chain does not\n" +
    "match any more is rebuilt from nothing.",
  options: {
    "data-dir": dataDirOption,
    port: portOption,
    rpc: rpcOption,
    "graphql-port": graphqlPortOption,
    fresh: { type: "boolean", description: "drop the index and index from the first block" },
    build: { type: "boolean", negatable: true, default: true, description: "build the subgraph first when missing or stale" },
  },
  async run(values) {
    const rpc = rpcValue(values);
    // The indexer is loaded only when it runs: `--help` and the other commands stay quick.
    const [{ ReorgError }, { startLocalIndexer }] = await Promise.all([import("../../indexer/indexer.ts"), import("../../indexer/service.ts")]);
    const graphqlPort = portValue(values, "graphql-port");
    const database = indexerDir(dataDirValue(values));
    if (values.build) await buildSubgraph();
    if (!(await nodeAnswers(rpc))) throw new CommandError(`no JSON-RPC node answers at ${rpc}: start one first (\`dcrm node\`, or \`dcrm start\` for the whole stack), or pass --rpc <url>`);

    const open = async (fresh: boolean): Promise<LocalIndexer> => {
      const options = { subgraph: subgraphBuildDir, rpcUrl: rpc, database, fresh, subgraphName: SUBGRAPH_NAME, port: graphqlPort, exampleQueries: marketerQueries(), log: (line: string) => console.log(`index: ${line}`) };
      try {
        return await startLocalIndexer(options);
      } catch (error) {
        const message = (error as Error).message;
        if (!fresh && /holds deployment/.test(message)) {
          console.log(`index: ${database} holds another subgraph build's index; indexing this build from nothing`);
          return startLocalIndexer({ ...options, fresh: true });
        }
        if (/EADDRINUSE/.test(message)) throw new CommandError(`port ${graphqlPort} is taken: stop what listens there, or pass --graphql-port <port> (DCRM_GRAPHQL_PORT)`);
        throw new CommandError(message);
      }
    };

    let local = await open(Boolean(values.fresh));
    console.log(`index: GraphQL at ${local.server.url}; entities in ${database}`);
    // Caught up: the first pass has checked the index against the chain (reverting what the chain lost) and
    // indexed to its head. `dcrm start` waits for this message before it says the stack is ready.
    void (async () => {
      while (local.indexer.status === "syncing") await new Promise((resolve) => setTimeout(resolve, 100));
      if (local.indexer.status !== "synced") return;
      console.log(`index: caught up with the chain at block ${local.indexer.store.head?.number ?? "none"}`);
      process.send?.({ caughtUp: true });
    })();
    let stopping = false;
    let finished!: (code: number) => void;
    const exitCode = new Promise<number>((resolve) => (finished = resolve));
    const watch = (current: LocalIndexer) => {
      void current.stopped.then(async (error) => {
        if (!error || stopping) return;
        await current.close();
        if (error instanceof ReorgError) {
          console.log("index: the chain no longer holds what was indexed (a chain restarted from an older state, or a new one); indexing it again from nothing");
          local = await open(true);
          watch(local);
          return;
        }
        console.error(`index: indexing stopped: ${error.message}`);
        finished(1);
      });
    };
    watch(local);
    onStopRequest(async () => {
      stopping = true;
      await local.close();
      finished(0);
    });
    return exitCode;
  },
};
