import type { Address, Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface ReleasePointsParameters {
  /** The storefront whose orders are released; defaults to the client's account (a storefront releasing early). */
  storefront?: Address;
  orders: readonly { shopper: Address; orderId: bigint | number }[];
}
export interface ReleasePointsReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as ReleasePointsErrorType } from "./checkout.js";

/**
 * Releases the pending points of orders: the storefront at any time (a verified sale), anyone once an
 * order's return window has closed (a keeper, or the shopper for its own orders).
 *
 * @example
 * await releasePoints(dcrm, { orders: [{ shopper, orderId: 1042n }] });
 */
export async function releasePoints(client: DcrmClient, parameters: ReleasePointsParameters): Promise<ReleasePointsReturnType> {
  const storefront = check.address("storefront", parameters.storefront ?? client.account);
  const orders = check.nonEmpty("orders", parameters.orders);
  const shoppers = orders.map((order, i) => check.address(`orders[${i}].shopper`, order.shopper));
  const orderIds = orders.map((order, i) => check.integer(`orders[${i}].orderId`, order.orderId));
  const { hash } = await transact(client, "RewardToken", "release", [storefront, shoppers, orderIds], "releasePoints");
  return { hash };
}
