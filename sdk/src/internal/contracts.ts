import type { Address } from "viem";

import type { DcrmClient } from "../client/createDcrmClient.js";
import type { DeployedContractName } from "../client/deployment.js";
import { consentRegistryAbi, dataAccessPaymentsAbi, referralEscrowAbi, rewardTokenAbi } from "../generated/contracts.js";

/** Each system contract's generated ABI, by deployment name. */
export const abis = {
  RewardToken: rewardTokenAbi,
  ReferralEscrow: referralEscrowAbi,
  ConsentRegistry: consentRegistryAbi,
  DataAccessPayments: dataAccessPaymentsAbi,
} as const;
export type Abis = typeof abis;

/** The address of `contract` in the client's deployment. */
export function addressOf(client: DcrmClient, contract: DeployedContractName): Address {
  return client.deployment.contracts[contract].address;
}
