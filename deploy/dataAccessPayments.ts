import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";

import type { DataAccessPayments } from "../types/ethers-contracts/index.js";
import { deployUupsProxy } from "./uupsProxy.js";

/** What a DataAccessPayments proxy is initialized with. */
export interface DataAccessPaymentsParameters {
  /** Receives the admin, pauser and upgrader roles. */
  admin: string;
  /** The ConsentRegistry proxy consulted for consent. */
  registry: string;
  /** The token consumers pay in (consent prices are in it), e.g. a stablecoin. */
  paymentToken: string;
  /** Earns the platform fee. */
  feeRecipient: string;
  /** The platform fee in basis points (at most 2,000). */
  feeBps: number;
}

/**
 * Deploys DataAccessPayments as a UUPS proxy (see {@link deployUupsProxy}) and returns it with the block
 * that created the proxy.
 *
 * @example
 * const { payments } = await deployDataAccessPayments(ethers, upgradesApi, { admin, registry, paymentToken, feeRecipient: admin, feeBps: 500 });
 */
export async function deployDataAccessPayments(
  ethers: HardhatEthers,
  upgradesApi: HardhatUpgrades,
  parameters: DataAccessPaymentsParameters,
): Promise<{ payments: DataAccessPayments; deploymentBlock: number }> {
  for (const key of ["admin", "registry", "paymentToken", "feeRecipient"] as const) {
    if (!ethers.isAddress(parameters[key])) {
      throw new Error(`deployDataAccessPayments: ${key} must be an address, got ${JSON.stringify(parameters[key])}`);
    }
  }
  if (!Number.isInteger(parameters.feeBps) || parameters.feeBps < 0 || parameters.feeBps > 2_000) {
    throw new Error(`deployDataAccessPayments: feeBps must be an integer from 0 to 2,000, got ${parameters.feeBps}`);
  }
  const { address, deploymentBlock } = await deployUupsProxy(ethers, upgradesApi, "DataAccessPayments", [
    parameters.admin,
    parameters.registry,
    parameters.paymentToken,
    parameters.feeRecipient,
    parameters.feeBps,
  ]);
  return { payments: await ethers.getContractAt("DataAccessPayments", address), deploymentBlock };
}
