/**
 * `npm run upgrade -- --network <name> [--apply]` (`hardhat upgrade`): compares every recorded contract
 * with the compiled one, validates each changed implementation's storage layout against the deployed one,
 * and prints the plan; `--apply` carries it out. See `planUpgrades` and `applyUpgrades`.
 */
import { upgrades } from "@openzeppelin/hardhat-upgrades";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { deploymentPath, readDeployment } from "../deployments.js";
import { applyUpgrades, planUpgrades, type UpgradeOptions } from "../upgrade.js";

export default async function upgradeAction(arguments_: { apply: boolean }, hre: HardhatRuntimeEnvironment): Promise<void> {
  const connection = await hre.network.getOrCreate();
  const root = hre.config.paths.root;
  const deployment = await readDeployment(root, connection.networkName);
  if (!deployment) {
    throw new Error(`upgrade: ${deploymentPath(root, connection.networkName)} does not exist; deploy first (npm run deploy -- --network ${connection.networkName})`);
  }
  const options: UpgradeOptions = {
    ethers: connection.ethers,
    upgradesApi: await upgrades(hre, connection),
    readArtifact: (name) => hre.artifacts.readArtifact(name),
    deployment,
    log: (line) => console.log(line),
  };
  const steps = await planUpgrades(options);
  console.log(`upgrade: plan for ${connection.networkName} (storage layouts validated):`);
  for (const step of steps) {
    console.log(`  ${step.contract.padEnd(19)} ${step.status === "upgrade" ? `upgrade (runs ${step.currentImplementation})` : "unchanged"}`);
  }
  const pending = steps.filter((step) => step.status === "upgrade").length;
  if (!arguments_.apply) {
    console.log(pending === 0 ? "upgrade: nothing to upgrade" : `upgrade: ${pending} to upgrade; run again with --apply to carry it out`);
    return;
  }
  const { upgraded, awaitingUpgrader } = await applyUpgrades({ ...options, root }, steps);
  console.log(`upgrade: ${upgraded.length} upgraded, ${awaitingUpgrader.length} awaiting the upgrader; ${deploymentPath(root, connection.networkName)} is up to date`);
}
