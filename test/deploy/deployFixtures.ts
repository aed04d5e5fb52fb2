/** Shared by the deploy tests: the in-process network, the default config, throwaway record folders. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";

import { type DeployConfig, resolveDeployConfig } from "../../deploy/config.js";
import { type DeploySystemResult, deploySystem } from "../../deploy/system.js";
import type { CompiledContract } from "../../deploy/upgrade.js";
import { ethers, upgradesApi } from "../contracts/fixtures.js";

export const root = hre.config.paths.root;
/** The network name the in-process tests record under (`<DCRM_DEPLOYMENTS_DIR>/default.json`). */
export const NETWORK = "default";

export const readAbi = async (name: string): Promise<unknown> => (await hre.artifacts.readArtifact(name)).abi;
export const readArtifact = async (name: string): Promise<CompiledContract> => hre.artifacts.readArtifact(name);

/** deploy/config/default.json, parsed and not resolved. */
export async function defaultRawConfig(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(root, "deploy", "config", "default.json"), "utf8")) as Record<string, unknown>;
}

export async function accountAddresses(): Promise<string[]> {
  return (await ethers.getSigners()).map((signer) => signer.address);
}

/** The default config, with `change` applied to a deep copy of the parsed file before it is resolved. */
export async function defaultConfig(change?: (raw: any) => void): Promise<DeployConfig> {
  const raw = structuredClone(await defaultRawConfig());
  change?.(raw);
  return resolveDeployConfig("default.json", NETWORK, raw, { accounts: await accountAddresses() });
}

export async function runDeploy(config: DeployConfig, log?: (line: string) => void): Promise<DeploySystemResult> {
  return deploySystem({ ethers, upgradesApi, readAbi, root, network: NETWORK, config, ...(log ? { log } : {}) });
}

export async function deployerNonce(): Promise<number> {
  const [deployer] = await ethers.getSigners();
  return ethers.provider.getTransactionCount(deployer!.address, "latest");
}

/**
 * Points DCRM_DEPLOYMENTS_DIR at a fresh temporary folder for each test of the enclosing `describe`, and
 * restores it after; returns a getter for the folder.
 */
export function freshDeploymentsDir(): () => string {
  let dir = "";
  let saved: string | undefined;
  beforeEach(async function () {
    saved = process.env.DCRM_DEPLOYMENTS_DIR;
    dir = await mkdtemp(join(tmpdir(), "dcrm-deploy-test-"));
    process.env.DCRM_DEPLOYMENTS_DIR = dir;
  });
  afterEach(async function () {
    if (saved === undefined) delete process.env.DCRM_DEPLOYMENTS_DIR;
    else process.env.DCRM_DEPLOYMENTS_DIR = saved;
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** The record file's path in the current test's folder. */
export function recordPath(dir: string): string {
  return join(dir, `${NETWORK}.json`);
}

/** What `promise` rejected with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}
