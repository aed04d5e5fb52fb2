import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";

import type { ReferralEscrow } from "../types/ethers-contracts/index.js";
import { deployUupsProxy } from "./uupsProxy.js";

/** What a ReferralEscrow proxy is initialized with. */
export interface ReferralEscrowParameters {
  /** Receives the admin, pauser and upgrader roles. */
  admin: string;
  /** The highest commission rate storefronts may offer, in basis points (at most 10,000). */
  maxRateBps: number;
}

/**
 * Deploys ReferralEscrow as a UUPS proxy (see {@link deployUupsProxy}) and returns it with the block that
 * created the proxy.
 *
 * @example
 * const { escrow } = await deployReferralEscrow(ethers, upgradesApi, { admin, maxRateBps: 3_000 });
 */
export async function deployReferralEscrow(
  ethers: HardhatEthers,
  upgradesApi: HardhatUpgrades,
  parameters: ReferralEscrowParameters,
): Promise<{ escrow: ReferralEscrow; deploymentBlock: number }> {
  if (!ethers.isAddress(parameters.admin)) {
    throw new Error(`deployReferralEscrow: admin must be an address, got ${JSON.stringify(parameters.admin)}`);
  }
  if (!Number.isInteger(parameters.maxRateBps) || parameters.maxRateBps < 0 || parameters.maxRateBps > 10_000) {
    throw new Error(`deployReferralEscrow: maxRateBps must be an integer from 0 to 10,000, got ${parameters.maxRateBps}`);
  }
  const { address, deploymentBlock } = await deployUupsProxy(ethers, upgradesApi, "ReferralEscrow", [
    parameters.admin,
    parameters.maxRateBps,
  ]);
  return { escrow: await ethers.getContractAt("ReferralEscrow", address), deploymentBlock };
}
