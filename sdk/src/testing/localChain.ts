/**
 * Test support: a real local chain (anvil from npm) on a free port with the system deployed by `deploy/`,
 * run as a command (`hardhat deploy --network localhost`) into a throwaway deployments folder.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { freePort } from "../../../test/support/freePort.js";
import type { DeploymentRecord } from "../client/deployment.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const require = createRequire(import.meta.url);

export interface LocalChain {
  url: string;
  deployment: DeploymentRecord;
  stop(): Promise<void>;
}

function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  return join(dirname(require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`)), "bin", "anvil");
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
    return response.ok;
  } catch {
    return false;
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`))));
  });
}

/** A bare anvil node (no deployment) on a free port, on chain `chainId` (anvil's default: 31337), with any further anvil flags. */
export async function startAnvil(options: { chainId?: number; args?: readonly string[] } = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ["--port", String(port), "--host", "127.0.0.1", "--silent"];
  if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
  args.push(...(options.args ?? []));
  const node: ChildProcess = spawn(anvilBinary(), args, { stdio: "ignore" });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (node.exitCode !== null || node.signalCode !== null) return resolve();
      node.once("exit", () => resolve());
      node.kill("SIGTERM");
    });
  const deadline = Date.now() + 20_000;
  while (!(await answers(url))) {
    if (Date.now() > deadline || node.exitCode !== null) {
      await stop();
      throw new Error(`anvil did not answer at ${url} within 20 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop };
}

/** Starts anvil (with any further anvil flags) and deploys the system on it. */
export async function startLocalChain(options: { anvilArgs?: readonly string[] } = {}): Promise<LocalChain> {
  const { url, stop: stopNode } = await startAnvil({ args: options.anvilArgs });
  const deployments = await mkdtemp(join(tmpdir(), "dcrm-sdk-deployments-"));
  try {
    const hardhat = join(dirname(require.resolve("hardhat/package.json")), "dist", "src", "cli.js");
    const env: NodeJS.ProcessEnv = { ...process.env, DCRM_RPC_URL: url, DCRM_DEPLOYMENTS_DIR: deployments };
    delete env.DCRM_DEPLOY_CONFIG_DIR;
    await run(process.execPath, [hardhat, "deploy", "--network", "localhost"], env);
    const deployment = JSON.parse(await readFile(join(deployments, "localhost.json"), "utf8")) as DeploymentRecord;
    return {
      url,
      deployment,
      stop: async () => {
        await stopNode();
        await rm(deployments, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopNode();
    await rm(deployments, { recursive: true, force: true });
    throw error;
  }
}
