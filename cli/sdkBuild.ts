/**
 * The SDK (`@dcrm/sdk`, sdk/) as the commands use it.
 *
 * - Seeding writes through the SDK's own sources: generated (`sdk/scripts/generate.mjs`: ABIs, errors,
 *   marketer queries) when older than its inputs, then transpiled file by file without a type check into
 *   `node_modules/.cache/dcrm/sdk/<hash of the sources>/` (a second or two), where Node loads it with the
 *   project's own viem.
 *   Type-checking and declarations are `npm run sdk:build`'s and `npm run typecheck`'s job, not the start's.
 * - The dashboard imports the SDK's built `dist/` (as `npm run sdk:build` builds it: the generated part, then
 *   tsc), built on demand when missing or older than a source file.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";

import type * as Sdk from "../sdk/src/index.ts";
import { runScript } from "./builds.ts";
import { root } from "./paths.ts";

const sdkDir = join(root, "sdk");
const sourceDir = join(sdkDir, "src");
const generatedDir = join(sourceDir, "generated");
const built = join(sdkDir, "dist", "index.js");
/** Where the SDK's sources are transpiled for the commands' own use. */
export const sdkRuntimeDir = join(root, "node_modules", ".cache", "dcrm", "sdk");

/** Every file under `dir` (relative to the root, sorted) that `keep` accepts. */
function filesUnder(dir: string, keep: (path: string) => boolean = () => true): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter(keep)
    .sort();
}

function hashFiles(files: string[], extra = ""): string {
  const hash = createHash("sha256").update(extra);
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(root, file)));
  return hash.digest("hex");
}

/** The newest modification time among `files` (0 when none exists). */
const newestOf = (files: string[]) => Math.max(0, ...files.filter((file) => existsSync(file)).map((file) => statSync(file).mtimeMs));

/**
 * What the generated part of the SDK is made from: the contracts' build stamps, the subgraph's schema and
 * marketer queries, the recorded deployments of public networks, and the generators themselves.
 */
export function sdkGenerateInputs(): string[] {
  const deployments = process.env.DCRM_DEPLOYMENTS_DIR ?? join(root, "deployments");
  return [
    ...[".dcrm-build-stamp", ".dcrm-build-stamp-deployed"].map((name) => join(root, "artifacts", name)),
    ...["sdk/scripts/generate.mjs", "sdk/wagmi.config.ts", "subgraph/schema.graphql", "subgraph/scripts/querySchema.ts"].map((file) => join(root, file)),
    ...filesUnder(join(root, "subgraph", "queries"), (file) => file.endsWith(".graphql")).map((file) => join(root, file)),
    // The local deployment changes with every new chain and reaches no generated file.
    ...(existsSync(deployments) ? readdirSync(deployments).filter((name) => name.endsWith(".json") && name !== "localhost.json" && name !== "default.json").map((name) => join(deployments, name)) : []),
  ];
}

/** The file sdk/scripts/generate.mjs writes last. */
const generatedLast = join(generatedDir, "marketerQueries.ts");

/** Whether sdk/src/generated/ is missing or older than one of its inputs. */
export const sdkGeneratedStale = (inputs = sdkGenerateInputs()) => !existsSync(generatedLast) || statSync(generatedLast).mtimeMs < newestOf(inputs);

/** Generates the SDK's ABIs, errors and queries (sdk/src/generated/) when stale; resolves with whether it ran. */
export async function generateSdk(log: (line: string) => void): Promise<boolean> {
  if (!sdkGeneratedStale()) return false;
  log("generating the SDK's ABIs, errors and typed queries (sdk/src/generated/)…");
  // Stopped half-way, it leaves the file it writes last as old as it was: still stale, so done again next time.
  await runScript("generating the SDK's ABIs, hooks and errors", [join(sdkDir, "scripts", "generate.mjs")]);
  return true;
}

/** The SDK's source files that run: no tests, no test support. */
const runtimeSources = () => filesUnder(sourceDir, (file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.startsWith("sdk/src/testing/"));

/**
 * Transpiles the SDK's sources (no type check) into `<sdkRuntimeDir>/<hash of the sources>/` unless that is
 * there already, and resolves with that folder. Written aside and renamed into place, so that two commands
 * transpiling at once never see half a folder; folders of other sources are removed.
 */
export async function transpileSdk(): Promise<string> {
  const sources = runtimeSources();
  const target = join(sdkRuntimeDir, hashFiles(sources).slice(0, 16));
  if (existsSync(join(target, "package.json"))) return target;
  const { default: ts } = await import("typescript");
  const scratch = `${target}.${process.pid}.tmp`;
  rmSync(scratch, { recursive: true, force: true });
  const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, jsx: ts.JsxEmit.ReactJSX };
  for (const source of sources) {
    const output = join(scratch, relative("sdk/src", source).replace(/\.tsx?$/, ".js"));
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, ts.transpileModule(readFileSync(join(root, source), "utf8"), { compilerOptions, fileName: source }).outputText);
  }
  // Written last: a folder with it is complete.
  writeFileSync(join(scratch, "package.json"), '{ "type": "module" }\n');
  try {
    renameSync(scratch, target);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another command put the same sources there first
  }
  for (const name of readdirSync(sdkRuntimeDir)) {
    if (join(sdkRuntimeDir, name) !== target && !name.endsWith(".tmp")) rmSync(join(sdkRuntimeDir, name), { recursive: true, force: true });
  }
  return target;
}

/** Generates and transpiles the SDK for the commands' own use when its sources changed. */
export async function prepareSdkRuntime(log: (line: string) => void): Promise<string> {
  await generateSdk(log);
  return transpileSdk();
}

/** The SDK's module for the commands' own use (seeding): generated and transpiled first when its sources changed. */
export async function loadSdkRuntime(log: (line: string) => void): Promise<typeof Sdk> {
  const dir = await prepareSdkRuntime(log);
  return (await import(pathToFileURL(join(dir, "index.js")).href)) as typeof Sdk;
}

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
  const inputs = Math.max(newestSource(sourceDir), ...stamps.map((stamp) => (existsSync(stamp) ? statSync(stamp).mtimeMs : 0)));
  return statSync(built).mtimeMs < inputs;
}

/**
 * Builds the SDK's dist/ (as `npm run sdk:build`) when stale; resolves with whether it built. Needs the
 * contracts' artifacts. tsc writes into a folder of its own, renamed to dist/ once complete: a build stopped
 * half-way (the stack stopped while it built) leaves the dist/ it found, and two commands building at once
 * never mix their files.
 */
export async function buildSdk(log: (line: string) => void): Promise<boolean> {
  if (!sdkStale()) return false;
  log("building the SDK (as npm run sdk:build does)…");
  await generateSdk(log);
  const dist = join(sdkDir, "dist");
  const scratch = `${dist}.${process.pid}.tmp`;
  rmSync(scratch, { recursive: true, force: true });
  try {
    await runScript("compiling the SDK", [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(sdkDir, "tsconfig.build.json"), "--outDir", scratch], {}, { removeIfStopped: [scratch] });
    rmSync(dist, { recursive: true, force: true });
    renameSync(scratch, dist);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return true;
}

/** The SDK's built module (dist/), built first when stale: what the dashboard and its relayer use. */
export async function loadSdk(log: (line: string) => void): Promise<typeof Sdk> {
  await buildSdk(log);
  const specifier = "@dcrm/sdk";
  return (await import(specifier)) as typeof Sdk;
}
