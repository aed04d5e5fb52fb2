import { type Address, type Hash, parseEventLogs } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { abis } from "../../internal/contracts.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface ReleasePointsParameters {
  /** The storefront whose orders are released; defaults to the client's account (a storefront releasing early). */
  storefront?: Address;
  orders: readonly { shopper: Address; orderId: bigint | number }[];
}
/** An order the release left alone, and why (`IRewardPolicies.ReleaseSkip`). */
export interface SkippedRelease {
  shopper: Address;
  orderId: bigint;
  /** `not pending`: already released, fully voided or never pending; `window open`: not yet due. */
  reason: "not pending" | "window open";
}
export interface ReleasePointsReturnType {
  hash: Hash;
  /** The order numbers whose points were minted to their shoppers. */
  released: bigint[];
  skipped: SkippedRelease[];
}
export type { CheckoutErrorType as ReleasePointsErrorType } from "./checkout.js";

const SKIP_REASONS = ["not pending", "window open"] as const;

/**
 * Releases the pending points of orders: the storefront at any time while it holds the issuer role (a
 * verified sale), anyone once an order's return window has closed (a keeper, or the shopper for its own
 * orders). Orders that cannot be released are skipped and reported, not failing the batch.
 *
 * @example
 * const { released, skipped } = await releasePoints(dcrm, { orders: [{ shopper, orderId: 1042n }] });
 */
export async function releasePoints(client: DcrmClient, parameters: ReleasePointsParameters): Promise<ReleasePointsReturnType> {
  const storefront = check.address("storefront", parameters.storefront ?? client.account);
  const orders = check.nonEmpty("orders", parameters.orders);
  const shoppers = orders.map((order, i) => check.address(`orders[${i}].shopper`, order.shopper));
  const orderIds = orders.map((order, i) => check.integer(`orders[${i}].orderId`, order.orderId));
  const { hash, receipt } = await transact(client, "RewardToken", "release", [storefront, shoppers, orderIds], "releasePoints");
  const logs = parseEventLogs({ abi: abis.RewardToken, logs: receipt.logs });
  const released: bigint[] = [];
  const skipped: SkippedRelease[] = [];
  for (const log of logs) {
    if (log.eventName === "PointsReleased") released.push(log.args.orderId);
    if (log.eventName === "ReleaseSkipped") {
      skipped.push({ shopper: log.args.shopper, orderId: log.args.orderId, reason: SKIP_REASONS[log.args.reason] ?? "not pending" });
    }
  }
  return { hash, released, skipped };
}
