#!/usr/bin/env node
// `npm start`: the whole system on this machine. Compiles the contracts when they are missing or stale
// (scripts/build-contracts.mjs), starts a local EVM node on 127.0.0.1:8545 (DCRM_PORT
// changes the port), deploys the contracts to it with a demo storefront (`hardhat deploy`, from
// deploy/config/localhost.json), builds the subgraph for that deployment (subgraph/scripts/build.mjs
// --network localhost), and runs the local indexer on it with its GraphQL endpoint on 127.0.0.1:8000
// (DCRM_GRAPHQL_PORT changes the port; its data in .dcrm/indexer or DCRM_INDEXER_DIR, fresh on each start since
// the node is too).
// Keeps everything running until Ctrl-C or SIGTERM.
import { spawn } from "node:child_process";

import { ensureContracts } from "./build-contracts.mjs";

const PORT = Number(process.env.DCRM_PORT ?? 8545);
if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65_535) {
  console.error(`start: DCRM_PORT must be a port number, got ${JSON.stringify(process.env.DCRM_PORT)}`);
  process.exit(2);
}
const RPC = `http://127.0.0.1:${PORT}`;
const GRAPHQL_PORT = Number(process.env.DCRM_GRAPHQL_PORT ?? 8000);
if (!Number.isInteger(GRAPHQL_PORT) || GRAPHQL_PORT < 1 || GRAPHQL_PORT > 65_535 || GRAPHQL_PORT === PORT) {
  console.error(`start: DCRM_GRAPHQL_PORT must be a port number other than the node's, got ${JSON.stringify(process.env.DCRM_GRAPHQL_PORT)}`);
  process.exit(2);
}

async function rpcReady() {
  try {
    const response = await fetch(RPC, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

async function graphqlReady(url) {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ _meta { block { number } } }" }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

if (await rpcReady()) {
  console.error(`start: something already answers at ${RPC}; stop it first (another 'npm start' or 'hardhat node'), or use another port: DCRM_PORT=8546 npm start`);
  process.exit(1);
}

const began = Date.now();
/** Seconds since `since`, for each phase's progress line. */
const took = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

try {
  const { built } = ensureContracts({ log: (line) => console.log(`start: ${line}`) });
  if (!built) console.log("start: contracts up to date");
} catch (error) {
  console.error(`start: ${error.message}`);
  process.exit(1);
}

let phase = Date.now();
console.log(`start: starting a local EVM node (Hardhat) on 127.0.0.1:${PORT}…`);
const node = spawn("hardhat", ["node", "--hostname", "127.0.0.1", "--port", String(PORT)], {
  stdio: ["ignore", "ignore", "inherit"],
});
/** @type {import("node:child_process").ChildProcess | undefined} */
let indexer;
const stop = () => {
  indexer?.kill("SIGINT");
  node.kill("SIGINT");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
node.on("exit", async (code) => {
  console.log(`start: node stopped (${code ?? "signal"})`);
  if (indexer && indexer.exitCode === null && indexer.signalCode === null) {
    const indexerExited = new Promise((resolve) => indexer.once("exit", resolve));
    indexer.kill("SIGINT");
    await indexerExited;
  }
  process.exit(code ?? 0);
});

const startedAt = Date.now();
while (!(await rpcReady())) {
  if (Date.now() - startedAt > 60_000) {
    console.error("start: the node did not answer within 60 s");
    stop();
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}

console.log(`start: node up (${took(phase)})`);
phase = Date.now();
console.log("start: deploying contracts (deploy/config/localhost.json)…");
const deploy = spawn("hardhat", ["deploy", "--network", "localhost"], {
  stdio: "inherit",
  env: { ...process.env, DCRM_RPC_URL: RPC },
});
const deployed = await new Promise((resolve) => deploy.on("exit", (code) => resolve(code === 0)));
if (!deployed) {
  console.error("start: deployment failed; stopping the node");
  stop();
} else {
  console.log(`start: deployed (${took(phase)})`);
  phase = Date.now();
  console.log("start: building the subgraph for this deployment (subgraph/build/)…");
  const build = spawn("node", ["subgraph/scripts/build.mjs", "--network", "localhost"], { stdio: "inherit" });
  const built = await new Promise((resolve) => build.on("exit", (code) => resolve(code === 0)));
  if (!built) {
    console.error("start: the subgraph build failed; stopping the node");
    stop();
  } else {
    console.log(`start: subgraph ready (${took(phase)})`);
    phase = Date.now();
    console.log("start: starting the local indexer…");
    indexer = spawn(
      "node",
      ["indexer/cli.ts", "--subgraph", "subgraph/build", "--rpc", RPC, "--name", "dcrm", "--port", String(GRAPHQL_PORT), "--db", process.env.DCRM_INDEXER_DIR ?? ".dcrm/indexer", "--fresh"],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    indexer.on("exit", (code) => {
      if (code !== 0 && code !== null) {
        console.error(`start: the indexer stopped (exit ${code}); stopping the node`);
        node.kill("SIGINT");
      }
    });
    const GRAPHQL = `http://127.0.0.1:${GRAPHQL_PORT}/subgraphs/name/dcrm`;
    const indexerStartedAt = Date.now();
    while (!(await graphqlReady(GRAPHQL))) {
      if (indexer.exitCode !== null || Date.now() - indexerStartedAt > 60_000) {
        console.error("start: the indexer's GraphQL endpoint did not answer within 60 s");
        stop();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (indexer.exitCode === null) console.log(`start: indexer up (${took(phase)})\n\nstart: ready in ${took(began)}. JSON-RPC ${RPC} (chain id 31337); GraphQL ${GRAPHQL}. Ctrl-C stops.`);
  }
}
