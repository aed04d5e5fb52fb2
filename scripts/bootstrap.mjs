#!/usr/bin/env node
// Installs what the project needs, on a fresh clone as on a warm one, with no step done by hand.
//
// Hardhat 3 needs Node >= 22.13. The npm package `node` brings that binary into node_modules/.bin, and
// every `npm run` script puts that folder first on PATH, so scripts run on it whatever the machine has.
// Under an older Node, npm skips Hardhat's engine-gated native package (EDR); a second install that runs
// npm itself on the bundled Node adds it. A stamp of package.json and the lockfile makes warm runs instant.
// Plain Node built-ins only: this runs before any dependency exists.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "node_modules", ".bin");
const stampFile = join(root, "node_modules", ".dcrm-install-stamp");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** What an install depends on: the dependency fields of package.json (not its scripts) and the lockfile. */
function fingerprint() {
  const hash = createHash("sha256");
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const fields = ["dependencies", "devDependencies", "optionalDependencies", "overrides", "workspaces", "engines"];
  hash.update(JSON.stringify(fields.map((field) => manifest[field] ?? null)));
  const lockfile = join(root, "package-lock.json");
  if (existsSync(lockfile)) hash.update(readFileSync(lockfile));
  return hash.digest("hex");
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`bootstrap: '${command} ${args.join(" ")}' failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

/** True when the bundled Node runs and loads Hardhat's native simulator. */
function toolchainReady() {
  const node = join(bin, process.platform === "win32" ? "node.cmd" : "node");
  if (!existsSync(node)) return false;
  const probe = spawnSync(node, ["-e", "require('@nomicfoundation/edr')"], { cwd: root, stdio: "ignore" });
  return probe.status === 0;
}

const wanted = fingerprint();
const stamp = existsSync(stampFile) ? readFileSync(stampFile, "utf8") : "";
if (stamp === wanted && toolchainReady()) process.exit(0);

console.log("bootstrap: installing dependencies (first run, or package.json changed)…");
const withBundledNode = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` };
run(npm, ["install", "--no-audit", "--no-fund"], withBundledNode);
if (!toolchainReady()) {
  console.log("bootstrap: adding Hardhat's native simulator with npm running on the bundled Node 22…");
  run(npm, ["install", "--no-audit", "--no-fund"], withBundledNode);
}
if (!toolchainReady()) {
  console.error("bootstrap: Hardhat's native simulator (@nomicfoundation/edr) still does not load; see README, Troubleshooting.");
  process.exit(1);
}
writeFileSync(stampFile, fingerprint());
console.log("bootstrap: ready");
