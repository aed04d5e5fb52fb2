import { getAddress, keccak256, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { CreateDcrmClientReturnType } from "../client/createDcrmClient.js";
import { dcrmAs, increaseTime, mintDemoDollars, now, publicClientOf, snapshot, testAccount } from "../testing/clients.js";
import { type LocalIndexer, startLocalIndexer } from "../testing/localIndexer.js";
import { createMarketerClient, type MarketerClient } from "./createMarketerClient.js";
import { graphql } from "./graphql.js";
import { querySubgraph, SubgraphQueryError } from "./querySubgraph.js";

describe("marketer queries against the local indexer, on transactions sent through the SDK", () => {
  let revert: () => Promise<void>;
  let indexer: LocalIndexer;
  let marketer: MarketerClient;
  let store: CreateDcrmClientReturnType;
  let referralToken: `0x${string}`;
  const [alice, bob] = [testAccount(2).address, testAccount(4).address];
  const scope = keccak256(toHex("purchase-history"));

  /** Waits until the indexer has indexed the chain's head. */
  async function synced(): Promise<void> {
    const head = Number(await publicClientOf().getBlockNumber());
    const deadline = Date.now() + 60_000;
    for (;;) {
      const meta = await marketer.raw<{ _meta: { block: { number: number } } }>("{ _meta { block { number } } }").catch(() => undefined);
      if (meta && meta._meta.block.number >= head) return;
      if (Date.now() > deadline) throw new Error("the indexer did not reach the chain's head within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    store = await dcrmAs(1);
    const [partner, shopperA, consumer] = await Promise.all([dcrmAs(3), dcrmAs(2), dcrmAs(7)]);
    const token = await mintDemoDollars(store.account!, 10_000n);
    referralToken = token;
    await store.fundReferralBudget({ token, amount: 10_000n });
    const { partnerId } = await partner.registerPartner({ code: "MARKET-1" });
    await store.enrolPartner({ code: "MARKET-1", rateBps: 1_000 });
    await store.checkout({ orderId: 1n, shopper: alice, points: 300n, referral: { code: "MARKET-1", saleAmount: 5_000n } });
    await store.checkout({ orderId: 2n, shopper: bob, points: 100n });
    await partner.claimCommissions({ partnerId });
    // Attributed to the storefront, which redeems with the shopper's permit; a holder's own redemption counts for none.
    const permit = await shopperA.signRedeemPermit({ storefront: store.account!, points: 60n, deadline: (await now()) + 900n });
    await store.redeemAtCheckout({ shopper: alice, permit, ref: "coupon" });
    await consumer.submitConsent(await shopperA.signConsentGrant({ consumer: consumer.account!, scope, pricePerAccess: 5n, expiresAt: (await now()) + 86_400n, deadline: (await now()) + 600n }));
    indexer = await startLocalIndexer(inject("rpcUrl"), inject("deployment"));
    marketer = createMarketerClient({ endpoint: indexer.endpoint });
    await synced();
    // Building the subgraph when no build exists (outside npm test) takes minutes on a busy machine.
  }, 600_000);
  afterAll(async () => {
    await indexer?.stop();
    await revert();
  });

  it("answers the top shoppers, typed", async () => {
    const { shoppers } = await marketer.topShoppers();
    expect(shoppers.map(({ id, earned, balance, redeemed }) => ({ id, earned, balance, redeemed }))).toEqual([
      { id: alice.toLowerCase(), earned: "300", balance: "240", redeemed: "60" },
      { id: bob.toLowerCase(), earned: "100", balance: "100", redeemed: "0" },
    ]);
  });

  it("answers the redemption rate per storefront, and program-wide", async () => {
    const { storefronts, program } = await marketer.redemptionRates();
    expect(storefronts).toHaveLength(1);
    expect(storefronts[0]).toMatchObject({ id: store.account!.toLowerCase(), issued: "400", redeemed: "60", issuanceCount: "2", redemptionCount: "1" });
    // redeemed / (issued + redeemed) at a storefront; redeemed / issued program-wide.
    expect(Number(storefronts[0]!.redemptionRate)).toBeCloseTo(60 / 460, 12);
    expect(program).toMatchObject({ issued: "400", redeemed: "60", redeemedUnattributed: "0" });
    expect(Number(program!.redemptionRate)).toBeCloseTo(0.15, 12);
  });

  it("answers the partner leaderboard in one token, and the referral programs per token", async () => {
    const { partnerBalances } = await marketer.partnerLeaderboard({ token: referralToken.toLowerCase() });
    expect(partnerBalances).toEqual([
      expect.objectContaining({ partner: expect.objectContaining({ code: keccak256(toHex("MARKET-1")) }), token: referralToken.toLowerCase(), claimed: "500", released: "500", pending: "0", referralCount: "1" }),
    ]);
    // An address as wallets and deployment records write it (checksummed) finds the same rows.
    expect((await marketer.partnerLeaderboard({ token: getAddress(referralToken) })).partnerBalances).toEqual(partnerBalances);
    expect((await marketer.partnerLeaderboard({ token: `0x${"11".repeat(20)}` })).partnerBalances).toEqual([]);
    const { budgets } = await marketer.referralProgramsPerToken();
    expect(budgets).toEqual([
      { storefront: { id: store.account!.toLowerCase() }, token: referralToken.toLowerCase(), funded: "10000", withdrawn: "0", available: "9500", referredRevenue: "5000", commissions: "500", referralCount: "1" },
    ]);
  });

  it("answers the consent opt-in rates, and the per-day statistics", async () => {
    const { consentScopes } = await marketer.consentOptInRates();
    expect(consentScopes).toEqual([expect.objectContaining({ id: scope, shoppersOptedIn: "1", grants: "1", activeConsents: "1" })]);
    // A day's bucket is closed by the first block of a later day.
    await increaseTime(publicClientOf(), 86_400);
    await synced();
    const { storefrontStats } = await marketer.storefrontStatsPerDay();
    expect(storefrontStats.reduce((sum, row) => sum + BigInt(row.issued), 0n)).toBe(400n);
    const { consumerStats } = await marketer.consumerRevenuePerDay();
    expect(consumerStats).toEqual([]);
    // Alice and Bob earned, Alice redeemed: two distinct shoppers, however the day boundaries fall.
    const { dailyActivities, storefrontDailyActivities } = await marketer.activeShoppersPerDay();
    for (const rows of [dailyActivities, storefrontDailyActivities]) {
      expect(rows.reduce((sum, row) => sum + row.activeShoppers, 0)).toBeGreaterThanOrEqual(2);
      for (const row of rows) expect(row.activeShoppers).toBeLessThanOrEqual(2);
    }
    const { storefrontReferralStats } = await marketer.referralStatsPerDay();
    expect(storefrontReferralStats.map(({ token, referredRevenue, commissionsCommitted, commissionsReturned, referrals }) => ({ token, referredRevenue, commissionsCommitted, commissionsReturned, referrals }))).toEqual([
      { token: referralToken.toLowerCase(), referredRevenue: "5000", commissionsCommitted: "500", commissionsReturned: "0", referrals: 1 },
    ]);
  });

  it("answers one shopper's history, with variables", async () => {
    const { shopper } = await marketer.shopperHistory({ shopper: alice.toLowerCase() });
    expect(shopper?.issuances.map((issuance) => [issuance.orderId, issuance.amount, issuance.kind])).toEqual([["1", "300", "Single"]]);
    expect(shopper?.redemptions.map((redemption) => redemption.amount)).toEqual(["60"]);
    expect(shopper?.consentChanges.map((change) => change.kind)).toEqual(["Granted"]);
  });

  it("runs any typed query and raw GraphQL; errors are SubgraphQueryError", async () => {
    const query = graphql(`query Budgets { budgets { available funded } }`);
    const { budgets } = await querySubgraph(query, { endpoint: indexer.endpoint });
    expect(budgets).toEqual([{ available: "9500", funded: "10000" }]);
    const error = (await marketer.raw("{ nothing }").catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SubgraphQueryError);
    expect(error.message).toContain("nothing");
    await expect(createMarketerClient({ endpoint: "http://127.0.0.1:9/x" }).topShoppers()).rejects.toThrow(SubgraphQueryError);
  });
});
