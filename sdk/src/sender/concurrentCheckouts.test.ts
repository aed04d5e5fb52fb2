import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CreateDcrmClientReturnType } from "../client/createDcrmClient.js";
import { read } from "../internal/transact.js";
import { dcrmAs, publicClientOf, snapshot, testAccount } from "../testing/clients.js";
import { memoryJournal } from "./checkoutJournal.js";
import { createCheckoutSender } from "./createCheckoutSender.js";
import type { CheckoutSenderStatus } from "./senderStatus.js";

describe("1,000 concurrent checkouts with duplicates and retries", () => {
  let store: CreateDcrmClientReturnType;
  let revert: () => Promise<void>;
  const shoppers = Array.from({ length: 10 }, (_, i) => testAccount(10 + i).address);

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    store = await dcrmAs(1);
  });
  afterAll(() => revert());

  it("issues each order once, answers every caller with its order's effects, and counts it all", async () => {
    const sender = await createCheckoutSender(store, { journal: memoryJournal(), maxBatch: 100, maxWaitMs: 20 });
    const first = 100_000n;
    const orders = Array.from({ length: 1_000 }, (_, i) => ({ orderId: first + BigInt(i), shopper: shoppers[i % shoppers.length]!, points: BigInt((i % 7) + 1) }));
    const balancesBefore = await Promise.all(shoppers.map((shopper) => read(store, "RewardToken", "balanceOf", [shopper])));

    // 50 callers; every fifth order is also sent by a second caller at the same time (a double-clicked checkout).
    const samples: CheckoutSenderStatus[] = [];
    const sampling = setInterval(() => samples.push(sender.status()), 5);
    const callers = Array.from({ length: 50 }, (_, c) => orders.filter((_, i) => i % 50 === c || (i % 5 === 0 && (i + 1) % 50 === c)));
    const answers = (await Promise.all(callers.map((mine) => Promise.all(mine.map((order) => sender.submit(order)))))).flat();
    clearInterval(sampling);
    const duplicates = orders.filter((_, i) => i % 5 === 0).length;
    expect(answers).toHaveLength(orders.length + duplicates);
    for (const answer of answers) {
      const order = orders[Number(answer.orderId - first)]!;
      expect(answer).toMatchObject({ shopper: order.shopper, points: order.points, status: "issued" });
    }
    expect(answers.filter((a) => !a.replayed)).toHaveLength(orders.length);

    // Retries after confirmation, some with other values: the original effects, nothing sent.
    const retries = await Promise.all(orders.slice(0, 100).map((order) => sender.submit({ ...order, points: order.points + 100n })));
    for (const [i, retry] of retries.entries()) expect(retry).toMatchObject({ replayed: true, points: orders[i]!.points, transactions: [] });

    const status = sender.status();
    expect(status).toMatchObject({ queued: 0, inFlight: 0, confirmed: 1_000, replayed: duplicates + 100, failed: {} });
    expect(status.batches).toBeGreaterThanOrEqual(10);
    expect(status.batches).toBeLessThanOrEqual(40);
    expect(status.gasPerOrder!.average).toBeLessThan(40_000);
    expect(samples.some((s) => s.queued > 0)).toBe(true);
    expect(samples.some((s) => s.inFlight > 0)).toBe(true);

    const expected = shoppers.map((_, s) => orders.filter((_, i) => i % shoppers.length === s).reduce((sum, o) => sum + o.points, 0n));
    const balances = await Promise.all(shoppers.map((shopper) => read(store, "RewardToken", "balanceOf", [shopper])));
    expect(balances.map((b, s) => b - balancesBefore[s]!)).toEqual(expected);
    await sender.close();
  });
});
