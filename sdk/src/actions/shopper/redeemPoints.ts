import type { Hash, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface RedeemPointsParameters {
  points: bigint;
  /** The reference of the redemption, e.g. a coupon the storefront looks up (bytes32, or text hashed). */
  ref: Hex | string;
}
export interface RedeemPointsReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as RedeemPointsErrorType } from "../storefront/checkout.js";

/**
 * Redeems (burns) the shopper's own points. The redemption is attributed to no storefront: a storefront that
 * takes part redeems with the shopper's permit instead (`signRedeemPermit`, then its `redeemAtCheckout`), and
 * only those count in its statistics.
 *
 * @example
 * await redeemPoints(shopperClient, { points: 100n, ref: "coupon-8841" });
 */
export async function redeemPoints(client: DcrmClient, parameters: RedeemPointsParameters): Promise<RedeemPointsReturnType> {
  const args = [check.amount("points", parameters.points), check.bytes32("ref", parameters.ref)] as const;
  const { hash } = await transact(client, "RewardToken", "redeem", args, "redeemPoints");
  return { hash };
}
