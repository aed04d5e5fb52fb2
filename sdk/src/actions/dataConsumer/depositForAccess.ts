import type { Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { addressOf } from "../../internal/contracts.js";
import { approveIfNeeded } from "../../internal/erc20.js";
import { read, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface DepositForAccessParameters {
  /** In units of the payment token. */
  amount: bigint;
}
export interface DepositForAccessReturnType {
  hash: Hash;
  /** The consumer's unspent deposit afterwards. */
  deposit: bigint;
}
export type { CheckoutErrorType as DepositForAccessErrorType } from "../storefront/checkout.js";

/**
 * Prepays the calling data consumer's deposit in the payment token (approving it first when needed); paid
 * accesses are debited from it.
 *
 * @example
 * await depositForAccess(consumerClient, { amount: 500n * 10n ** 6n });
 */
export async function depositForAccess(client: DcrmClient, parameters: DepositForAccessParameters): Promise<DepositForAccessReturnType> {
  const consumer = walletOf(client, "depositForAccess").account.address;
  const amount = check.amount("amount", parameters.amount);
  const [, paymentToken] = await read(client, "DataAccessPayments", "settings", []);
  await approveIfNeeded(client, paymentToken, addressOf(client, "DataAccessPayments"), amount, "depositForAccess");
  const { hash } = await transact(client, "DataAccessPayments", "deposit", [amount], "depositForAccess");
  return { hash, deposit: await read(client, "DataAccessPayments", "depositOf", [consumer]) };
}
