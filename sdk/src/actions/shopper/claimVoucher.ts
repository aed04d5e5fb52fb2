import { type Hash, parseSignature, signatureToCompactSignature } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import type { RewardVoucher } from "../storefront/signRewardVoucher.js";

export type ClaimVoucherParameters = RewardVoucher;
export interface ClaimVoucherReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as ClaimVoucherErrorType } from "../storefront/checkout.js";

/**
 * Claims the points of a voucher a storefront signed (`signRewardVoucher`). The shopper, or any relayer,
 * may send it; the points go to the voucher's shopper.
 *
 * @example
 * await claimVoucher(shopperClient, voucher);
 */
export async function claimVoucher(client: DcrmClient, parameters: ClaimVoucherParameters): Promise<ClaimVoucherReturnType> {
  // The contract takes the EIP-2098 compact form (r, yParityAndS).
  const compact = signatureToCompactSignature(parseSignature(parameters.signature));
  const { hash } = await transact(client, "RewardToken", "claimVoucher", [parameters.voucher, compact.r, compact.yParityAndS], "claimVoucher");
  return { hash };
}
