#!/usr/bin/env node
// `npm start`: the whole system on this machine. Starts a local EVM node on 127.0.0.1:8545 (DCRM_PORT
// changes the port), deploys the contracts to it with a demo storefront (`hardhat deploy`, from
// deploy/config/localhost.json), and keeps the node running until
// Ctrl-C or SIGTERM.
import { spawn } from "node:child_process";

const PORT = Number(process.env.DCRM_PORT ?? 8545);
if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65_535) {
  console.error(`start: DCRM_PORT must be a port number, got ${JSON.stringify(process.env.DCRM_PORT)}`);
  process.exit(2);
}
const RPC = `http://127.0.0.1:${PORT}`;

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

if (await rpcReady()) {
  console.error(`start: something already answers at ${RPC}; stop it first (another 'npm start' or 'hardhat node').`);
  process.exit(1);
}

console.log(`start: starting a local EVM node (Hardhat) on 127.0.0.1:${PORT}…`);
const node = spawn("hardhat", ["node", "--hostname", "127.0.0.1", "--port", String(PORT)], {
  stdio: ["ignore", "ignore", "inherit"],
});
const stop = () => node.kill("SIGINT");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
node.on("exit", (code) => {
  console.log(`start: node stopped (${code ?? "signal"})`);
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
  console.log(`\nstart: ready. JSON-RPC ${RPC} (chain id 31337). Ctrl-C stops.`);
}
