import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";

import type { ConsentRegistry } from "../types/ethers-contracts/index.js";
import { deployUupsProxy } from "./uupsProxy.js";

/**
 * Deploys ConsentRegistry as a UUPS proxy (see {@link deployUupsProxy}) with `admin` as admin and upgrader,
 * and returns it with the block that created the proxy.
 *
 * @example
 * const { registry } = await deployConsentRegistry(ethers, upgradesApi, { admin });
 */
export async function deployConsentRegistry(
  ethers: HardhatEthers,
  upgradesApi: HardhatUpgrades,
  parameters: { admin: string },
): Promise<{ registry: ConsentRegistry; deploymentBlock: number }> {
  if (!ethers.isAddress(parameters.admin)) {
    throw new Error(`deployConsentRegistry: admin must be an address, got ${JSON.stringify(parameters.admin)}`);
  }
  const { address, deploymentBlock } = await deployUupsProxy(ethers, upgradesApi, "ConsentRegistry", [parameters.admin]);
  return { registry: await ethers.getContractAt("ConsentRegistry", address), deploymentBlock };
}
