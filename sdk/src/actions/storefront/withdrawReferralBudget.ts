import type { Address, Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface WithdrawReferralBudgetParameters {
  token: Address;
  amount: bigint;
  /** Where the tokens go; defaults to the storefront. */
  to?: Address;
}
export interface WithdrawReferralBudgetReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as WithdrawReferralBudgetErrorType } from "./checkout.js";

/**
 * Withdraws unallocated referral budget (commissions in escrow stay there).
 *
 * @example
 * await withdrawReferralBudget(dcrm, { token: usdc, amount: 100n * 10n ** 6n });
 */
export async function withdrawReferralBudget(client: DcrmClient, parameters: WithdrawReferralBudgetParameters): Promise<WithdrawReferralBudgetReturnType> {
  const storefront = walletOf(client, "withdrawReferralBudget").account.address;
  const args = [check.address("token", parameters.token), check.amount("amount", parameters.amount), check.address("to", parameters.to ?? storefront)] as const;
  const { hash } = await transact(client, "ReferralEscrow", "withdrawBudget", args, "withdrawReferralBudget");
  return { hash };
}
