/**
 * Test support: the project's local indexer, run as a command (`node indexer/cli.ts`) on the test chain with
 * the subgraph's build pointed at the test deployment. The SDK only talks to it over HTTP, as to The Graph.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { freePort } from "../../../test/support/freePort.js";
import { retargetBuild } from "../../../subgraph/scripts/retarget.mjs";
import type { DeploymentRecord } from "../client/deployment.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface LocalIndexer {
  endpoint: string;
  stop(): Promise<void>;
}

/** Builds the subgraph when no build exists yet (npm test builds it before the SDK's tests). */
function ensureSubgraphBuild(): string {
  const build = join(root, "subgraph", "build");
  if (!existsSync(join(build, "subgraph.yaml"))) {
    const result = spawnSync(process.execPath, [join(root, "subgraph", "scripts", "build.mjs")], { cwd: root, stdio: "inherit", env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` } });
    if (result.status !== 0) throw new Error("subgraph build failed: run npm run subgraph:build");
  }
  return build;
}

/** Starts the local indexer on `rpcUrl` for `deployment`, with entities in memory. */
export async function startLocalIndexer(rpcUrl: string, deployment: DeploymentRecord): Promise<LocalIndexer> {
  const dir = await mkdtemp(join(tmpdir(), "dcrm-sdk-indexer-"));
  const targets = Object.fromEntries(Object.entries(deployment.contracts).map(([name, c]) => [name, { address: c.proxy, startBlock: c.deploymentBlock }]));
  const build = await retargetBuild(ensureSubgraphBuild(), join(dir, "build"), targets, deployment.network);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(root, "indexer", "cli.ts"), "--subgraph", build, "--rpc", rpcUrl, "--db", "memory", "--port", String(port), "--name", "dcrm", "--poll", "50"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (!output.includes("GraphQL at")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the local indexer did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { endpoint: `http://127.0.0.1:${port}/subgraphs/name/dcrm`, stop };
}
