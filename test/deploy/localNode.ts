import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import type { Deployment } from "../../deploy/deployments.js";
import { root } from "./deployFixtures.js";
import { freePort } from "../support/freePort.js";

const require = createRequire(import.meta.url);
/** Hardhat's CLI, run with the Node that runs the tests (the project's Node 22). */
const HARDHAT_CLI = join(require.resolve("hardhat/package.json"), "..", "dist", "src", "cli.js");

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Runs `hardhat <args>` to its end; its exit code and its stdout and stderr together. */
function hardhat(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk.toString()));
    child.stderr.on("data", (chunk) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

describe("deploy: `hardhat deploy` and `hardhat upgrade` against a real `hardhat node`", function () {
  this.timeout(120_000);

  it("deploys once, then has nothing to do, plans no upgrade, and refuses a config with an unset variable before sending", async function () {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const deployments = await mkdtemp(join(tmpdir(), "dcrm-node-deployments-"));
    const configDir = await mkdtemp(join(tmpdir(), "dcrm-node-config-"));
    const env: NodeJS.ProcessEnv = { ...process.env, DCRM_RPC_URL: url, DCRM_DEPLOYMENTS_DIR: deployments };
    delete env.DCRM_DEPLOY_CONFIG_DIR;
    delete env.DCRM_TEST_UNSET_ADMIN;

    let node: ChildProcess | undefined;
    let nodeOutput = "";
    let exited: Promise<unknown> = Promise.resolve();
    const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
    try {
      node = spawn(process.execPath, [HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
        cwd: root,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const child = node;
      child.stdout?.on("data", (chunk) => (nodeOutput += chunk.toString()));
      child.stderr?.on("data", (chunk) => (nodeOutput += chunk.toString()));
      let running = true;
      exited = new Promise((resolve) => child.once("exit", () => resolve((running = false))));
      const startedAt = Date.now();
      while (!(await answers(url))) {
        expect(running, `hardhat node exited:\n${nodeOutput}`).to.equal(true);
        expect(Date.now() - startedAt, `hardhat node did not answer within 60 s:\n${nodeOutput}`).to.be.below(60_000);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const [deployer] = (await provider.send("eth_accounts", [])) as string[];
      expect(deployer).to.be.a("string");
      expect(await provider.getTransactionCount(deployer!)).to.equal(0);

      // First run: deploys and records.
      const first = await hardhat(["deploy", "--network", "localhost"], env);
      expect(first.code, first.output).to.equal(0);
      expect(first.output).to.include("deploy: done: 4 deployed");
      const file = join(deployments, "localhost.json");
      const text = await readFile(file, "utf8");
      const record = JSON.parse(text) as Deployment;
      expect(record.network).to.equal("localhost");
      expect(record.chainId).to.equal(31337);
      expect(Object.keys(record.contracts).sort()).to.deep.equal(["ConsentRegistry", "DataAccessPayments", "ReferralEscrow", "RewardToken"]);
      for (const [name, contract] of Object.entries(record.contracts)) {
        expect(await provider.getCode(contract.proxy), `${name} proxy`).to.not.equal("0x");
        expect(await provider.getCode(contract.implementation), `${name} implementation`).to.not.equal("0x");
        expect(first.output, name).to.include(contract.proxy);
      }
      expect(await provider.getCode(record.tokens!.DemoDollar!.address)).to.not.equal("0x");
      const nonce = await provider.getTransactionCount(deployer!);
      expect(nonce).to.be.above(4);

      // Second run: nothing to do, nothing sent, the record untouched.
      const second = await hardhat(["deploy", "--network", "localhost"], env);
      expect(second.code, second.output).to.equal(0);
      expect(second.output).to.include("deploy: nothing to do");
      expect(await readFile(file, "utf8")).to.equal(text);
      expect(await provider.getTransactionCount(deployer!)).to.equal(nonce);

      // The upgrade plan: every contract unchanged.
      const upgrade = await hardhat(["upgrade", "--network", "localhost"], env);
      expect(upgrade.code, upgrade.output).to.equal(0);
      for (const name of Object.keys(record.contracts)) {
        expect(upgrade.output, name).to.match(new RegExp(`^\\s+${name}\\s+unchanged$`, "m"));
      }
      expect(upgrade.output).to.include("upgrade: nothing to upgrade");
      expect(await provider.getTransactionCount(deployer!)).to.equal(nonce);

      // A config whose admin is an unset variable: refused before anything is sent.
      const localConfig = JSON.parse(await readFile(join(root, "deploy", "config", "localhost.json"), "utf8")) as {
        roles: Record<string, string>;
      };
      localConfig.roles.admin = "env:DCRM_TEST_UNSET_ADMIN";
      await writeFile(join(configDir, "localhost.json"), JSON.stringify(localConfig, null, 2));
      const broken = await hardhat(["deploy", "--network", "localhost"], { ...env, DCRM_DEPLOY_CONFIG_DIR: configDir });
      expect(broken.code, broken.output).to.not.equal(0);
      expect(broken.output).to.include("roles.admin");
      expect(broken.output).to.include("DCRM_TEST_UNSET_ADMIN");
      expect(broken.output).to.include(join(configDir, "localhost.json"));
      expect(await provider.getTransactionCount(deployer!)).to.equal(nonce);
      expect(await readFile(file, "utf8")).to.equal(text);
    } finally {
      provider.destroy();
      if (node && node.exitCode === null && node.signalCode === null) node.kill("SIGTERM");
      await exited;
      await rm(deployments, { recursive: true, force: true });
      await rm(configDir, { recursive: true, force: true });
    }
    // Stopped means stopped: the port answers no more.
    expect(await answers(url)).to.equal(false);
  });
});
