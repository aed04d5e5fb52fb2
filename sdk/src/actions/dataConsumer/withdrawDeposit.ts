import type { Address, Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { read, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface WithdrawDepositParameters {
  /** Defaults to all the unspent deposit. */
  amount?: bigint;
  /** Defaults to the consumer. */
  to?: Address;
}
export interface WithdrawDepositReturnType {
  hash: Hash;
  amount: bigint;
}
export type { CheckoutErrorType as WithdrawDepositErrorType } from "../storefront/checkout.js";

/**
 * Withdraws the calling data consumer's unspent deposit.
 *
 * @example
 * await withdrawDeposit(consumerClient);
 */
export async function withdrawDeposit(client: DcrmClient, parameters: WithdrawDepositParameters = {}): Promise<WithdrawDepositReturnType> {
  const consumer = walletOf(client, "withdrawDeposit").account.address;
  const amount = check.amount("amount", parameters.amount ?? (await read(client, "DataAccessPayments", "depositOf", [consumer])));
  const { hash } = await transact(client, "DataAccessPayments", "withdrawDeposit", [amount, check.address("to", parameters.to ?? consumer)], "withdrawDeposit");
  return { hash, amount };
}
