import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { InvalidParameterError } from "../../errors/clientErrors.js";
import { IssuanceCapExceededError } from "../../generated/errors.js";
import { read } from "../../internal/transact.js";
import { dcrmAs, publicClientOf, snapshot, testAccount } from "../../testing/clients.js";
import { checkout } from "./checkout.js";

describe("checkout", () => {
  let storefront: DcrmClient;
  let revert: () => Promise<void>;
  const shopper = testAccount(5).address;

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    storefront = await dcrmAs(1);
  });
  afterAll(() => revert());

  it("issues the points and returns the effects", async () => {
    const effects = await checkout(storefront, { orderId: 1n, shopper, points: 100n });
    expect(effects).toMatchObject({ orderId: 1n, shopper, points: 100n, status: "issued", replayed: false, dryRun: false });
    expect(effects.transactions).toHaveLength(1);
    expect(await read(storefront, "RewardToken", "balanceOf", [shopper])).toBe(100n);
  });

  it("returns the original effects for an order checked out before, sending nothing", async () => {
    const publicClient = publicClientOf();
    const nonce = await publicClient.getTransactionCount({ address: storefront.account! });
    const again = await checkout(storefront, { orderId: 1n, shopper, points: 999n });
    expect(again).toMatchObject({ orderId: 1n, shopper, points: 100n, status: "issued", replayed: true, transactions: [] });
    expect(await publicClient.getTransactionCount({ address: storefront.account! })).toBe(nonce);
    expect(await read(storefront, "RewardToken", "balanceOf", [shopper])).toBe(100n);
  });

  it("computes points from an amount and a rate", async () => {
    const effects = await checkout(storefront, { orderId: 2n, shopper, amount: 4_999n, rate: { points: 10n, per: 100n } });
    expect(effects.points).toBe(499n);
  });

  it("simulates with dryRun and sends nothing", async () => {
    const effects = await checkout(storefront, { orderId: 3n, shopper, points: 7n, dryRun: true });
    expect(effects).toMatchObject({ points: 7n, status: "issued", dryRun: true, replayed: false, transactions: [] });
    expect(await read(storefront, "RewardToken", "isOrderRewarded", [storefront.account!, 3n])).toBe(false);
  });

  it("throws the typed error of a foreseen revert without sending", async () => {
    const publicClient = publicClientOf();
    const nonce = await publicClient.getTransactionCount({ address: storefront.account! });
    const error = await checkout(storefront, { orderId: 4n, shopper, points: 10n ** 30n }).catch((e) => e);
    expect(error).toBeInstanceOf(IssuanceCapExceededError);
    expect(error).toMatchObject({ storefront: storefront.account, amount: 10n ** 30n, errorName: "IssuanceCapExceeded" });
    expect(error.message).toContain("past its cap");
    expect(await publicClient.getTransactionCount({ address: storefront.account! })).toBe(nonce);
  });

  it("refuses bad input before anything is sent", async () => {
    await expect(checkout(storefront, { orderId: -1n, shopper, points: 1n })).rejects.toThrow(InvalidParameterError);
    await expect(checkout(storefront, { orderId: 5n, shopper: "0x1234" as never, points: 1n })).rejects.toThrow(/shopper/);
    await expect(checkout(storefront, { orderId: 5n, shopper, points: 0n })).rejects.toThrow(/points/);
    await expect(checkout(storefront, { orderId: 5n, shopper, amount: 1n, rate: { points: 1n, per: 10n } })).rejects.toThrow(/amount × rate/);
  });
});
