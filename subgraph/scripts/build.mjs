#!/usr/bin/env node
// `npm run subgraph:build`: builds the subgraph's WASM offline, from a clean checkout as from a warm one.
//
//   1. picks the network: `--network <name>`; otherwise localhost when deployments/localhost.json holds
//      every contract, otherwise Hardhat's in-process network, deployed now (deployments/default.json),
//   2. compiles the deployed contracts when they are missing or stale (scripts/build-contracts.mjs --deployed),
//   3. prepare.mjs: abis/, networks.json, subgraph.yaml, mappings.ts (every data source's handlers in one module),
//   4. graph codegen, then graph build --network <name>  →  subgraph/build/, skipped when build/ was made
//      from exactly these inputs (schema, mappings, ABIs, manifest; `--force` builds anyway); when only the
//      deployment changed (network, addresses, start blocks), build/subgraph.yaml is pointed at it instead;
//      codegen alone is skipped when generated/ was made from these ABIs, schema and manifest (a change to
//      the mappings only).
// The mappings are then tested in the local indexer on real transactions (test/subgraph/localIndexer.ts).
// Runs graph-cli with GRAPH_SKIP_NEW_VERSION_CHECK=true so nothing reaches for the network.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
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
  ensureContracts({ log: step, scope: "deployed" });
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
step(`prepared abis/, networks.json, subgraph.yaml, mappings.ts for ${network}`);

/** Every file `graph codegen` and `graph build` read, sorted. */
function inputFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  for (const dir of ["src", "abis"]) walk(join(subgraphDir, dir));
  files.push(...["schema.graphql", "subgraph.yaml", "mappings.ts", "networks.json", "package.json"].map((file) => join(subgraphDir, file)));
  files.push(join(root, "package-lock.json"));
  return files.filter((file) => existsSync(file)).sort();
}

/** The manifest without what differs between deployments (network, addresses, start blocks). */
function manifestWithoutDeployment(text) {
  const manifest = parseYaml(text);
  for (const source of manifest.dataSources ?? []) {
    delete source.network;
    delete source.source?.address;
    delete source.source?.startBlock;
  }
  return stringifyYaml(manifest);
}

/** What `graph codegen` reads: the manifest, the ABIs, the schema and graph-cli itself (not the mappings). */
const codegenInput = (name) => name.startsWith("subgraph/abis/") || ["subgraph/subgraph.yaml", "subgraph/schema.graphql", "package-lock.json"].includes(name);

/**
 * Three hashes of the inputs: `inputs` covers everything with the network built for; `code` leaves out the
 * deployment (network, addresses, start blocks), which the WASM and the generated types do not depend on;
 * `types` is the part of `code` that `graph codegen` reads.
 */
function fingerprints() {
  const inputs = createHash("sha256");
  const code = createHash("sha256");
  const types = createHash("sha256");
  inputs.update(`network=${network}\0`);
  for (const file of inputFiles()) {
    const name = relative(root, file);
    const content = readFileSync(file);
    inputs.update(`${name}\0`).update(content);
    if (name.endsWith("networks.json")) continue;
    const independent = name.endsWith("subgraph.yaml") ? manifestWithoutDeployment(content.toString("utf8")) : content;
    code.update(`${name}\0`).update(independent);
    if (codegenInput(name)) types.update(`${name}\0`).update(independent);
  }
  return { inputs: inputs.digest("hex"), code: code.digest("hex"), types: types.digest("hex") };
}

/** Points the manifest in build/ at this network's addresses and start blocks, as `graph build --network` would. */
function retargetBuiltManifest() {
  const deployment = JSON.parse(readFileSync(join(subgraphDir, "networks.json"), "utf8"))[network];
  const builtManifest = join(subgraphDir, "build", "subgraph.yaml");
  const manifest = parseYaml(readFileSync(builtManifest, "utf8"));
  for (const source of manifest.dataSources) {
    const target = deployment?.[source.name];
    if (!target) return false;
    source.network = network;
    source.source.address = target.address;
    source.source.startBlock = target.startBlock;
  }
  writeFileSync(builtManifest, stringifyYaml(manifest, { lineWidth: 0 }));
  return true;
}

const stampFile = join(subgraphDir, "build", ".dcrm-build-stamp");
const current = fingerprints();
const stamp = existsSync(stampFile) ? readFileSync(stampFile, "utf8") : "";
const built = stamp.startsWith("{") ? JSON.parse(stamp) : {};
if (!args.includes("--force") && built.inputs === current.inputs) {
  step(`subgraph/build/ is current for ${network}: nothing to build`);
  process.exit(0);
}
if (!args.includes("--force") && built.code === current.code && retargetBuiltManifest()) {
  writeFileSync(stampFile, JSON.stringify(current));
  step(`subgraph/build/ pointed at ${network}'s addresses: the mappings, schema and ABIs are unchanged, nothing to compile`);
  process.exit(0);
}

const graph = tool("graph");
// generated/ holds the types of the ABIs and schema it was made from: a change to the mappings alone skips codegen.
const codegenStamp = join(subgraphDir, "generated", ".dcrm-codegen-stamp");
if (!args.includes("--force") && existsSync(codegenStamp) && readFileSync(codegenStamp, "utf8") === current.types) {
  step("subgraph/generated/ is current for these ABIs and this schema: no codegen");
} else {
  rmSync(codegenStamp, { force: true });
  run(graph, ["codegen", "subgraph.yaml", "--output-dir", "generated", "--skip-migrations"], subgraphDir);
  writeFileSync(codegenStamp, current.types);
  step("codegen done (subgraph/generated/)");
}
run(graph, ["build", "subgraph.yaml", "--network", network, "--network-file", "networks.json", "--output-dir", "build", "--skip-migrations"], subgraphDir);
writeFileSync(stampFile, JSON.stringify(current));
step(`built subgraph/build/ for ${network}`);
