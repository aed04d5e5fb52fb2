import type { ContractRevertError } from "../errors/contractRevertError.js";

/** What one failed simulation says about the items of a batch. */
export type Verdict<T> =
  /** These items are done already (e.g. rewarded before): take them out, they are not failures. */
  | { done: T[] }
  /** These items would fail with these errors (e.g. past a cap): take them out. */
  | { rejected: { item: T; error: ContractRevertError }[] }
  /** The error is the whole call's (e.g. paused): every item fails with it. */
  | { all: ContractRevertError }
  /** The error names no item: find the culprits by halving. */
  | { unknown: ContractRevertError };

/** A batch after screening: what to send and its gas, and what was taken out. */
export interface ScreenedBatch<T> {
  send: T[];
  /** The gas the simulation of `send` used (0 when nothing is left to send). */
  gas: bigint;
  done: T[];
  rejected: { item: T; error: ContractRevertError }[];
  /** Items that pass alone but not with the rest, for a later batch. */
  deferred: T[];
}

/**
 * Simulates a batch and takes out what would make it revert, until what is left simulates cleanly: `judge` turns
 * each revert into a verdict; a revert that names no item is narrowed down by simulating each half on its own
 * (a lone item that still reverts is rejected with the error). A network failure is thrown.
 *
 * @example
 * const { send, gas, rejected } = await screenBatch(orders, (batch) => estimateGasOf(batch), judgeIssuance);
 */
export async function screenBatch<T>(
  items: readonly T[],
  simulate: (batch: readonly T[]) => Promise<bigint>,
  judge: (error: unknown, batch: readonly T[]) => Verdict<T>,
): Promise<ScreenedBatch<T>> {
  const result: ScreenedBatch<T> = { send: [], gas: 0n, done: [], rejected: [], deferred: [] };
  let batch = [...items];
  while (batch.length > 0) {
    let verdict: Verdict<T>;
    try {
      result.gas = await simulate(batch);
      result.send = batch;
      return result;
    } catch (error) {
      verdict = judge(error, batch);
    }
    if ("done" in verdict || "rejected" in verdict) {
      const out = "done" in verdict ? verdict.done : verdict.rejected.map((r) => r.item);
      if ("done" in verdict) result.done.push(...verdict.done);
      else result.rejected.push(...verdict.rejected);
      const remaining = batch.filter((item) => !out.includes(item));
      if (remaining.length === batch.length) throw new Error("screenBatch: a verdict took no item out of the batch");
      batch = remaining;
      continue;
    }
    if ("all" in verdict) {
      result.rejected.push(...batch.map((item) => ({ item, error: verdict.all })));
      return result;
    }
    if (batch.length === 1) {
      result.rejected.push({ item: batch[0]!, error: verdict.unknown });
      return result;
    }
    const half = Math.ceil(batch.length / 2);
    const [first, second] = await Promise.all([screenBatch(batch.slice(0, half), simulate, judge), screenBatch(batch.slice(half), simulate, judge)]);
    for (const part of [first, second]) {
      result.done.push(...part.done);
      result.rejected.push(...part.rejected);
      result.deferred.push(...part.deferred);
    }
    if (first.send.length + second.send.length === batch.length) {
      // Each half passes alone, the whole does not: send the first half now, the second later.
      result.send = first.send;
      result.gas = first.gas;
      result.deferred.push(...second.send);
      return result;
    }
    batch = [...first.send, ...second.send];
  }
  return result;
}
