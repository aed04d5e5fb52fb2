#!/usr/bin/env node
// Compiles the contracts and generates their TypeChain types when they are missing or stale, so every
// command works as the first one after a clone; on a warm checkout whose sources did not change it returns
// at once, without starting Hardhat.
//
// Two scopes, each with its own stamp in artifacts/:
//   all       every source: contracts/ with its mocks, the Solidity tests, TypeChain types (tests, typecheck);
//   deployed  only what deploy/ deploys on a local network (DEPLOYED_SOURCES), without TypeChain types:
//             `npm start` and the subgraph build need nothing else (deploy/ imports the types as types only),
//             and it compiles in a tenth of the time. A later `all` build compiles the rest and writes the
//             TypeChain types for every contract.
// Stale means: a Solidity source under contracts/ (or test/, for `all`), hardhat.config.ts or the lockfile
// changed since the last build of that scope that this script recorded, or its outputs are gone.
//
// Usage: node scripts/build-contracts.mjs [--quiet] [--deployed]   (or import { ensureContracts }); --quiet
// says nothing when the build is current, and still shows progress when it compiles.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CONFIG_FILES = ["hardhat.config.ts", "package-lock.json"];

/**
 * The sources of every contract deploy/ deploys on a local network (deploy/system.ts): the four system
 * contracts and the stand-in stablecoin. Their proxies come from @openzeppelin/hardhat-upgrades' own artifacts.
 */
export const DEPLOYED_SOURCES = [
  "contracts/reward/RewardToken.sol",
  "contracts/referral/ReferralEscrow.sol",
  "contracts/consent/ConsentRegistry.sol",
  "contracts/dataAccess/DataAccessPayments.sol",
  "contracts/mocks/tokens/TestToken.sol",
];

/** What each scope compiles and where its stamp lives. */
const SCOPES = {
  all: { sourceDirs: ["contracts", "test"], stamp: ".dcrm-build-stamp", args: [], needsTypes: true },
  deployed: { sourceDirs: ["contracts"], stamp: ".dcrm-build-stamp-deployed", args: ["--no-tests", "--no-typechain", ...DEPLOYED_SOURCES], needsTypes: false },
};

/** The stamp file of `scope`: written after a build of that scope, holding its fingerprint. */
export const stampFile = (scope = "all") => join(root, "artifacts", SCOPES[scope].stamp);

/** Every Solidity file under `directory`, sorted, relative to the root. */
function solidityFiles(directory) {
  const found = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".sol")) found.push(relative(root, path));
    }
  };
  walk(join(root, directory));
  return found.sort();
}

/** A hash of everything a build of `scope` depends on: the sources' paths and bytes and the configuration. */
export function contractsFingerprint(scope = "all") {
  const hash = createHash("sha256");
  const files = [...SCOPES[scope].sourceDirs.flatMap(solidityFiles), ...CONFIG_FILES.filter((file) => existsSync(join(root, file)))];
  for (const file of files) {
    hash.update(file);
    hash.update("\0");
    hash.update(readFileSync(join(root, file)));
  }
  return hash.digest("hex");
}

const typesPresent = () => existsSync(join(root, "types")) && statSync(join(root, "types")).isDirectory();

/**
 * True when the recorded build of `scope` matches the sources and its outputs are still there. A current
 * build of everything also makes the deployed scope current.
 */
export function contractsCurrent(scope = "all") {
  const current = (of) => existsSync(stampFile(of)) && (!SCOPES[of].needsTypes || typesPresent()) && readFileSync(stampFile(of), "utf8") === contractsFingerprint(of);
  return current(scope) || (scope === "deployed" && current("all"));
}

/**
 * Builds the contracts of `scope` (`hardhat build`: artifacts and TypeChain types) unless its last build is
 * current. Throws when the compiler fails; its output has already been shown.
 *
 * @param {{ log?: (line: string) => void, scope?: "all" | "deployed" }} [options]
 * @returns {{ built: boolean, seconds: number }}
 */
export function ensureContracts({ log = (line) => console.log(line), scope = "all" } = {}) {
  const started = Date.now();
  if (contractsCurrent(scope)) return { built: false, seconds: 0 };
  const what = scope === "all" ? "the contracts, their tests and TypeChain types" : "the deployed contracts";
  log(existsSync(stampFile(scope)) ? `build: contracts changed: compiling ${what} (hardhat build)…` : `build: compiling ${what} (${scope === "all" ? "the first build takes a few minutes" : "under a minute"})…`);
  const bin = join(root, "node_modules", ".bin");
  const hardhat = join(bin, "hardhat");
  if (!existsSync(hardhat)) throw new Error("Hardhat is not installed: run `npm install` (or `node scripts/bootstrap.mjs`) first");
  const fingerprints = Object.fromEntries(Object.keys(SCOPES).map((of) => [of, contractsFingerprint(of)]));
  const result = spawnSync(hardhat, ["build", ...SCOPES[scope].args], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` },
  });
  if (result.status !== 0) throw new Error(`'hardhat build' failed (exit ${result.status ?? result.signal}): see the compiler's output above`);
  writeFileSync(stampFile(scope), fingerprints[scope]);
  // Everything built covers the deployed scope too.
  if (scope === "all") writeFileSync(stampFile("deployed"), fingerprints.deployed);
  const seconds = (Date.now() - started) / 1000;
  log(`build: contracts compiled (${seconds.toFixed(1)} s)`);
  return { built: true, seconds };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes("--quiet");
  const scope = process.argv.includes("--deployed") ? "deployed" : "all";
  try {
    const { built } = ensureContracts({ scope });
    if (!built && !quiet) console.log("build: contracts up to date");
  } catch (error) {
    console.error(`build: ${error.message}`);
    process.exit(1);
  }
}
