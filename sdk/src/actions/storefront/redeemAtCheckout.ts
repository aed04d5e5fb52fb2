import { type Address, type Hash, type Hex, parseSignature } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";
import type { RedeemPermit } from "../shopper/signRedeemPermit.js";

export interface RedeemAtCheckoutParameters {
  shopper: Address;
  /** The shopper's permit (from `signRedeemPermit`), naming this storefront as spender. */
  permit: RedeemPermit;
  /** The storefront's own reference (e.g. the hash of the discount code granted): bytes32, or text hashed. */
  ref: Hex | string;
}
export interface RedeemAtCheckoutReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as RedeemAtCheckoutErrorType } from "./checkout.js";

/**
 * Redeems a shopper's points at the calling storefront's checkout in one transaction, with the permit the
 * shopper signed in the browser (no approval transaction, no gas for the shopper).
 *
 * @example
 * const permit = await signRedeemPermit(shopperClient, { storefront, points: 500n, deadline });
 * await redeemAtCheckout(storefrontClient, { shopper, permit, ref: "DISCOUNT-5EUR-1042" });
 */
export async function redeemAtCheckout(client: DcrmClient, parameters: RedeemAtCheckoutParameters): Promise<RedeemAtCheckoutReturnType> {
  const shopper = check.address("shopper", parameters.shopper);
  // The contract applies the permit for exactly the amount redeemed: the permit's value.
  const points = check.amount("permit.value", parameters.permit?.value);
  const { r, s, v, yParity } = parseSignature(parameters.permit.signature);
  const args = [shopper, points, check.bytes32("ref", parameters.ref), parameters.permit.deadline, Number(v ?? BigInt(yParity + 27)), r, s] as const;
  const { hash } = await transact(client, "RewardToken", "redeemWithPermit", args, "redeemAtCheckout");
  return { hash };
}
