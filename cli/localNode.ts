/**
 * The local chain: anvil (npm `@foundry-rs/anvil`) on 127.0.0.1, its state kept in `<data dir>/chain.json`:
 * loaded at start, written every two seconds and on exit (SIGINT or SIGTERM), so a restart resumes the chain
 * with its blocks, logs and hashes, and a kill -9 loses at most the last seconds.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";

import { CommandError } from "./command.ts";
import { anvilBinary } from "./paths.ts";

/** The chain id of the local node (Hardhat's and anvil's default). */
export const LOCAL_CHAIN_ID = 31337;
/** Seconds between two state dumps while the node runs. */
export const STATE_INTERVAL_S = 2;

export const chainStateFile = (dataDir: string) => join(dataDir, "chain.json");
export const nodeLogFile = (dataDir: string) => join(dataDir, "node.log");

export interface LocalNodeOptions {
  dataDir: string;
  port: number;
  /** The genesis block's timestamp (seconds), for a chain whose history starts in the past; only for a new chain. */
  genesisTimestamp?: number;
  /** Where anvil's own output goes: the terminal, or `<data dir>/node.log`. */
  output?: "inherit" | "log";
}

/** Starts anvil; the caller waits until it answers and stops it with SIGINT (which writes its state). */
export function startLocalNode(options: LocalNodeOptions): ChildProcess {
  if (!existsSync(anvilBinary)) throw new CommandError(`anvil is not installed at ${anvilBinary}: run \`npm run bootstrap\` (it installs @foundry-rs/anvil)`);
  mkdirSync(options.dataDir, { recursive: true });
  const state = chainStateFile(options.dataDir);
  const args = ["--host", "127.0.0.1", "--port", String(options.port), "--chain-id", String(LOCAL_CHAIN_ID), "--state", state, "--state-interval", String(STATE_INTERVAL_S)];
  if (options.genesisTimestamp !== undefined && !existsSync(state)) args.push("--timestamp", String(options.genesisTimestamp));
  if (options.output === "inherit") return spawn(anvilBinary, args, { stdio: ["ignore", "inherit", "inherit"] });
  const log = openSync(nodeLogFile(options.dataDir), "a");
  try {
    return spawn(anvilBinary, args, { stdio: ["ignore", log, log] });
  } finally {
    closeSync(log);
  }
}
