import type { Address, Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { addressOf } from "../../internal/contracts.js";
import { approveIfNeeded } from "../../internal/erc20.js";
import { read, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface FundReferralBudgetParameters {
  /** The ERC-20 the commissions are paid in. */
  token: Address;
  amount: bigint;
}
export interface FundReferralBudgetReturnType {
  hash: Hash;
  /** The storefront's unallocated budget in `token` afterwards. */
  budget: bigint;
}
export type { CheckoutErrorType as FundReferralBudgetErrorType } from "./checkout.js";

/**
 * Adds `amount` of `token` to the calling storefront's referral budget, approving the escrow first when its
 * allowance is short.
 *
 * @example
 * await fundReferralBudget(dcrm, { token: usdc, amount: 1_000n * 10n ** 6n });
 */
export async function fundReferralBudget(client: DcrmClient, parameters: FundReferralBudgetParameters): Promise<FundReferralBudgetReturnType> {
  const storefront = walletOf(client, "fundReferralBudget").account.address;
  const token = check.address("token", parameters.token);
  const amount = check.amount("amount", parameters.amount);
  await approveIfNeeded(client, token, addressOf(client, "ReferralEscrow"), amount, "fundReferralBudget");
  const { hash } = await transact(client, "ReferralEscrow", "fundBudget", [token, amount], "fundReferralBudget");
  return { hash, budget: await read(client, "ReferralEscrow", "budgetOf", [storefront, token]) };
}
