#!/usr/bin/env node
// `npm run indexer -- [options]`: the local indexer (indexer/cli.ts) with what it needs made first, so it
// works as the first command after a clone. Without `--subgraph` it indexes this repository's subgraph,
// built for its deployment when missing or stale (subgraph/scripts/build.mjs). Before starting it checks
// that a JSON-RPC node answers at `--rpc` and says what to do when none does. Options: indexer/README.md.
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const wantsHelp = args.includes("--help") || args.includes("-h");
const optionValue = (name) => {
  const index = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index === -1) return undefined;
  return args[index].includes("=") ? args[index].slice(name.length + 1) : args[index + 1];
};

if (!wantsHelp) {
  if (optionValue("--subgraph") === undefined) {
    const build = spawnSync(process.execPath, [join(root, "subgraph", "scripts", "build.mjs")], { cwd: root, stdio: "inherit" });
    if (build.status !== 0) {
      console.error("indexer: building the subgraph failed (see above); fix it or pass --subgraph <build dir>");
      process.exit(1);
    }
    args.push("--subgraph", "subgraph/build");
  }
  const rpc = optionValue("--rpc") ?? "http://127.0.0.1:8545";
  const answers = await fetch(rpc, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(5_000),
  }).then((response) => response.ok, () => false);
  if (!answers) {
    console.error(`indexer: no JSON-RPC node answers at ${rpc}. Start one first (\`npm start\` runs a node, deploys and indexes), or pass --rpc <url>.`);
    process.exit(1);
  }
}

const child = spawn(process.execPath, [join(root, "indexer", "cli.ts"), ...args], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
