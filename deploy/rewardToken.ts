import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";

import type { RewardToken } from "../types/ethers-contracts/index.js";
import { deployUupsProxy } from "./uupsProxy.js";

/** What a RewardToken proxy is initialized with. */
export interface RewardTokenParameters {
  /** ERC-20 name, e.g. "Acme Points". */
  name: string;
  /** ERC-20 symbol, e.g. "ACME". */
  symbol: string;
  /** Receives the admin, pauser and upgrader roles. */
  admin: string;
}

/**
 * Deploys RewardToken as a UUPS proxy (see {@link deployUupsProxy}).
 *
 * @example
 * const token = await deployRewardToken(ethers, upgradesApi, { name: "Acme Points", symbol: "ACME", admin });
 */
export async function deployRewardToken(
  ethers: HardhatEthers,
  upgradesApi: HardhatUpgrades,
  parameters: RewardTokenParameters,
): Promise<RewardToken> {
  return (await deployRewardTokenWithReceipt(ethers, upgradesApi, parameters)).token;
}

/** Like {@link deployRewardToken}, also returning the block that created the proxy (where indexing starts). */
export async function deployRewardTokenWithReceipt(
  ethers: HardhatEthers,
  upgradesApi: HardhatUpgrades,
  parameters: RewardTokenParameters,
): Promise<{ token: RewardToken; deploymentBlock: number }> {
  if (!ethers.isAddress(parameters.admin)) {
    throw new Error(`deployRewardToken: admin must be an address, got ${JSON.stringify(parameters.admin)}`);
  }
  if (parameters.name.trim() === "" || parameters.symbol.trim() === "") {
    throw new Error("deployRewardToken: name and symbol must not be empty");
  }
  const { address, deploymentBlock } = await deployUupsProxy(ethers, upgradesApi, "RewardToken", [
    parameters.name,
    parameters.symbol,
    parameters.admin,
  ]);
  return { token: await ethers.getContractAt("RewardToken", address), deploymentBlock };
}
