#!/usr/bin/env node
// Compiles the contracts and generates their TypeChain types when they are missing or stale, so every
// command works as the first one after a clone; on a warm checkout whose sources did not change it returns
// at once, without starting Hardhat.
//
// Stale means: a Solidity source under contracts/ or test/ (Solidity tests), hardhat.config.ts or the
// lockfile changed since the last build that this script recorded, or the artifacts or types are gone.
//
// Usage: node scripts/build-contracts.mjs [--quiet]   (or import { ensureContracts }); --quiet says nothing
// when the build is current, and still shows progress when it compiles.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stampFile = join(root, "artifacts", ".dcrm-build-stamp");
const SOURCE_DIRS = ["contracts", "test"];
const CONFIG_FILES = ["hardhat.config.ts", "package-lock.json"];

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

/** A hash of everything a build depends on: the sources' paths and bytes and the configuration. */
export function contractsFingerprint() {
  const hash = createHash("sha256");
  const files = [...SOURCE_DIRS.flatMap(solidityFiles), ...CONFIG_FILES.filter((file) => existsSync(join(root, file)))];
  for (const file of files) {
    hash.update(file);
    hash.update("\0");
    hash.update(readFileSync(join(root, file)));
  }
  return hash.digest("hex");
}

/** True when the recorded build matches the sources and its outputs are still there. */
export function contractsCurrent() {
  if (!existsSync(stampFile) || !existsSync(join(root, "types")) || !statSync(join(root, "types")).isDirectory()) return false;
  return readFileSync(stampFile, "utf8") === contractsFingerprint();
}

/**
 * Builds the contracts (`hardhat build`: artifacts and TypeChain types) unless the last build is current.
 * Throws when the compiler fails; its output has already been shown.
 *
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {{ built: boolean, seconds: number }}
 */
export function ensureContracts({ log = (line) => console.log(line) } = {}) {
  const started = Date.now();
  if (contractsCurrent()) return { built: false, seconds: 0 };
  log(existsSync(stampFile) ? "build: contracts changed: compiling (hardhat build)…" : "build: compiling the contracts and generating TypeChain types (the first build takes a few minutes)…");
  const bin = join(root, "node_modules", ".bin");
  const hardhat = join(bin, "hardhat");
  if (!existsSync(hardhat)) throw new Error("Hardhat is not installed: run `npm install` (or `node scripts/bootstrap.mjs`) first");
  const fingerprint = contractsFingerprint();
  const result = spawnSync(hardhat, ["build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` },
  });
  if (result.status !== 0) throw new Error(`'hardhat build' failed (exit ${result.status ?? result.signal}): see the compiler's output above`);
  writeFileSync(stampFile, fingerprint);
  const seconds = (Date.now() - started) / 1000;
  log(`build: contracts compiled (${seconds.toFixed(1)} s)`);
  return { built: true, seconds };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes("--quiet");
  try {
    const { built } = ensureContracts();
    if (!built && !quiet) console.log("build: contracts up to date");
  } catch (error) {
    console.error(`build: ${error.message}`);
    process.exit(1);
  }
}
