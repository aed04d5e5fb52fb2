/**
 * `dcrm serve`: the GraphQL endpoint over the index in the data directory, without a chain: what was
 * indexed, read-only, for looking at the data while the node is down.
 */
import { existsSync } from "node:fs";

import { CommandError, type Command } from "../command.ts";
import { marketerQueries } from "../exampleQueries.ts";
import { onStopRequest } from "../lifecycle.ts";
import { dataDirOption, dataDirValue, graphqlPortOption, portValue } from "../options.ts";
import { subgraphBuildDir } from "../paths.ts";
import { indexerDir, SUBGRAPH_NAME } from "./index.ts";

export const serveCommand: Command = {
  name: "serve",
  summary: "Serve GraphQL (and GraphiQL) over the index kept in the data directory, without indexing.",
  details: "For the data as it was last indexed while no node runs; `dcrm index` serves and indexes.",
  options: { "data-dir": dataDirOption, "graphql-port": graphqlPortOption },
  async run(values) {
    const port = portValue(values, "graphql-port");
    const database = indexerDir(dataDirValue(values));
    if (!existsSync(database)) throw new CommandError(`no index in ${database}: run \`dcrm start\` (or \`dcrm index\`) first`);
    if (!existsSync(subgraphBuildDir)) throw new CommandError("no subgraph build in subgraph/build: run `npm run subgraph:build` first");
    const [{ startGraphQLServer }, { loadSubgraph }, { NAMESPACE }, { openDb }] = await Promise.all([
      import("../../indexer/graphql/index.ts"),
      import("../../indexer/manifest.ts"),
      import("../../indexer/service.ts"),
      import("../../indexer/store/open.ts"),
    ]);
    const build = loadSubgraph(subgraphBuildDir);
    const db = await openDb(database, { namespace: NAMESPACE });
    let server;
    try {
      server = await startGraphQLServer({ schema: build.schema, db, namespace: NAMESPACE, subgraphName: SUBGRAPH_NAME, port, exampleQueries: marketerQueries() });
    } catch (error) {
      await db.close();
      if (/EADDRINUSE/.test((error as Error).message)) throw new CommandError(`port ${port} is taken: stop what listens there, or pass --graphql-port <port> (DCRM_GRAPHQL_PORT)`);
      throw error;
    }
    console.log(`serve: GraphQL at ${server.url} (GraphiQL in a browser), read-only over ${database}. Ctrl-C stops.`);
    const running = server;
    return new Promise<number>((resolve) =>
      onStopRequest(async () => {
        await running.close();
        await db.close();
        resolve(0);
      }),
    );
  },
};
