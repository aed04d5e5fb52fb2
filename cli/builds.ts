/**
 * What the stack builds on demand, each a step that is skipped when current: the contracts
 * (scripts/build-contracts.mjs) and the subgraph for the local deployment (subgraph/scripts/build.mjs).
 */
import { spawn } from "node:child_process";
import { delimiter, join } from "node:path";

import { CommandError } from "./command.ts";
import { bin, root } from "./paths.ts";

/** Runs a project script on this Node, its output shown; throws a CommandError naming `what` when it fails. */
export async function runScript(what: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`, ...env },
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", (exit) => resolve(exit)));
  if (code !== 0) throw new CommandError(`${what} failed (exit ${code ?? "on a signal"}); see its output above`);
}

/** Compiles the deployed contracts (not the mocks nor the Solidity tests) when missing or stale. */
export const buildContracts = () => runScript("compiling the contracts", [join(root, "scripts", "build-contracts.mjs"), "--quiet", "--deployed"]);

/** Builds the subgraph for deployments/localhost.json when missing or stale (subgraph/build/). */
export const buildSubgraph = () => runScript("building the subgraph", [join(root, "subgraph", "scripts", "build.mjs"), "--network", "localhost"]);
