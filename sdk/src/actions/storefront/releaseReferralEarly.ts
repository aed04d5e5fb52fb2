import type { Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface ReleaseReferralEarlyParameters {
  orderId: bigint | number;
}
export interface ReleaseReferralEarlyReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as ReleaseReferralEarlyErrorType } from "./checkout.js";

/**
 * Releases the referral of one of the calling storefront's orders before its hold period ends (the sale is
 * verified), so that its partner can claim it now.
 *
 * @example
 * await releaseReferralEarly(dcrm, { orderId: 1042n });
 */
export async function releaseReferralEarly(client: DcrmClient, parameters: ReleaseReferralEarlyParameters): Promise<ReleaseReferralEarlyReturnType> {
  const { hash } = await transact(client, "ReferralEscrow", "releaseEarly", [check.integer("orderId", parameters.orderId)], "releaseReferralEarly");
  return { hash };
}
