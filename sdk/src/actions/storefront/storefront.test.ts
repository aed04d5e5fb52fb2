import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CreateDcrmClientReturnType } from "../../client/createDcrmClient.js";
import { InvalidParameterError } from "../../errors/clientErrors.js";
import { ERC2612InvalidSignerError, OrderAlreadyRewardedError, UnknownCodeError, VoucherSignerMismatchError } from "../../generated/errors.js";
import { read } from "../../internal/transact.js";
import { dcrmAs, increaseTime, mintDemoDollars, now, publicClientOf, snapshot, testAccount } from "../../testing/clients.js";

describe("storefront actions", () => {
  let store: CreateDcrmClientReturnType;
  let shopperClient: CreateDcrmClientReturnType;
  let partnerClient: CreateDcrmClientReturnType;
  let revert: () => Promise<void>;
  let token: `0x${string}`;
  const shopper = testAccount(2).address;
  const partner = testAccount(3).address;
  const DAY = 86_400;

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    [store, shopperClient, partnerClient] = await Promise.all([dcrmAs(1), dcrmAs(2), dcrmAs(3)]);
    token = await mintDemoDollars(store.account!, 1_000_000n);
    await partnerClient.registerPartner({ code: "ANNA" });
  });
  afterAll(() => revert());

  it("funds and withdraws the referral budget, approving the escrow as needed", async () => {
    const funded = await store.fundReferralBudget({ token, amount: 10_000n });
    expect(funded.budget).toBe(10_000n);
    await store.withdrawReferralBudget({ token, amount: 1_000n });
    expect(await read(store, "ReferralEscrow", "budgetOf", [store.account!, token])).toBe(9_000n);
  });

  it("enrols a partner and refuses terms that are neither a rate nor a fixed commission", async () => {
    await store.enrolPartner({ code: "ANNA", rateBps: 1_000 });
    const partnerId = await read(store, "ReferralEscrow", "partnerIdOf", [(await import("viem")).keccak256((await import("viem")).toHex("ANNA"))]);
    expect(await read(store, "ReferralEscrow", "termsOf", [store.account!, partnerId])).toEqual({ rateBps: 1_000, fixedCommission: 0n });
    await expect(store.enrolPartner({ code: "ANNA" } as never)).rejects.toThrow(InvalidParameterError);
    await expect(store.enrolPartner({ code: "NOBODY", rateBps: 100 })).rejects.toThrow(UnknownCodeError);
  });

  it("sets policies, sending only what changes", async () => {
    const first = await store.setStorefrontPolicy({ returnWindow: 7 * DAY, clawbackAllowed: true });
    expect(first.hashes).toHaveLength(2);
    expect(await read(store, "RewardToken", "storefrontPolicy", [store.account!])).toEqual({ returnWindow: 7 * DAY, clawbackAllowed: true });
    expect((await read(store, "ReferralEscrow", "programOf", [store.account!]))[0]).toBe(7 * DAY);
    const again = await store.setStorefrontPolicy({ returnWindow: 7 * DAY, clawbackAllowed: true });
    expect(again.hashes).toEqual([]);
  });

  it("checks out with a referral under a return window: pending points and an escrowed commission", async () => {
    const dry = await store.checkout({ orderId: 100n, shopper, points: 500n, referral: { code: "ANNA", saleAmount: 2_000n }, dryRun: true });
    expect(dry).toMatchObject({ status: "pending", dryRun: true, transactions: [], referral: { commission: 200n, saleAmount: 2_000n, token } });
    const effects = await store.checkout({ orderId: 100n, shopper, points: 500n, referral: { code: "ANNA", saleAmount: 2_000n } });
    expect(effects).toMatchObject({ status: "pending", points: 500n, replayed: false, referral: { commission: 200n, token } });
    expect(effects.transactions).toHaveLength(2);
    // The issuance and the referral are two transactions, each in its own block: each window runs from its block.
    const landedAt = await Promise.all(
      effects.transactions.map(async (hash) => {
        const receipt = await publicClientOf().waitForTransactionReceipt({ hash });
        return (await publicClientOf().getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      }),
    );
    expect(effects.releaseTime).toBe(landedAt[0]! + BigInt(7 * DAY));
    expect(effects.referral!.releaseTime).toBe(landedAt[1]! + BigInt(7 * DAY));
    // The dry run foresaw the same effects, except for the block the transactions landed in.
    expect(dry.referral!.partnerId).toBe(effects.referral!.partnerId);

    const replay = await store.checkout({ orderId: 100n, shopper, points: 1n, referral: { code: "ANNA", saleAmount: 1n } });
    expect(replay).toEqual({ ...effects, replayed: true, transactions: [] });

    const balances = await shopperClient.getBalances();
    expect(balances.spendable).toBe(0n);
    expect(balances.pending).toBe(500n);
    expect(balances.pendingOrders).toEqual([{ storefront: store.account, orderId: 100n, points: 500n, releaseTime: effects.releaseTime }]);
  });

  it("refunds an order in the window: voids its pending points and its referral in one call", async () => {
    await store.checkout({ orderId: 101n, shopper, points: 300n, referral: { code: "ANNA", saleAmount: 1_000n } });
    const refund = await store.refundOrder({ shopper, orderId: 101n });
    expect(refund.points).toMatchObject({ action: "voided", amount: 300n });
    expect(refund.referral).toMatchObject({ action: "voided" });
    expect((await read(store, "ReferralEscrow", "referralOf", [store.account!, 101n])).status).toBe(2);
    expect(await store.refundOrder({ shopper, orderId: 101n })).toEqual({ points: { action: "none", reason: "no record" }, referral: { action: "none", reason: "not pending" } });
  });

  it("refunds part of a referral with refundBps", async () => {
    await store.checkout({ orderId: 102n, shopper, points: 1_000n, referral: { code: "ANNA", saleAmount: 1_000n } });
    const refund = await store.refundOrder({ shopper, orderId: 102n, refundBps: 2_500 });
    expect(refund.points).toMatchObject({ action: "voided", amount: 250n });
    expect(refund.referral).toMatchObject({ action: "refunded" });
    expect((await read(store, "ReferralEscrow", "referralOf", [store.account!, 102n])).refundedBps).toBe(2_500);
  });

  it("releases points: others only after the window, the storefront at any time; then claws back", async () => {
    await store.checkout({ orderId: 103n, shopper, points: 400n });
    const early = await shopperClient.releasePoints({ storefront: store.account, orders: [{ shopper, orderId: 103n }] });
    expect(early).toMatchObject({ released: [], skipped: [{ shopper, orderId: 103n, reason: "window open" }] });
    expect(await read(store, "RewardToken", "balanceOf", [shopper])).toBe(0n);
    expect((await store.releasePoints({ orders: [{ shopper, orderId: 103n }] })).released).toEqual([103n]);
    expect(await read(store, "RewardToken", "balanceOf", [shopper])).toBe(400n);
    const refund = await store.refundOrder({ shopper, orderId: 103n });
    expect(refund.points).toMatchObject({ action: "clawedBack", amount: 400n });
    expect(await read(store, "RewardToken", "balanceOf", [shopper])).toBe(0n);
  });

  it("releases a referral early", async () => {
    await store.checkout({ orderId: 104n, shopper, points: 10n, referral: { code: "ANNA", saleAmount: 100n } });
    await store.releaseReferralEarly({ orderId: 104n });
    expect(await read(store, "ReferralEscrow", "isClaimable", [store.account!, 104n])).toBe(true);
  });

  it("issues many orders: one range transaction when consecutive, one batch otherwise", async () => {
    await store.setStorefrontPolicy({ returnWindow: 0, clawbackAllowed: false });
    const range = await store.issuePointsMany({ orders: [200n, 201n, 202n].map((orderId) => ({ shopper, orderId, points: 10n })) });
    expect(range.form).toBe("range");
    const batch = await store.issuePointsMany({ orders: [{ shopper, orderId: 300n, points: 5n }, { shopper: partner, orderId: 250n, points: 6n }] });
    expect(batch.form).toBe("batch");
    expect(await read(store, "RewardToken", "isOrderRewarded", [store.account!, 250n])).toBe(true);
    await expect(store.issuePointsMany({ orders: [{ shopper, orderId: 201n, points: 1n }, { shopper, orderId: 400n, points: 1n }] })).rejects.toThrow(OrderAlreadyRewardedError);
    await expect(store.issuePointsMany({ orders: [] })).rejects.toThrow(InvalidParameterError);
    // The replayed effects of an order issued in a batch or a range come from its Transfer.
    expect(await store.checkout({ orderId: 250n, shopper, points: 1n })).toMatchObject({ shopper: partner, points: 6n, status: "issued", replayed: true });
    expect(await store.checkout({ orderId: 201n, shopper, points: 1n })).toMatchObject({ shopper, points: 10n, replayed: true });
  });

  it("issues one order, and refuses it twice with OrderAlreadyRewardedError", async () => {
    await store.issuePoints({ shopper, orderId: 500n, points: 1n });
    const error = await store.issuePoints({ shopper, orderId: 500n, points: 1n }).catch((e) => e);
    expect(error).toBeInstanceOf(OrderAlreadyRewardedError);
    expect(error).toMatchObject({ storefront: store.account, orderId: 500n, contract: "RewardToken", functionName: "issue" });
  });

  it("signs a voucher the contract accepts, and the shopper claims it", async () => {
    const signed = await store.signRewardVoucher({ shopper, points: 77n, orderId: 600n, deadline: (await now()) + 3_600n });
    const before = await read(store, "RewardToken", "balanceOf", [shopper]);
    await shopperClient.claimVoucher(signed);
    expect(await read(store, "RewardToken", "balanceOf", [shopper])).toBe(before + 77n);
    // A voucher signed by someone who is not its storefront is refused.
    const forged = await shopperClient.signRewardVoucher({ shopper, points: 77n, orderId: 601n, deadline: (await now()) + 3_600n });
    await expect(shopperClient.claimVoucher({ ...forged, voucher: { ...forged.voucher, storefront: store.account! } })).rejects.toThrow(VoucherSignerMismatchError);
    await expect(store.signRewardVoucher({ shopper, points: 1n, orderId: 602n, deadline: 1n })).rejects.toThrow(/deadline/);
  });

  it("claims a voucher that travelled as JSON, and refuses a malformed or expired one before sending", async () => {
    const signed = await store.signRewardVoucher({ shopper, points: 3n, orderId: 610n, deadline: (await now()) + 3_600n });
    const publicClient = publicClientOf();
    const nonce = await publicClient.getTransactionCount({ address: shopper });
    const refused = async (voucher: typeof signed, parameter: string) => {
      const error = await shopperClient.claimVoucher(voucher).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error).toMatchObject({ parameter });
    };
    await refused({ ...signed, voucher: { ...signed.voucher, deadline: (await now()) - 1n } }, "voucher.deadline");
    await refused({ ...signed, voucher: { ...signed.voucher, amount: 0n } }, "voucher.amount");
    await refused({ ...signed, voucher: { ...signed.voucher, shopper: "0xnot-an-address" as never } }, "voucher.shopper");
    await refused({ ...signed, signature: "0xdead" }, "signature");
    expect(await publicClient.getTransactionCount({ address: shopper })).toBe(nonce);

    const sent = JSON.parse(JSON.stringify(signed, (_, value) => (typeof value === "bigint" ? value.toString() : value)));
    const before = await read(store, "RewardToken", "balanceOf", [shopper]);
    await shopperClient.claimVoucher(sent);
    expect(await read(store, "RewardToken", "balanceOf", [shopper])).toBe(before + 3n);
  });

  it("redeems at checkout with the shopper's permit", async () => {
    const balance = await read(store, "RewardToken", "balanceOf", [shopper]);
    const permit = await shopperClient.signRedeemPermit({ storefront: store.account!, points: 20n, deadline: (await now()) + 900n });
    await store.redeemAtCheckout({ shopper, permit, ref: "DISCOUNT-1042" });
    expect(await read(store, "RewardToken", "balanceOf", [shopper])).toBe(balance - 20n);
    // The same permit again: its nonce is spent.
    await expect(store.redeemAtCheckout({ shopper, permit, ref: "DISCOUNT-1042" })).rejects.toThrow(ERC2612InvalidSignerError);
  });

  it("refuses a permit it cannot redeem before sending anything", async () => {
    const publicClient = publicClientOf();
    const nonce = await publicClient.getTransactionCount({ address: store.account! });
    const permit = await shopperClient.signRedeemPermit({ storefront: store.account!, points: 5n, deadline: (await now()) + 900n });
    const refused = async (parameters: Parameters<typeof store.redeemAtCheckout>[0], parameter: string) => {
      const error = await store.redeemAtCheckout(parameters).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error).toMatchObject({ parameter });
    };
    await refused({ shopper: partner, permit, ref: "DISCOUNT-1" }, "permit.owner");
    await refused({ shopper, permit: { ...permit, spender: partner }, ref: "DISCOUNT-1" }, "permit.spender");
    await refused({ shopper, permit: { ...permit, deadline: (await now()) - 1n }, ref: "DISCOUNT-1" }, "permit.deadline");
    await refused({ shopper, permit: { ...permit, signature: "0x1234" }, ref: "DISCOUNT-1" }, "permit.signature");
    await refused({ shopper, permit: { ...permit, value: 0n }, ref: "DISCOUNT-1" }, "permit.value");
    expect(await publicClient.getTransactionCount({ address: store.account! })).toBe(nonce);
    // The permit itself is still good.
    await store.redeemAtCheckout({ shopper, permit, ref: "DISCOUNT-1" });
  });

  it("lets others release after the window closes", async () => {
    await store.setStorefrontPolicy({ returnWindow: DAY });
    await store.checkout({ orderId: 700n, shopper, points: 9n });
    await increaseTime(publicClientOf(), DAY + 1);
    const before = await shopperClient.getBalances();
    expect(before.pendingOrders.map((order) => order.orderId)).toContain(700n);
    await shopperClient.releasePoints({ storefront: store.account, orders: [{ shopper, orderId: 700n }] });
    const after = await shopperClient.getBalances();
    expect(after.pendingOrders.map((order) => order.orderId)).not.toContain(700n);
    expect(after.pending).toBe(before.pending - 9n);
    expect(after.spendable).toBe(before.spendable + 9n);
  });
});
