/**
 * What the stack builds on demand, each a step that is skipped when current: the contracts
 * (scripts/build-contracts.mjs) and the subgraph for the local deployment (subgraph/scripts/build.mjs).
 * Every build runs as a child process. A command that stops its builds itself (`dcrm start`, which builds
 * while the stack runs) calls `superviseScripts()`: each build then runs in its own process group, out of
 * reach of a Ctrl-C meant for the stack, and the function it returns stops those still running with the tools
 * they run, so a stack stopped while it builds leaves no build behind. Otherwise a build shares the
 * command's process group and ends with it on Ctrl-C.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { delimiter, join } from "node:path";

import { CommandError } from "./command.ts";
import { bin, root } from "./paths.ts";

/** The builds running now, with the outputs to delete when one is stopped half-way. */
const running = new Map<ChildProcess, string[]>();
let supervised = false;

export interface RunScriptOptions {
  /** Files or folders a build stopped half-way must not leave behind (what says it is built). */
  removeIfStopped?: string[];
}

/** Runs a project script on this Node, its output shown; throws a CommandError naming `what` when it fails. */
export async function runScript(what: string, args: string[], env: NodeJS.ProcessEnv = {}, options: RunScriptOptions = {}): Promise<void> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`, ...env },
    // Its own process group, so that stopping it stops the tools it runs too (graph-cli, tsc, vite).
    detached: supervised,
  });
  running.set(child, options.removeIfStopped ?? []);
  const code = await new Promise<number | null>((resolve) => child.on("exit", (exit) => resolve(exit)));
  running.delete(child);
  if (code !== 0) throw new CommandError(`${what} failed (exit ${code ?? "on a signal"}); see its output above`);
}

/**
 * From now on, builds run in their own process groups; the function returned stops every build still running
 * with the tools it runs (SIGTERM, SIGKILL after `graceMs`) and deletes what each must not leave behind.
 */
export function superviseScripts(graceMs = 5_000): () => Promise<void> {
  supervised = true;
  return () => stopScripts(graceMs);
}

async function stopScripts(graceMs: number): Promise<void> {
  await Promise.all(
    [...running].map(async ([child, leftovers]) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        const signalGroup = (signal: NodeJS.Signals) => {
          try {
            process.kill(-child.pid!, signal);
          } catch {
            // already ended
          }
        };
        signalGroup("SIGTERM");
        const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      for (const path of leftovers) rmSync(path, { recursive: true, force: true });
    }),
  );
}

/** Compiles the deployed contracts (not the mocks nor the Solidity tests) when missing or stale. */
export const buildContracts = () => runScript("compiling the contracts", [join(root, "scripts", "build-contracts.mjs"), "--quiet", "--deployed"]);

/** Builds the subgraph for deployments/localhost.json when missing or stale (subgraph/build/). */
export const buildSubgraph = () => runScript("building the subgraph", [join(root, "subgraph", "scripts", "build.mjs"), "--network", "localhost"]);
