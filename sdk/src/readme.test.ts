// The flows of sdk/README.md, written as the README writes them: a client made from chain-less viem clients
// and a deployment record, then each user's snippet in turn, on the local chain.
import { createPublicClient, createWalletClient, http, keccak256, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { createDcrmClient, type CreateDcrmClientReturnType } from "./client/createDcrmClient.js";
import { increaseTime, mintDemoDollars, now, publicClientOf, snapshot, testAccount } from "./testing/clients.js";

describe("sdk/README.md", () => {
  let revert: () => Promise<void>;
  let token: `0x${string}`;
  const shopper = testAccount(4).address;

  /** The README's "Create a client", acting as anvil account `index`. */
  const clientAs = (index: number): Promise<CreateDcrmClientReturnType> => {
    const transport = http(inject("rpcUrl"));
    return createDcrmClient({
      publicClient: createPublicClient({ transport }),
      walletClient: createWalletClient({ account: testAccount(index), transport }),
      deployment: JSON.stringify(inject("deployment")), // the record's text, as read from deployments/<network>.json
    });
  };

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
  });
  afterAll(() => revert());

  it("runs the storefront and partner flows", async () => {
    const [dcrm, partner] = await Promise.all([clientAs(1), clientAs(8)]);
    token = await mintDemoDollars(dcrm.account!, 100_000n);
    await dcrm.fundReferralBudget({ token, amount: 100_000n });
    const { partnerId } = await partner.registerPartner({ code: "ALICE" });
    await dcrm.enrolPartner({ code: "ALICE", rateBps: 500 });
    await dcrm.setStorefrontPolicy({ returnWindow: 14 * 86_400 });
    // An earlier order, now past its return window.
    await dcrm.checkout({ orderId: 1041n, shopper, points: 1_000n, referral: { code: "ALICE", saleAmount: 10_000n } });
    await increaseTime(publicClientOf(), 15 * 86_400);

    const effects = await dcrm.checkout({ orderId: 1042n, shopper, points: 500n * 10n ** 18n, referral: { code: "ALICE", saleAmount: 4_999n } });
    expect(effects).toMatchObject({ orderId: 1042n, points: 500n * 10n ** 18n, status: "pending", replayed: false, dryRun: false });
    expect(effects.referral).toMatchObject({ partnerId, token, saleAmount: 4_999n, commission: 249n });
    const again = await dcrm.checkout({ orderId: 1042n, shopper, points: 500n * 10n ** 18n });
    expect(again).toMatchObject({ orderId: 1042n, status: "pending", replayed: true, transactions: [] });
    const dry = await dcrm.checkout({ orderId: 1043n, shopper, points: 10n, dryRun: true });
    expect(dry).toMatchObject({ points: 10n, dryRun: true, transactions: [] });
    const refund = await dcrm.refundOrder({ shopper, orderId: 1042n });
    expect(refund.points).toMatchObject({ action: "voided", amount: 500n * 10n ** 18n });
    expect(refund.referral.action).toBe("voided");
    const { released } = await dcrm.releasePoints({ orders: [{ shopper, orderId: 1041n }] });
    expect(released).toEqual([1041n]);

    const { referrals, claimableNow } = await partner.getReferrals({ partnerId });
    expect(referrals.map((r) => [r.orderId, r.status])).toEqual([
      [1041n, "claimable"],
      [1042n, "voided"],
    ]);
    expect(claimableNow).toEqual({ [token]: 500n });
    const { claimed } = await partner.claimCommissions({ partnerId });
    expect(claimed.map((r) => r.orderId)).toEqual([1041n]);
  });

  it("runs the shopper and data consumer flows", async () => {
    const [dcrm, relayer, consumerClient] = await Promise.all([clientAs(4), clientAs(6), clientAs(7)]);
    const consumer = consumerClient.account!;
    const { spendable, expiresAt: balanceExpiry } = await dcrm.getBalances({ shopper });
    expect(spendable).toBe(1_000n);
    expect(balanceExpiry === undefined || balanceExpiry > 0n).toBe(true);
    await dcrm.redeemPoints({ points: 100n, ref: "SPRING-10" });
    expect((await dcrm.getBalances({ shopper })).spendable).toBe(spendable - 100n);

    const expiresAt = (await now()) + 30n * 86_400n;
    const deadline = (await now()) + 3_600n;
    const grant = await dcrm.signConsentGrant({ consumer, scope: "purchase-history", pricePerAccess: 5n, expiresAt, deadline });
    await relayer.submitConsent(grant);

    await mintDemoDollars(consumer, 1_000_000n);
    await consumerClient.depositForAccess({ amount: 1_000_000n });
    const shoppers = [shopper, testAccount(9).address];
    const { recorded, skipped } = await consumerClient.recordAccessBatch({ scope: "purchase-history", shoppers, maxPricePerAccess: 5n });
    expect(recorded).toEqual([shopper]);
    expect(skipped).toEqual([{ shopper: testAccount(9).address, reason: "no consent", pricePerAccess: 0n }]);
    expect((await consumerClient.checkConsent({ shopper, scope: keccak256(toHex("purchase-history")) })).active).toBe(true);
  });
});
