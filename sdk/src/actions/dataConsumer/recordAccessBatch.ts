import type { Address, Hash, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { read, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface RecordAccessBatchParameters {
  scope: Hex | string;
  shoppers: readonly Address[];
  /** The most the consumer pays for one access; shoppers priced above it are skipped. */
  maxPricePerAccess: bigint;
}
/** A shopper left out of the batch, and why. */
export interface SkippedAccess {
  shopper: Address;
  reason: "no consent" | "price above maximum";
  pricePerAccess: bigint;
}
export interface RecordAccessBatchReturnType {
  /** Undefined when no shopper had a live consent (nothing is sent). */
  hash: Hash | undefined;
  recorded: Address[];
  skipped: SkippedAccess[];
  /** What the recorded accesses cost, fees included. */
  total: bigint;
}
export type { CheckoutErrorType as RecordAccessBatchErrorType } from "../storefront/checkout.js";

const QUOTE_ACTIVE = 1n << 255n;

/**
 * Records (and pays for) one access by the calling consumer to `scope` of each shopper with a live consent,
 * in one transaction. Shoppers without consent, or priced above `maxPricePerAccess`, are left out and
 * reported, not failing the batch.
 *
 * @example
 * const { recorded, skipped } = await recordAccessBatch(consumerClient, { scope: "purchase-history", shoppers, maxPricePerAccess: 10n });
 */
export async function recordAccessBatch(client: DcrmClient, parameters: RecordAccessBatchParameters): Promise<RecordAccessBatchReturnType> {
  const consumer = walletOf(client, "recordAccessBatch").account.address;
  const scope = check.bytes32("scope", parameters.scope);
  const shoppers = [...new Set(check.nonEmpty("shoppers", parameters.shoppers).map((shopper, i) => check.address(`shoppers[${i}]`, shopper)))];
  const maxPricePerAccess = check.integer("maxPricePerAccess", parameters.maxPricePerAccess);
  const quotes = await read(client, "ConsentRegistry", "quotes", [consumer, scope, shoppers]);
  const recorded: Address[] = [];
  const skipped: SkippedAccess[] = [];
  let total = 0n;
  shoppers.forEach((shopper, i) => {
    const quote = quotes[i] ?? 0n;
    const price = quote & (QUOTE_ACTIVE - 1n);
    if ((quote & QUOTE_ACTIVE) === 0n) skipped.push({ shopper, reason: "no consent", pricePerAccess: 0n });
    else if (price > maxPricePerAccess) skipped.push({ shopper, reason: "price above maximum", pricePerAccess: price });
    else {
      recorded.push(shopper);
      total += price;
    }
  });
  if (recorded.length === 0) return { hash: undefined, recorded, skipped, total };
  const { hash } = await transact(client, "DataAccessPayments", "recordAccesses", [scope, recorded, maxPricePerAccess], "recordAccessBatch");
  return { hash, recorded, skipped, total };
}
