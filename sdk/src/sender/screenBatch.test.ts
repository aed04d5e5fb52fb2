import { describe, expect, it } from "vitest";

import { ContractRevertError } from "../errors/contractRevertError.js";
import { screenBatch, type Verdict } from "./screenBatch.js";

/** A revert that names no item (the contract's error carries no order number). */
const anonymous = new ContractRevertError({ errorName: "Anonymous", signature: "Anonymous()", notice: "No item named.", values: {}, context: {} });

describe("screenBatch", () => {
  it("finds items whose revert names none of them by halving, and sends the rest", async () => {
    const poisoned = new Set([3, 11, 12]);
    const simulations: number[][] = [];
    const simulate = async (batch: readonly number[]) => {
      simulations.push([...batch]);
      if (batch.some((item) => poisoned.has(item))) throw anonymous;
      return BigInt(batch.length) * 1_000n;
    };
    const judge = (): Verdict<number> => ({ unknown: anonymous });
    const result = await screenBatch(Array.from({ length: 16 }, (_, i) => i), simulate, judge);
    expect(result.rejected.map((r) => r.item).sort((a, b) => a - b)).toEqual([3, 11, 12]);
    expect(result.rejected.every((r) => r.error === anonymous)).toBe(true);
    expect(result.send).toHaveLength(13);
    expect(result.gas).toBe(13_000n);
    expect(simulations.at(-1)).toEqual(result.send);
  });

  it("sends the first half and defers the second when each passes alone but not together", async () => {
    const simulate = async (batch: readonly number[]) => {
      if (batch.length > 2) throw anonymous;
      return 1n;
    };
    const result = await screenBatch([1, 2, 3, 4], simulate, () => ({ unknown: anonymous }));
    expect(result).toMatchObject({ send: [1, 2], deferred: [3, 4], rejected: [], done: [] });
  });

  it("takes out what a verdict names as done or rejected, and fails all on a whole-call error", async () => {
    const simulate = async (batch: readonly number[]) => {
      if (batch.includes(2)) throw new Error("2 is done");
      if (batch.includes(4)) throw new Error("4 is refused");
      return 5n;
    };
    const judge = (error: unknown): Verdict<number> => {
      if ((error as Error).message.startsWith("2")) return { done: [2] };
      return { rejected: [{ item: 4, error: anonymous }] };
    };
    expect(await screenBatch([1, 2, 3, 4], simulate, judge)).toMatchObject({ send: [1, 3], done: [2], rejected: [{ item: 4 }], gas: 5n });
    const all = await screenBatch([1, 2], async () => Promise.reject(anonymous), () => ({ all: anonymous }));
    expect(all).toMatchObject({ send: [], rejected: [{ item: 1 }, { item: 2 }] });
  });

  it("throws what the judge throws (a network failure is not a revert)", async () => {
    const down = new Error("connection refused");
    await expect(screenBatch([1], async () => Promise.reject(down), (error) => {
      throw error;
    })).rejects.toBe(down);
  });
});
