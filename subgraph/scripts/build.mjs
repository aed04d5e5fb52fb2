#!/usr/bin/env node
// `npm run subgraph:build`: builds the subgraph's WASM offline, from a clean checkout as from a warm one.
//
//   1. picks the network: `--network <name>`; otherwise localhost when deployments/localhost.json holds
//      every contract, otherwise Hardhat's in-process network, deployed now (deployments/default.json),
//   2. compiles the contracts when they are missing or stale (scripts/build-contracts.mjs),
//   3. prepare.mjs: abis/, networks.json, subgraph.yaml,
//   4. graph codegen, then graph build --network <name>  →  subgraph/build/, skipped when build/ was made
//      from exactly these inputs (schema, mappings, ABIs, manifest; `--force` builds anyway).
// The mappings are then tested in the local indexer on real transactions (test/subgraph/localIndexer.ts).
// Runs graph-cli with GRAPH_SKIP_NEW_VERSION_CHECK=true so nothing reaches for the network.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { ensureContracts } from "../../scripts/build-contracts.mjs";
import { argValue, dataSources, missingContracts, prepare, PrepareError, readDeployments, root, subgraphDir } from "./prepare.mjs";

const started = Date.now();
const bin = join(root, "node_modules", ".bin");
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`, GRAPH_SKIP_NEW_VERSION_CHECK: "true" };

function step(message) {
  console.log(`subgraph: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function fail(message) {
  console.error(`subgraph: ${message}`);
  process.exit(1);
}

function run(command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, env, stdio: "inherit" });
  if (result.status !== 0) fail(`'${command} ${args.join(" ")}' failed (exit ${result.status ?? result.signal})`);
}

function tool(name) {
  const path = join(bin, name);
  if (!existsSync(path)) fail(`${name} is not installed: run npm install (or node scripts/bootstrap.mjs)`);
  return path;
}

const args = process.argv.slice(2);
let network = argValue(args, "--network");

try {
  ensureContracts({ log: step });
} catch (error) {
  fail(error.message);
}
const artifactsPresent = () => dataSources.every((source) => existsSync(join(root, "artifacts", source.artifact)));
if (!artifactsPresent()) fail("contract artifacts missing after `hardhat build`: see its output above");

// `hardhat test --coverage` leaves instrumented artifacts behind, whose bytecode is over the EIP-170 limit:
// deploying them fails with "code is too large". Only the default network deploys here, so only it needs this.
const MAX_CODE_SIZE = 24576;
function instrumented() {
  return dataSources.filter((source) => {
    const { deployedBytecode = "0x" } = JSON.parse(readFileSync(join(root, "artifacts", source.artifact), "utf8"));
    return (deployedBytecode.length - 2) / 2 > MAX_CODE_SIZE;
  }).map((source) => source.name);
}

if (!network) {
  const local = readDeployments().localhost;
  if (local && missingContracts(local).length === 0) {
    network = "localhost";
  } else {
    if (local) step(`deployments/localhost.json lacks ${missingContracts(local).join(", ")}: using the in-process network instead`);
    network = "default";
  }
}
if (network === "default") {
  // Hardhat's in-process network lives only as long as one command: deploy to it now when its record is
  // missing or incomplete (same addresses every time).
  const current = readDeployments().default;
  if (!current || missingContracts(current).length > 0) {
    const oversized = instrumented();
    if (oversized.length > 0) {
      step(`${oversized.join(", ")} artifacts exceed 24,576 bytes (coverage-instrumented?): recompiling (npx hardhat build --force)`);
      run(tool("hardhat"), ["build", "--force", "--quiet"]);
    }
    step("deploying to Hardhat's in-process network (npx hardhat deploy → deployments/default.json)");
    run(tool("hardhat"), ["deploy"]);
  }
}
step(`network ${network} (deployments/${network}.json)`);

try {
  prepare(network);
} catch (error) {
  if (error instanceof PrepareError) fail(error.message);
  throw error;
}
step(`prepared abis/, networks.json, subgraph.yaml for ${network}`);

/** A hash of everything `graph codegen` and `graph build` read, with the network built for. */
function inputsFingerprint() {
  const hash = createHash("sha256");
  hash.update(`network=${network}\0`);
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  for (const dir of ["src", "abis"]) walk(join(subgraphDir, dir));
  files.push(...["schema.graphql", "subgraph.yaml", "networks.json", "package.json"].map((file) => join(subgraphDir, file)));
  files.push(join(root, "package-lock.json"));
  for (const file of files.sort()) {
    if (!existsSync(file)) continue;
    hash.update(relative(root, file));
    hash.update("\0");
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

const stampFile = join(subgraphDir, "build", ".dcrm-build-stamp");
const fingerprint = inputsFingerprint();
if (!args.includes("--force") && existsSync(stampFile) && readFileSync(stampFile, "utf8") === fingerprint) {
  step(`subgraph/build/ is current for ${network}: nothing to build`);
  process.exit(0);
}

const graph = tool("graph");
run(graph, ["codegen", "subgraph.yaml", "--output-dir", "generated", "--skip-migrations"], subgraphDir);
step("codegen done (subgraph/generated/)");
run(graph, ["build", "subgraph.yaml", "--network", network, "--network-file", "networks.json", "--output-dir", "build", "--skip-migrations"], subgraphDir);
writeFileSync(stampFile, fingerprint);
step(`built subgraph/build/ for ${network}`);
