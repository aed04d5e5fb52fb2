import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { erc20Abi } from "viem";

import type { CreateDcrmClientReturnType } from "../../client/createDcrmClient.js";
import { CodeTakenError, NotPartnerOwnerError, SelfReferralError } from "../../generated/errors.js";
import { dcrmAs, increaseTime, mintDemoDollars, publicClientOf, snapshot, testAccount } from "../../testing/clients.js";

describe("partner actions", () => {
  let store: CreateDcrmClientReturnType;
  let partnerClient: CreateDcrmClientReturnType;
  let keeper: CreateDcrmClientReturnType;
  let revert: () => Promise<void>;
  let token: `0x${string}`;
  let partnerId: number;
  const payout = testAccount(8).address;
  const buyer = testAccount(2).address;
  const DAY = 86_400;

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    [store, partnerClient, keeper] = await Promise.all([dcrmAs(1), dcrmAs(3), dcrmAs(9)]);
    token = await mintDemoDollars(store.account!, 100_000n);
    await store.fundReferralBudget({ token, amount: 100_000n });
    await store.setStorefrontPolicy({ returnWindow: 7 * DAY });
  });
  afterAll(() => revert());

  it("registers a code, refuses it to anyone else, and changes the payout address", async () => {
    const registered = await partnerClient.registerPartner({ code: "LEO-10" });
    partnerId = registered.partnerId;
    expect(partnerId).toBeGreaterThan(0);
    const taken = await keeper.registerPartner({ code: "LEO-10" }).catch((e) => e);
    expect(taken).toBeInstanceOf(CodeTakenError);
    expect(taken).toMatchObject({ code: registered.code, partnerId });
    await partnerClient.setPayoutAddress({ partnerId, payout });
    await expect(keeper.setPayoutAddress({ partnerId, payout: keeper.account! })).rejects.toThrow(NotPartnerOwnerError);
    await store.enrolPartner({ code: "LEO-10", fixedCommission: 500n });
  });

  it("lists referrals by status with what is claimable now, and claims them all in one call", async () => {
    for (const orderId of [1n, 2n, 3n]) await store.checkout({ orderId, shopper: buyer, points: 10n, referral: { code: "LEO-10", saleAmount: 10_000n } });
    await store.refundOrder({ shopper: buyer, orderId: 3n });
    await store.releaseReferralEarly({ orderId: 2n });

    let { referrals, claimableNow } = await partnerClient.getReferrals({ partnerId });
    expect(referrals.map((r) => [r.orderId, r.status, r.commission])).toEqual([
      [1n, "held", 500n],
      [2n, "claimable", 500n],
      [3n, "voided", 0n],
    ]);
    expect(claimableNow).toEqual({ [token]: 500n });

    await increaseTime(publicClientOf(), 7 * DAY + 1);
    ({ claimableNow } = await partnerClient.getReferrals({ partnerId }));
    expect(claimableNow).toEqual({ [token]: 1_000n });

    // Only the partner's owner may trigger the claim; the money goes to the payout address.
    await expect(keeper.claimCommissions({ partnerId })).rejects.toThrow(NotPartnerOwnerError);
    const { claimed, hash } = await partnerClient.claimCommissions({ partnerId });
    expect(hash).toBeDefined();
    expect(claimed.map((r) => r.orderId)).toEqual([1n, 2n]);
    expect(await publicClientOf().readContract({ abi: erc20Abi, address: token, functionName: "balanceOf", args: [payout] })).toBe(1_000n);
    ({ referrals } = await partnerClient.getReferrals({ partnerId }));
    expect(referrals.map((r) => r.status)).toEqual(["claimed", "claimed", "voided"]);
    expect(await partnerClient.claimCommissions({ partnerId })).toEqual({ hash: undefined, claimed: [] });
  });

  it("refuses a partner referring itself", async () => {
    const error = await store.checkout({ orderId: 9n, shopper: partnerClient.account!, points: 1n, referral: { code: "LEO-10", saleAmount: 1n } }).catch((e) => e);
    expect(error).toBeInstanceOf(SelfReferralError);
    expect(error).toMatchObject({ partnerId, buyer: partnerClient.account });
  });
});
