import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";

import type { ReferralEscrow } from "../types/ethers-contracts/index.js";

/** What a ReferralEscrow proxy is initialized with. */
export interface ReferralEscrowParameters {
  /** Receives the admin, pauser and upgrader roles. */
  admin: string;
  /** The highest commission rate storefronts may offer, in basis points (at most 10,000). */
  maxRateBps: number;
}

/**
 * Deploys ReferralEscrow as a UUPS proxy through the OpenZeppelin upgrades plugin (which validates the
 * implementation first) and returns it with the block that created the proxy.
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
  const factory = await ethers.getContractFactory("ReferralEscrow");
  const proxy = await upgradesApi.deployProxy(factory, [parameters.admin, parameters.maxRateBps], {
    kind: "uups",
    initializer: "initialize",
  });
  const receipt = await proxy.deploymentTransaction()?.wait();
  if (!receipt) throw new Error("deployReferralEscrow: the proxy's deployment transaction has no receipt");
  return {
    escrow: await ethers.getContractAt("ReferralEscrow", await proxy.getAddress()),
    deploymentBlock: receipt.blockNumber,
  };
}
