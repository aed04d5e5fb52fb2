import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";

import { type Deployment, writeDeployment } from "./deployments.js";

/** The parts of a compiled contract the upgrade plan compares. */
export interface CompiledContract {
  abi: unknown;
  deployedBytecode: string;
  immutableReferences?: Record<string, { start: number; length: number }[]>;
}

/** What happens to one recorded contract. */
export interface UpgradeStep {
  contract: string;
  proxy: string;
  /** The implementation the proxy points at now. */
  currentImplementation: string;
  /** The compiled contract it would be upgraded to. */
  implementationContract: string;
  /** `unchanged`: the compiled code is what runs; `upgrade`: it differs and its storage layout was validated. */
  status: "unchanged" | "upgrade";
}

/** What `planUpgrades` and `applyUpgrades` need. */
export interface UpgradeOptions {
  ethers: HardhatEthers;
  upgradesApi: HardhatUpgrades;
  readArtifact: (contractName: string) => Promise<CompiledContract>;
  deployment: Deployment;
  /** Which compiled contract each recorded contract upgrades to; by default the one of the same name. */
  implementations?: Record<string, string>;
  log?: (line: string) => void;
}

/**
 * Compares every recorded contract's running implementation with the compiled one and, for each that
 * changed, validates the upgrade with the OpenZeppelin plugin (storage layout against the deployed
 * implementation, initializers, unsafe opcodes). Sends nothing. Throws with the plugin's message when an
 * upgrade is unsafe.
 */
export async function planUpgrades(options: UpgradeOptions): Promise<UpgradeStep[]> {
  const { ethers, upgradesApi, deployment } = options;
  const steps: UpgradeStep[] = [];
  for (const [contract, record] of Object.entries(deployment.contracts)) {
    const implementationContract = options.implementations?.[contract] ?? contract;
    const currentImplementation = await upgradesApi.erc1967.getImplementationAddress(record.proxy);
    const compiled = await options.readArtifact(implementationContract);
    const running = await ethers.provider.getCode(currentImplementation);
    const unchanged = withoutImmutables(running, compiled) === withoutImmutables(compiled.deployedBytecode, compiled);
    if (!unchanged) {
      const factory = await ethers.getContractFactory(implementationContract);
      try {
        await upgradesApi.validateUpgrade(record.proxy, factory, { kind: "uups" });
      } catch (error) {
        throw new Error(`upgrade: ${contract} to ${implementationContract} is refused: ${(error as Error).message}`);
      }
    }
    steps.push({
      contract,
      proxy: record.proxy,
      currentImplementation,
      implementationContract,
      status: unchanged ? "unchanged" : "upgrade",
    });
  }
  return steps;
}

/**
 * Carries out a plan: each changed contract is upgraded through the plugin when the signer holds its
 * upgrader role; otherwise the new implementation is deployed and the call the upgrader (a multisig) must
 * make is printed. The record follows what the proxies run, and is written when it changes.
 */
export async function applyUpgrades(
  options: UpgradeOptions & { root: string },
  steps: UpgradeStep[],
): Promise<{ deployment: Deployment; upgraded: string[]; awaitingUpgrader: string[] }> {
  const { ethers, upgradesApi } = options;
  const log = options.log ?? (() => {});
  const [signer] = await ethers.getSigners();
  if (!signer) throw new Error("upgrade: the network offers no account to send from");
  const upgraded: string[] = [];
  const awaitingUpgrader: string[] = [];
  for (const step of steps) {
    if (step.status !== "upgrade") continue;
    const factory = await ethers.getContractFactory(step.implementationContract);
    const proxy = await ethers.getContractAt(["function UPGRADER_ROLE() view returns (bytes32)", "function hasRole(bytes32,address) view returns (bool)"], step.proxy);
    const canUpgrade = (await proxy.getFunction("hasRole")(await proxy.getFunction("UPGRADER_ROLE")(), signer.address)) as boolean;
    if (canUpgrade) {
      log(`upgrade: ${step.contract}: upgrading to ${step.implementationContract}…`);
      await upgradesApi.upgradeProxy(step.proxy, factory, { kind: "uups" });
      upgraded.push(step.contract);
    } else {
      const implementation = await upgradesApi.prepareUpgrade(step.proxy, factory, { kind: "uups" });
      log(
        `upgrade: ${step.contract}: ${signer.address} is not its upgrader; new implementation ${String(implementation)} is deployed. ` +
          `The upgrader must call ${step.proxy}.upgradeToAndCall(${String(implementation)}, "0x").`,
      );
      awaitingUpgrader.push(step.contract);
    }
  }
  const contracts = { ...options.deployment.contracts };
  for (const [name, record] of Object.entries(contracts)) {
    const implementation = await upgradesApi.erc1967.getImplementationAddress(record.proxy);
    if (implementation === record.implementation) continue;
    const compiled = await options.readArtifact(options.implementations?.[name] ?? name);
    contracts[name] = { ...record, implementation, abiHash: ethers.id(JSON.stringify(compiled.abi)) };
  }
  const deployment = { ...options.deployment, contracts };
  await writeDeployment(options.root, deployment, options.deployment);
  return { deployment, upgraded, awaitingUpgrader };
}

/** Runtime bytecode with its immutable values zeroed, so that two deployments of one contract compare equal. */
function withoutImmutables(code: string, compiled: CompiledContract): string {
  const bytes = code.toLowerCase().replace(/^0x/, "").split("");
  for (const references of Object.values(compiled.immutableReferences ?? {})) {
    for (const { start, length } of references) bytes.fill("0", start * 2, (start + length) * 2);
  }
  return bytes.join("");
}
