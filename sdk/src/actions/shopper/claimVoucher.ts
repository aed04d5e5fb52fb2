import { type Hash, signatureToCompactSignature } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";
import type { RewardVoucher } from "../storefront/signRewardVoucher.js";

export type ClaimVoucherParameters = RewardVoucher;
export interface ClaimVoucherReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as ClaimVoucherErrorType } from "../storefront/checkout.js";

/**
 * Claims the points of a voucher a storefront signed (`signRewardVoucher`). The shopper, or any relayer,
 * may send it; the points go to the voucher's shopper. The voucher may have travelled as JSON (its numbers
 * as decimal strings); a malformed one, or one past its deadline, is refused with `InvalidParameterError`
 * before anything is sent.
 *
 * @example
 * await claimVoucher(shopperClient, voucher);
 */
export async function claimVoucher(client: DcrmClient, parameters: ClaimVoucherParameters): Promise<ClaimVoucherReturnType> {
  const { voucher: given, signature } = parameters;
  const voucher = {
    shopper: check.address("voucher.shopper", given?.shopper),
    amount: check.amount("voucher.amount", given.amount),
    storefront: check.address("voucher.storefront", given.storefront),
    orderId: check.integer("voucher.orderId", given.orderId),
    deadline: check.futureTime("voucher.deadline", given.deadline, (await client.publicClient.getBlock()).timestamp),
  };
  // The contract takes the EIP-2098 compact form (r, yParityAndS).
  const compact = signatureToCompactSignature(check.signature("signature", signature));
  const { hash } = await transact(client, "RewardToken", "claimVoucher", [voucher, compact.r, compact.yParityAndS], "claimVoucher");
  return { hash };
}
