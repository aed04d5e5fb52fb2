/**
 * The processes of a running stack, recorded in `<data dir>/processes.json`, so that a start after a kill -9
 * finds what the killed supervisor left running and stops it properly (the node with SIGINT, which writes
 * its state), and a second start on the same data directory is refused while the first runs.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { CommandError } from "./command.ts";

export interface StackProcesses {
  supervisor: number;
  node?: number;
  indexer?: number;
}

const file = (dataDir: string) => join(dataDir, "processes.json");

export function recordProcesses(dataDir: string, processes: StackProcesses): void {
  writeFileSync(file(dataDir), `${JSON.stringify(processes)}\n`);
}

export function forgetProcesses(dataDir: string): void {
  rmSync(file(dataDir), { force: true });
}

export function readProcesses(dataDir: string): StackProcesses | undefined {
  if (!existsSync(file(dataDir))) return undefined;
  try {
    return JSON.parse(readFileSync(file(dataDir), "utf8")) as StackProcesses;
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs and is the program recorded (its command line holds `marker`), not a reused pid. */
export function running(pid: number | undefined, marker: string): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
  } catch {
    return process.platform !== "linux";
  }
}

/** Waits for a pid to end; sends SIGKILL after `graceMs`. */
async function ended(pid: number, marker: string, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (running(pid, marker)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Makes the data directory free for a new start: refuses when a stack runs on it; stops what a killed one
 * left behind (the indexer first, then the node, so its state is written).
 */
export async function takeOver(dataDir: string, log: (line: string) => void): Promise<void> {
  const recorded = readProcesses(dataDir);
  if (!recorded) return;
  if (recorded.supervisor !== process.pid && running(recorded.supervisor, "bin.mjs")) {
    throw new CommandError(`a stack already runs on ${dataDir} (pid ${recorded.supervisor}); stop it first (Ctrl-C in its terminal, or kill -INT ${recorded.supervisor}), or use another --data-dir`);
  }
  for (const [name, pid, marker, signal] of [
    ["indexer", recorded.indexer, "index", "SIGTERM"],
    ["node", recorded.node, "anvil", "SIGINT"],
  ] as const) {
    if (!running(pid, marker)) continue;
    log(`stopping the ${name} a previous start left running (pid ${pid})`);
    process.kill(pid!, signal);
    await ended(pid!, marker, 15_000);
  }
  forgetProcesses(dataDir);
}

/** Resolves with the child's exit code (or its signal) once it has exited. */
export function exitOf(child: ChildProcess): Promise<number | NodeJS.Signals> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? 1)));
}

/** Stops a child with `signal` and waits for it; SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals, graceMs = 20_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exit = exitOf(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exit;
  clearTimeout(timer);
}
