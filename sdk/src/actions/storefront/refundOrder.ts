import type { Address, Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { read, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface RefundOrderParameters {
  shopper: Address;
  orderId: bigint | number;
  /** The part of the order refunded, in basis points (10,000: all of it, the default). */
  refundBps?: number;
}
export interface RefundOrderReturnType {
  /** What happened to the order's points: pending points voided, released points clawed back, or nothing. */
  points:
    | { action: "voided"; amount: bigint; hash: Hash }
    | { action: "clawedBack"; amount: bigint; hash: Hash }
    | { action: "none"; reason: "no record" | "released without clawback" };
  /** What happened to the order's referral: voided, partly refunded, or nothing. */
  referral:
    | { action: "voided" | "refunded"; hash: Hash }
    | { action: "none"; reason: "no referral" | "not pending" | "released" };
}
export type { CheckoutErrorType as RefundOrderErrorType } from "./checkout.js";

/**
 * Refunds an order of the calling storefront in one call: voids its pending points (in the return window)
 * or claws back released ones (when the order was issued with clawback), and voids or partly refunds its
 * referral while the referral is still held. What could not be undone is reported, not thrown.
 *
 * @example
 * const { points, referral } = await refundOrder(dcrm, { shopper, orderId: 1042n });
 */
export async function refundOrder(client: DcrmClient, parameters: RefundOrderParameters): Promise<RefundOrderReturnType> {
  const storefront = walletOf(client, "refundOrder").account.address;
  const shopper = check.address("shopper", parameters.shopper);
  const orderId = check.integer("orderId", parameters.orderId);
  const refundBps = check.smallInteger("refundBps", parameters.refundBps ?? 10_000, 10_000, 1);
  const [order, referral, block] = await Promise.all([
    read(client, "RewardToken", "recordedOrder", [storefront, shopper, orderId]),
    read(client, "ReferralEscrow", "referralOf", [storefront, orderId]),
    client.publicClient.getBlock(),
  ]);

  let points: RefundOrderReturnType["points"];
  const share = (order.points * BigInt(refundBps)) / 10_000n;
  if (order.points === 0n || share === 0n) {
    points = { action: "none", reason: "no record" };
  } else if (!order.released) {
    const { hash } = await transact(client, "RewardToken", "voidPending", [shopper, orderId, share], "refundOrder");
    points = { action: "voided", amount: share, hash };
  } else if (order.clawbackAllowed) {
    const { hash } = await transact(client, "RewardToken", "clawback", [shopper, orderId, share], "refundOrder");
    points = { action: "clawedBack", amount: share, hash };
  } else {
    points = { action: "none", reason: "released without clawback" };
  }

  let referralEffect: RefundOrderReturnType["referral"];
  const PENDING = 1;
  if (referral.status === 0) referralEffect = { action: "none", reason: "no referral" };
  else if (referral.status !== PENDING) referralEffect = { action: "none", reason: "not pending" };
  else if (BigInt(referral.releaseTime) <= block.timestamp) referralEffect = { action: "none", reason: "released" };
  else if (refundBps === 10_000) {
    const { hash } = await transact(client, "ReferralEscrow", "voidReferral", [orderId], "refundOrder");
    referralEffect = { action: "voided", hash };
  } else {
    const { hash } = await transact(client, "ReferralEscrow", "refundReferral", [orderId, refundBps], "refundOrder");
    referralEffect = { action: "refunded", hash };
  }
  return { points, referral: referralEffect };
}
