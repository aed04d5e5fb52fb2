import type { Address, Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { InvalidParameterError } from "../../errors/clientErrors.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface IssuePointsManyParameters {
  orders: readonly { shopper: Address; orderId: bigint | number; points: bigint }[];
}
export interface IssuePointsManyReturnType {
  hash: Hash;
  /** `range` when the order numbers were consecutive (the cheapest batch), `batch` otherwise. */
  form: "range" | "batch";
}
export type { CheckoutErrorType as IssuePointsManyErrorType } from "./checkout.js";

/**
 * Issues points for many of the calling storefront's orders in one transaction: `issueForOrderRange` when the
 * order numbers are consecutive and ascending, `issueBatch` otherwise. Any order that cannot be issued fails
 * the whole call in simulation, with its typed error, before anything is sent.
 *
 * @example
 * await issuePointsMany(dcrm, { orders: [{ shopper: a, orderId: 7n, points: 10n }, { shopper: b, orderId: 8n, points: 20n }] });
 */
export async function issuePointsMany(client: DcrmClient, parameters: IssuePointsManyParameters): Promise<IssuePointsManyReturnType> {
  const orders = check.nonEmpty("orders", parameters.orders).map((order, i) => ({
    shopper: check.address(`orders[${i}].shopper`, order.shopper),
    orderId: check.integer(`orders[${i}].orderId`, order.orderId),
    points: check.amount(`orders[${i}].points`, order.points),
  }));
  const ids = new Set(orders.map((order) => order.orderId));
  if (ids.size !== orders.length) throw new InvalidParameterError("orders", "a repeated orderId", "each order once");
  const shoppers = orders.map((order) => order.shopper);
  const amounts = orders.map((order) => order.points);
  const first = orders[0]!.orderId;
  const consecutive = orders.every((order, i) => order.orderId === first + BigInt(i));
  if (consecutive) {
    const { hash } = await transact(client, "RewardToken", "issueForOrderRange", [first, shoppers, amounts], "issuePointsMany");
    return { hash, form: "range" };
  }
  const { hash } = await transact(client, "RewardToken", "issueBatch", [shoppers, orders.map((order) => order.orderId), amounts], "issuePointsMany");
  return { hash, form: "batch" };
}
