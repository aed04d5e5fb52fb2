import type { Address, Hash, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface RedeemPointsParameters {
  /** The storefront the points are redeemed at. */
  storefront: Address;
  points: bigint;
  /** The storefront's reference for the redemption (bytes32, or text hashed). */
  ref: Hex | string;
}
export interface RedeemPointsReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as RedeemPointsErrorType } from "../storefront/checkout.js";

/**
 * Redeems (burns) the shopper's own points at a storefront.
 *
 * @example
 * await redeemPoints(shopperClient, { storefront, points: 100n, ref: "coupon-8841" });
 */
export async function redeemPoints(client: DcrmClient, parameters: RedeemPointsParameters): Promise<RedeemPointsReturnType> {
  const args = [check.address("storefront", parameters.storefront), check.amount("points", parameters.points), check.bytes32("ref", parameters.ref)] as const;
  const { hash } = await transact(client, "RewardToken", "redeem", args, "redeemPoints");
  return { hash };
}
