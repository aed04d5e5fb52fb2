import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CreateDcrmClientReturnType } from "../client/createDcrmClient.js";
import { EnforcedPauseError, IssuanceCapExceededError } from "../generated/errors.js";
import { read } from "../internal/transact.js";
import { dcrmAs, publicClientOf, snapshot, testAccount } from "../testing/clients.js";
import { setIssuanceCap, setPaused } from "../testing/rewardAdmin.js";
import { memoryJournal } from "./checkoutJournal.js";
import { type CheckoutSender, createCheckoutSender } from "./createCheckoutSender.js";

describe("a batch with orders that would revert", () => {
  let store: CreateDcrmClientReturnType;
  let sender: CheckoutSender;
  let revert: () => Promise<void>;
  const shopper = testAccount(5).address;
  const ids = (from: bigint, count: number) => Array.from({ length: count }, (_, i) => from + BigInt(i));

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    store = await dcrmAs(1);
    sender = await createCheckoutSender(store, { journal: memoryJournal(), maxWaitMs: 100, maxBatch: 100 });
  });
  afterAll(async () => {
    await sender.close();
    await revert();
  });

  it("takes out orders rewarded before (poisoned, mid-batch) and sends the rest in one transaction", async () => {
    // Orders 7_005 and 7_010 are issued by another sender first: to this one they are unknown and on chain.
    const other = await createCheckoutSender(store, { journal: memoryJournal(), maxWaitMs: 5 });
    await Promise.all([7_005n, 7_010n].map((orderId) => other.submit({ orderId, shopper, points: 77n })));
    await other.close();
    const results = await Promise.all(ids(7_000n, 20).map((orderId) => sender.submit({ orderId, shopper, points: 1n })));
    const poisoned = results.filter((r) => r.replayed);
    expect(poisoned.map((r) => r.orderId)).toEqual([7_005n, 7_010n]);
    for (const r of poisoned) expect(r).toMatchObject({ points: 77n, transactions: [] });
    const sent = results.filter((r) => !r.replayed);
    expect(sent).toHaveLength(18);
    expect(new Set(sent.map((r) => r.transactions[0])).size).toBe(1);
    expect(await read(store, "RewardToken", "balanceOf", [shopper])).toBe(2n * 77n + 18n);
    expect(sender.status()).toMatchObject({ confirmed: 18, replayed: 2 });
  });

  it("splits a batch at the issuance cap: orders under it go, each order over it gets IssuanceCapExceeded with its numbers", async () => {
    const issuance = await read(store, "RewardToken", "storefrontIssuance", [store.account!]);
    const cap = issuance.issuedInPeriod + 250n;
    await setIssuanceCap(store.account!, cap);
    try {
      const settled = await Promise.allSettled(ids(8_000n, 10).map((orderId) => sender.submit({ orderId, shopper, points: 50n })));
      const issued = settled.filter((s) => s.status === "fulfilled");
      const refused = settled.map((s) => (s.status === "rejected" ? s.reason : undefined)).filter(Boolean);
      expect(issued).toHaveLength(5);
      expect(new Set(issued.map((s) => s.value.transactions[0])).size).toBe(1);
      expect(refused).toHaveLength(5);
      for (const error of refused) {
        expect(error).toBeInstanceOf(IssuanceCapExceededError);
        expect(error).toMatchObject({ storefront: store.account, capPerPeriod: cap, issuedInPeriod: cap, amount: 50n });
      }
      expect(await read(store, "RewardToken", "isOrderRewarded", [store.account!, 8_004n])).toBe(true);
      expect(await read(store, "RewardToken", "isOrderRewarded", [store.account!, 8_005n])).toBe(false);
      expect(sender.status().failed).toMatchObject({ IssuanceCapExceeded: 5 });
    } finally {
      await setIssuanceCap(store.account!, 10n ** 24n);
    }
  });

  it("fails every order of a batch the whole call refuses (paused) with its typed error", async () => {
    await setPaused(true);
    try {
      const settled = await Promise.allSettled(ids(9_000n, 3).map((orderId) => sender.submit({ orderId, shopper, points: 1n })));
      for (const s of settled) {
        expect(s.status).toBe("rejected");
        expect((s as PromiseRejectedResult).reason).toBeInstanceOf(EnforcedPauseError);
      }
      expect(sender.status().failed).toMatchObject({ EnforcedPause: 3 });
    } finally {
      await setPaused(false);
    }
  });
});
