/**
 * Test support: `dcrm start` in a child process on free ports, a throwaway data directory and deployments
 * folder, as a user runs it; its output collected, waits bounded.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { freePort } from "../../test/support/freePort.ts";
import { root } from "../paths.ts";

export interface StackDirs {
  dataDir: string;
  deploymentsDir: string;
  rpcPort: number;
  graphqlPort: number;
  appPort: number;
  remove(): Promise<void>;
}

/** A data directory, a deployments folder and two free ports that several starts of one stack share. */
export async function stackDirs(): Promise<StackDirs> {
  const base = await mkdtemp(join(tmpdir(), "dcrm-stack-"));
  return {
    dataDir: join(base, "data"),
    deploymentsDir: join(base, "deployments"),
    rpcPort: await freePort(),
    graphqlPort: await freePort(),
    appPort: await freePort(),
    remove: () => rm(base, { recursive: true, force: true }),
  };
}

export interface RunningCommand {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when the output contains `text`; rejects when the process exits first or `timeoutMs` passes. */
  waitForOutput(text: string, timeoutMs: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `dcrm <args>` with the stack's directories and ports in its environment. */
export function runDcrm(dirs: StackDirs, args: string[], env: NodeJS.ProcessEnv = {}): RunningCommand {
  const child = spawn(process.execPath, [join(root, "cli", "bin.mjs"), ...args], {
    cwd: root,
    env: {
      ...process.env,
      DCRM_DATA_DIR: dirs.dataDir,
      DCRM_DEPLOYMENTS_DIR: dirs.deploymentsDir,
      DCRM_PORT: String(dirs.rpcPort),
      DCRM_GRAPHQL_PORT: String(dirs.graphqlPort),
      DCRM_APP_PORT: String(dirs.appPort),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  return {
    child,
    output: () => output,
    exited,
    async waitForOutput(text, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (hasExited) throw new Error(`dcrm ${args.join(" ")} exited before printing ${JSON.stringify(text)}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`dcrm ${args.join(" ")} did not print ${JSON.stringify(text)} within ${timeoutMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

/** Whether anything accepts a connection on 127.0.0.1:`port`. */
export async function portOpen(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}`, { method: "POST", signal: AbortSignal.timeout(2_000) }).then(
    () => true,
    () => false,
  );
}
