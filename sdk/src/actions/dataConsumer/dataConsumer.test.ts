import { erc20Abi, keccak256, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CreateDcrmClientReturnType } from "../../client/createDcrmClient.js";
import { InsufficientDepositError } from "../../generated/errors.js";
import { read } from "../../internal/transact.js";
import { dcrmAs, mintDemoDollars, now, publicClientOf, snapshot, testAccount } from "../../testing/clients.js";

describe("data consumer actions", () => {
  let consumer: CreateDcrmClientReturnType;
  let revert: () => Promise<void>;
  let token: `0x${string}`;
  const scope = keccak256(toHex("browsing"));
  const [alice, bob, carol] = [2, 3, 4].map((i) => testAccount(i).address) as [`0x${string}`, `0x${string}`, `0x${string}`];

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    consumer = await dcrmAs(7);
    token = await mintDemoDollars(consumer.account!, 10_000n);
    // alice consents at 10, bob at 50 (above what the consumer pays), carol not at all.
    for (const [index, price] of [[2, 10n], [3, 50n]] as const) {
      const shopper = await dcrmAs(index);
      const signed = await shopper.signConsentGrant({ consumer: consumer.account!, scope, pricePerAccess: price, expiresAt: (await now()) + 86_400n, deadline: (await now()) + 600n });
      await consumer.submitConsent(signed);
    }
  });
  afterAll(() => revert());

  it("deposits, approving the payment token first", async () => {
    const { deposit } = await consumer.depositForAccess({ amount: 100n });
    expect(deposit).toBe(100n);
  });

  it("checks consent", async () => {
    expect(await consumer.checkConsent({ shopper: alice, scope })).toMatchObject({ active: true, pricePerAccess: 10n });
    expect(await consumer.checkConsent({ shopper: carol, scope })).toEqual({ active: false, pricePerAccess: 0n, expiresAt: 0 });
  });

  it("records a batch for the shoppers with live consent and reports the others", async () => {
    const result = await consumer.recordAccessBatch({ scope, shoppers: [alice, bob, carol], maxPricePerAccess: 20n });
    expect(result.recorded).toEqual([alice]);
    expect(result.skipped).toEqual([
      { shopper: bob, reason: "price above maximum", pricePerAccess: 50n },
      { shopper: carol, reason: "no consent", pricePerAccess: 0n },
    ]);
    expect(result.total).toBe(10n);
    expect(await read(consumer, "DataAccessPayments", "depositOf", [consumer.account!])).toBe(90n);
    expect(await consumer.recordAccessBatch({ scope, shoppers: [carol], maxPricePerAccess: 20n })).toMatchObject({ hash: undefined, recorded: [] });
  });

  it("refuses a batch its deposit cannot pay, with the numbers", async () => {
    const error = await consumer.recordAccessBatch({ scope, shoppers: [alice, bob], maxPricePerAccess: 1_000n }).then(() => consumer.recordAccessBatch({ scope, shoppers: [bob], maxPricePerAccess: 1_000n })).catch((e) => e);
    expect(error).toBeInstanceOf(InsufficientDepositError);
    expect(error).toMatchObject({ consumer: consumer.account, available: 30n, needed: 50n });
  });

  it("withdraws the unspent deposit", async () => {
    const before = await publicClientOf().readContract({ abi: erc20Abi, address: token, functionName: "balanceOf", args: [consumer.account!] });
    const { amount } = await consumer.withdrawDeposit();
    expect(amount).toBe(30n);
    expect(await publicClientOf().readContract({ abi: erc20Abi, address: token, functionName: "balanceOf", args: [consumer.account!] })).toBe(before + 30n);
  });
});
