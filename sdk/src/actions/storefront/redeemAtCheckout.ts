import type { Address, Hash, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { InvalidParameterError } from "../../errors/clientErrors.js";
import { transact, walletOf } from "../../internal/transact.js";
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
 * shopper signed in the browser (no approval transaction, no gas for the shopper). A permit of another
 * shopper, for another spender, past its deadline or with a malformed signature is refused with
 * `InvalidParameterError` before anything is sent.
 *
 * @example
 * const permit = await signRedeemPermit(shopperClient, { storefront, points: 500n, deadline });
 * await redeemAtCheckout(storefrontClient, { shopper, permit, ref: "DISCOUNT-5EUR-1042" });
 */
export async function redeemAtCheckout(client: DcrmClient, parameters: RedeemAtCheckoutParameters): Promise<RedeemAtCheckoutReturnType> {
  const storefront = walletOf(client, "redeemAtCheckout").account.address;
  const shopper = check.address("shopper", parameters.shopper);
  const { permit } = parameters;
  if (check.address("permit.owner", permit?.owner).toLowerCase() !== shopper.toLowerCase()) {
    throw new InvalidParameterError("permit.owner", permit.owner, `the shopper's permit (owner ${shopper})`);
  }
  if (check.address("permit.spender", permit.spender).toLowerCase() !== storefront.toLowerCase()) {
    throw new InvalidParameterError("permit.spender", permit.spender, `a permit naming this storefront (${storefront}) as spender`);
  }
  // The contract applies the permit for exactly the amount redeemed: the permit's value.
  const points = check.amount("permit.value", permit.value);
  const ref = check.bytes32("ref", parameters.ref);
  const deadline = check.futureTime("permit.deadline", permit.deadline, (await client.publicClient.getBlock()).timestamp);
  const { r, s, v, yParity } = check.signature("permit.signature", permit.signature);
  const args = [shopper, points, ref, deadline, Number(v ?? BigInt((yParity ?? 0) + 27)), r, s] as const;
  const { hash } = await transact(client, "RewardToken", "redeemWithPermit", args, "redeemAtCheckout");
  return { hash };
}
