/**
 * Test support for published subgraphs: a build folder beside the tests (so that the mappings' imports resolve
 * from the repository's node_modules), and graph-cli run in it, offline, as the subgraph's own scripts run it.
 *
 * The published subgraphs predate graph-cli 0.93, which refuses an `@entity` without an explicit `immutable`
 * argument; they are built with graph-cli 0.88, the release their packages were written against, exactly as
 * their users build them. This folder is its own workspace package so that graph-cli 0.88 is installed here,
 * under `indexer/thirdparty/node_modules`, and the repository's `graph` command stays the project's graph-cli.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The folder of package `name` as Node resolves it from `from` (by default this workspace: its own node_modules
 * first, then the repository's), wherever npm placed it.
 */
export function packageFolder(name: string, from: string = import.meta.dirname): string {
  return dirname(createRequire(join(from, "package.json")).resolve(`${name}/package.json`));
}

/** A fresh folder under `indexer/thirdparty/` (ignored by git) for a subgraph's sources; remove it with `rmSync`. */
export function workFolder(): string {
  return mkdtempSync(join(import.meta.dirname, ".build-"));
}

/** A fresh folder outside the repository for `graph build --output-dir`. */
export function outputFolder(): string {
  return mkdtempSync(join(tmpdir(), "published-subgraph-"));
}

/** Runs graph-cli 0.88 with `args` in `cwd`; throws with its output when it fails. */
export function graphCli(args: string[], cwd: string): void {
  runNode(join(packageFolder("@graphprotocol/graph-cli"), "bin", "run"), args, cwd);
}

/** Runs the Node script `script` with `args` in `cwd`; throws with its output when it fails. */
export function runNode(script: string, args: string[], cwd: string): void {
  try {
    execFileSync(process.execPath, [script, ...args], {
      cwd,
      env: { ...process.env, GRAPH_SKIP_NEW_VERSION_CHECK: "true", NO_COLOR: "1" },
      stdio: "pipe",
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${script} ${args.join(" ")} failed:\n${stdout?.toString() ?? ""}${stderr?.toString() ?? ""}`);
  }
}
