#!/usr/bin/env node
/**
 * dcrm-indexer: runs a graph-cli subgraph build against a JSON-RPC chain and serves graph-node's GraphQL API.
 *
 *   node indexer/cli.ts --subgraph subgraph/build --rpc http://127.0.0.1:8545 [--name dcrm] [--port 8000]
 *                       [--host 127.0.0.1] [--db .dcrm/indexer | --db memory | --db postgres://user:pass@host/db]
 *                       [--fresh] [--poll 500] [--handler-timeout 60] [--ipfs http://127.0.0.1:5001]
 */
import { parseArgs } from "node:util";

import { IpfsEndpointError, ipfsEndpoint } from "./ipfs/endpoint.ts";
import { ManifestError } from "./manifest.ts";
import { SchemaError } from "./schema.ts";
import { startLocalIndexer } from "./service.ts";
import { describeLocation, isPostgresUrl } from "./store/open.ts";

const USAGE = `usage: node indexer/cli.ts --subgraph <build dir> [--rpc <url>] [--name <subgraph name>] [--port <n>] [--host <addr>]
                          [--db <data dir> | --db memory | --db postgres://user:pass@host:port/db] [--fresh] [--poll <ms>]
                          [--handler-timeout <seconds, 0: none>] [--ipfs <IPFS HTTP API or gateway URL>]`;

function fail(message: string): never {
  console.error(`indexer: ${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      subgraph: { type: "string" },
      rpc: { type: "string", default: "http://127.0.0.1:8545" },
      name: { type: "string", default: "dcrm" },
      port: { type: "string", default: "8000" },
      host: { type: "string", default: "127.0.0.1" },
      db: { type: "string", default: ".dcrm/indexer" },
      fresh: { type: "boolean", default: false },
      poll: { type: "string", default: "500" },
      "handler-timeout": { type: "string", default: "60" },
      ipfs: { type: "string" },
      help: { type: "boolean", default: false },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.subgraph) fail("--subgraph is required (the folder `graph build` wrote)");
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be a port number, got ${values.port}`);
const poll = Number(values.poll);
if (!Number.isInteger(poll) || poll < 10) fail(`--poll must be milliseconds (≥ 10), got ${values.poll}`);
if (!/^[\w-]+(\/[\w-]+)?$/.test(values.name!)) fail(`--name must look like name or account/name, got ${values.name}`);

const handlerTimeout = Number(values["handler-timeout"]);
if (!Number.isFinite(handlerTimeout) || handlerTimeout < 0) fail(`--handler-timeout must be seconds (0: no limit), got ${values["handler-timeout"]}`);

if (values.ipfs !== undefined) {
  try {
    ipfsEndpoint(values.ipfs);
  } catch (error) {
    if (!(error instanceof IpfsEndpointError)) throw error;
    fail(`--ipfs: ${error.message}`);
  }
}

const database = values.db === "memory" ? undefined : values.db;
try {
  const local = await startLocalIndexer({
    subgraph: values.subgraph,
    rpcUrl: values.rpc!,
    database,
    fresh: values.fresh,
    subgraphName: values.name!,
    host: values.host,
    port,
    pollInterval: poll,
    handlerTimeoutMs: handlerTimeout === 0 ? null : handlerTimeout * 1000,
    ipfs: values.ipfs === undefined ? undefined : { url: values.ipfs },
  });
  console.log(`indexer: ${local.build.deployment} (${local.build.dataSources.map((d) => d.name).join(", ")}) from ${values.rpc}`);
  if (values.ipfs !== undefined) console.log(`indexer: IPFS from ${values.ipfs}`);
  console.log(`indexer: entities in ${describeLocation(database)}`);
  console.log(`indexer: GraphQL at ${local.server.url}`);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    console.log("indexer: stopping after the current block…");
    await local.close();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  // Indexing that cannot go on (another chain under the same data) ends the process: a supervisor sees it.
  void local.stopped.then(async (error) => {
    if (!error || closing) return;
    closing = true;
    await local.close();
    process.exit(1);
  });
} catch (error) {
  if (error instanceof ManifestError || error instanceof SchemaError) {
    // What the subgraph asks for is not a usage mistake: the reasons alone, no usage text.
    console.error(`indexer: cannot run ${values.subgraph}: ${error.message}`);
    process.exit(1);
  }
  const message = (error as Error).message;
  const where = isPostgresUrl(database) ? `the schema subgraph on ${describeLocation(database)}` : `the data directory ${values.db}`;
  const hint = /holds deployment/.test(message) ? ` (${where})` : "";
  console.error(`indexer: ${message}${hint}`);
  process.exit(1);
}
