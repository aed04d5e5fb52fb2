import type { Address } from "viem";

/** An order as the issuance call needs it. */
export interface IssuableOrder {
  orderId: bigint;
  shopper: Address;
  points: bigint;
}

/** The RewardToken call that issues a batch of orders. */
export type IssuanceCall =
  | { functionName: "issueForOrderRange"; args: readonly [bigint, readonly Address[], readonly bigint[]] }
  | { functionName: "issueBatch"; args: readonly [readonly Address[], readonly bigint[], readonly bigint[]] };

/**
 * The cheapest call that issues `orders` (sorted by order number): `issueForOrderRange` when the order numbers
 * are consecutive (no order numbers in calldata, one bitmap word per 256 orders), `issueBatch` otherwise.
 *
 * @example
 * issuanceCall([{ orderId: 7n, shopper, points: 10n }, { orderId: 8n, shopper, points: 5n }]).functionName; // "issueForOrderRange"
 */
export function issuanceCall(orders: readonly IssuableOrder[]): IssuanceCall {
  const first = orders[0]!.orderId;
  const consecutive = orders.every((order, i) => order.orderId === first + BigInt(i));
  const shoppers = orders.map((order) => order.shopper);
  const points = orders.map((order) => order.points);
  if (consecutive) return { functionName: "issueForOrderRange", args: [first, shoppers, points] };
  return { functionName: "issueBatch", args: [shoppers, orders.map((order) => order.orderId), points] };
}

/** Sorts by order number (batches then share bitmap words, and consecutive runs use the range form). */
export const byOrderId = (a: { orderId: bigint }, b: { orderId: bigint }): number => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0);
