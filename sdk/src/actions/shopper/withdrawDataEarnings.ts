import type { Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { read, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface WithdrawDataEarningsParameters {
  /** Defaults to all the shopper's earnings. */
  amount?: bigint;
}
export interface WithdrawDataEarningsReturnType {
  hash: Hash;
  amount: bigint;
}
export type { CheckoutErrorType as WithdrawDataEarningsErrorType } from "../storefront/checkout.js";

/**
 * Withdraws what the shopper earned from paid data accesses, in the payment token.
 *
 * @example
 * const { amount } = await withdrawDataEarnings(shopperClient);
 */
export async function withdrawDataEarnings(client: DcrmClient, parameters: WithdrawDataEarningsParameters = {}): Promise<WithdrawDataEarningsReturnType> {
  const shopper = walletOf(client, "withdrawDataEarnings").account.address;
  const amount = check.amount("amount", parameters.amount ?? (await read(client, "DataAccessPayments", "earningsOf", [shopper])));
  const { hash } = await transact(client, "DataAccessPayments", "withdrawEarnings", [amount], "withdrawDataEarnings");
  return { hash, amount };
}
