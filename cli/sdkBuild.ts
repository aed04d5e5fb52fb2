/**
 * The SDK (`@dcrm/sdk`, sdk/) as the demo seeding imports it: its built `dist/`, built on demand
 * (as `npm run sdk:build`: the generated part, then tsc) when missing or older than a source file.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import type * as Sdk from "../sdk/src/index.ts";
import { runScript } from "./builds.ts";
import { root } from "./paths.ts";

const sdkDir = join(root, "sdk");
const built = join(sdkDir, "dist", "index.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, entry.name === "generated" || entry.name === "testing" ? 0 : newestSource(path));
    else if (!entry.name.includes(".test.")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether sdk/dist is missing or older than a source of the SDK or the contracts' artifacts. */
export function sdkStale(): boolean {
  if (!existsSync(built)) return true;
  const stamps = [".dcrm-build-stamp", ".dcrm-build-stamp-deployed"].map((name) => join(root, "artifacts", name));
  const inputs = Math.max(newestSource(join(sdkDir, "src")), ...stamps.map((stamp) => (existsSync(stamp) ? statSync(stamp).mtimeMs : 0)));
  return statSync(built).mtimeMs < inputs;
}

/** Builds the SDK (as `npm run sdk:build`) when stale; resolves with whether it built. Needs the contracts' artifacts. */
export async function buildSdk(log: (line: string) => void): Promise<boolean> {
  if (!sdkStale()) return false;
  log("building the SDK (as npm run sdk:build does)…");
  await runScript("generating the SDK's ABIs, hooks and errors", [join(sdkDir, "scripts", "generate.mjs")]);
  await runScript("compiling the SDK", [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(sdkDir, "tsconfig.build.json")]);
  return true;
}

/** The SDK's module, built first when stale. */
export async function loadSdk(log: (line: string) => void): Promise<typeof Sdk> {
  await buildSdk(log);
  const specifier = "@dcrm/sdk";
  return (await import(specifier)) as typeof Sdk;
}
