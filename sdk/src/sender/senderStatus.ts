/** A checkout sender's counters, as `status()` returns them. */
export interface CheckoutSenderStatus {
  /** Accepted orders waiting for a batch. */
  queued: number;
  /** Orders in a batch being screened, sent or mined. */
  inFlight: number;
  /** Orders issued by this sender (since it started). */
  confirmed: number;
  /** Checkouts of orders rewarded before or already under way (duplicates, retries, restarts): answered with the original effects. */
  replayed: number;
  /** Orders refused by the contract, by the error's name (`IssuanceCapExceeded`, …). */
  failed: Record<string, number>;
  /** Orders sent again after a restart, from the journal. */
  recovered: number;
  /** Transactions signed again with raised fees. */
  replacements: number;
  /** Batch transactions mined (issuance and referrals). */
  batches: number;
  /** Orders in the last batch sent. */
  currentBatchSize: number;
  /**
   * Gas used per order issued, its referrals' `recordReferrals` gas included: of the last batch, and over every
   * batch so far (undefined before the first).
   */
  gasPerOrder: { last: number; average: number } | undefined;
}

/** A structured log record of a checkout sender. */
export interface CheckoutSenderLog {
  level: "debug" | "info" | "warn" | "error";
  /** What happened, e.g. `batch.sent`, `batch.mined`, `order.failed`, `transaction.replaced`. */
  event: string;
  /** Milliseconds since the epoch. */
  time: number;
  [field: string]: unknown;
}

/** Counts what a sender does; `snapshot` adds the live queue sizes. */
export function createCounters() {
  const counters = { confirmed: 0, replayed: 0, failed: {} as Record<string, number>, recovered: 0, replacements: 0, batches: 0, currentBatchSize: 0, gasUsed: 0n, gasOrders: 0, lastGasPerOrder: 0 };
  return {
    counters,
    failed(reason: string) {
      counters.failed[reason] = (counters.failed[reason] ?? 0) + 1;
    },
    /** A batch's transactions were mined: `transactions` of them, using `gasUsed` in all for `orders` orders issued. */
    mined(gasUsed: bigint, orders: number, transactions: number) {
      counters.batches += transactions;
      counters.gasUsed += gasUsed;
      counters.gasOrders += orders;
      // Referrals recorded for orders issued by an earlier batch count in the average only.
      if (orders > 0) counters.lastGasPerOrder = Number(gasUsed) / orders;
    },
    snapshot(queued: number, inFlight: number): CheckoutSenderStatus {
      const { confirmed, replayed, recovered, replacements, batches, currentBatchSize, gasUsed, gasOrders, lastGasPerOrder } = counters;
      return {
        queued,
        inFlight,
        confirmed,
        replayed,
        failed: { ...counters.failed },
        recovered,
        replacements,
        batches,
        currentBatchSize,
        gasPerOrder: gasOrders === 0 ? undefined : { last: Math.round(lastGasPerOrder), average: Math.round(Number(gasUsed) / gasOrders) },
      };
    },
  };
}
