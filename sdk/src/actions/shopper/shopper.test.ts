import { createWalletClient, http, keccak256, toHex } from "viem";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CreateDcrmClientReturnType } from "../../client/createDcrmClient.js";
import { AccountRequiredError, InvalidParameterError } from "../../errors/clientErrors.js";
import { ConsentsRemainError, ERC20InsufficientBalanceError, InvalidAccountNonceError, InvalidShopperSignatureError } from "../../generated/errors.js";
import { read, transact } from "../../internal/transact.js";
import { dcrmAs, mintDemoDollars, now, publicClientOf, snapshot, testAccount } from "../../testing/clients.js";
import { createDcrmClient } from "../../client/createDcrmClient.js";
import { inject } from "vitest";

describe("shopper actions", () => {
  let store: CreateDcrmClientReturnType;
  let shopperClient: CreateDcrmClientReturnType;
  let relayer: CreateDcrmClientReturnType;
  let consumer: CreateDcrmClientReturnType;
  let revert: () => Promise<void>;
  const shopper = testAccount(4).address;
  const friend = testAccount(5).address;
  const scope = keccak256(toHex("purchase-history"));

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    [store, shopperClient, relayer, consumer] = await Promise.all([dcrmAs(1), dcrmAs(4), dcrmAs(6), dcrmAs(7)]);
  });
  afterAll(() => revert());

  it("reads balances and the history of issuance, transfer and redemption", async () => {
    await store.checkout({ orderId: 1n, shopper, points: 300n });
    await store.checkout({ orderId: 2n, shopper, points: 200n });
    const token = { abi: (await import("../../generated/contracts.js")).rewardTokenAbi, address: shopperClient.deployment.contracts.RewardToken.address };
    const hash = await shopperClient.walletClient!.writeContract({ ...token, functionName: "transfer", args: [friend, 50n], chain: null });
    await publicClientOf().waitForTransactionReceipt({ hash });
    await shopperClient.redeemPoints({ points: 100n, ref: "coupon-1" });

    const balances = await shopperClient.getBalances();
    expect(balances).toMatchObject({ spendable: 350n, pending: 0n, pendingOrders: [], expiresAt: undefined });
    const history = await shopperClient.getHistory();
    expect(history.map(({ kind, points, storefront, counterparty }) => ({ kind, points, storefront, counterparty }))).toEqual([
      { kind: "earned", points: 300n, storefront: store.account, counterparty: undefined },
      { kind: "earned", points: 200n, storefront: store.account, counterparty: undefined },
      { kind: "sent", points: 50n, storefront: undefined, counterparty: friend },
      { kind: "redeemed", points: 100n, storefront: undefined, counterparty: undefined },
    ]);
    expect(history.every((entry) => entry.timestamp > 0n)).toBe(true);
    await expect(shopperClient.redeemPoints({ points: 10_000n, ref: "coupon-2" })).rejects.toThrow(ERC20InsufficientBalanceError);
  });

  it("grants and revokes consent by signature, submitted by a relayer (no gas for the shopper)", async () => {
    const publicClient = publicClientOf();
    const shopperBalance = await publicClient.getBalance({ address: shopper });
    const deadline = (await now()) + 3_600n;
    const grant = await shopperClient.signConsentGrant({ consumer: consumer.account!, scope: "purchase-history", pricePerAccess: 10n, expiresAt: (await now()) + 86_400n * 30n, deadline });
    await relayer.submitConsent(grant);
    expect(await consumer.checkConsent({ shopper, scope })).toMatchObject({ active: true, pricePerAccess: 10n });
    // A signature is used once.
    await expect(relayer.submitConsent(grant)).rejects.toThrow(InvalidAccountNonceError);
    // A grant whose message was changed is not the shopper's.
    const other = await shopperClient.signConsentGrant({ consumer: consumer.account!, scope: "purchase-history", pricePerAccess: 10n, expiresAt: (await now()) + 86_400n, deadline });
    await expect(relayer.submitConsent({ ...other, message: { ...other.message, pricePerAccess: 0n } })).rejects.toThrow(InvalidShopperSignatureError);

    const revocation = await shopperClient.signConsentRevocation({ consumer: consumer.account!, scope: "purchase-history", deadline });
    await relayer.submitConsent(revocation);
    expect((await consumer.checkConsent({ shopper, scope })).active).toBe(false);
    expect(await publicClient.getBalance({ address: shopper })).toBe(shopperBalance);
  });

  it("submits a consent that travelled as JSON, and refuses a malformed or expired one before sending", async () => {
    const deadline = (await now()) + 3_600n;
    const grant = await shopperClient.signConsentGrant({ consumer: consumer.account!, scope: "loyalty-tier", pricePerAccess: 2n, expiresAt: (await now()) + 86_400n, deadline });
    const nonce = await publicClientOf().getTransactionCount({ address: relayer.account! });
    const refused = async (signed: typeof grant, parameter: string) => {
      const error = await relayer.submitConsent(signed).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error).toMatchObject({ parameter });
    };
    await refused({ ...grant, kind: "consent" as never }, "kind");
    await refused({ ...grant, message: { ...grant.message, deadline: (await now()) - 1n } }, "message.deadline");
    await refused({ ...grant, message: { ...grant.message, expiresAt: 1 } }, "message.expiresAt");
    await refused({ ...grant, message: { ...grant.message, consumer: "0x0" as never } }, "message.consumer");
    await refused({ ...grant, signature: "0x" }, "signature");
    expect(await publicClientOf().getTransactionCount({ address: relayer.account! })).toBe(nonce);

    const sent = JSON.parse(JSON.stringify(grant, (_, value) => (typeof value === "bigint" ? value.toString() : value)));
    await relayer.submitConsent(sent);
    expect(await consumer.checkConsent({ shopper, scope: "loyalty-tier" })).toMatchObject({ active: true, pricePerAccess: 2n });
  });

  it("cancels a signed grant that nobody has submitted", async () => {
    const deadline = (await now()) + 3_600n;
    const grant = await shopperClient.signConsentGrant({ consumer: consumer.account!, scope: "profile", pricePerAccess: 3n, expiresAt: (await now()) + 86_400n, deadline });
    const { nextNonce } = await shopperClient.cancelConsentSignatures();
    expect(nextNonce).toBe(grant.message.nonce + 1n);
    await expect(relayer.submitConsent(grant)).rejects.toThrow(InvalidAccountNonceError);
    expect(await read(store, "ConsentRegistry", "nonces", [shopper])).toBe(nextNonce);
  });

  it("anchors a record and erases it, revoking the consents that stand", async () => {
    const record = keccak256(toHex("encrypted blob"));
    await shopperClient.anchorDataRecord({ scope: "purchase-history", record });
    expect(await read(store, "ConsentRegistry", "recordOf", [shopper, scope])).toBe(record);
    const grant = await shopperClient.signConsentGrant({ consumer: consumer.account!, scope: "purchase-history", pricePerAccess: 1n, expiresAt: (await now()) + 86_400n, deadline: (await now()) + 600n });
    await relayer.submitConsent(grant);
    // The contract refuses an erasure that leaves a consent standing; the action names them all.
    const refused = await transact(shopperClient, "ConsentRegistry", "eraseRecord", [scope, []]).catch((e) => e);
    expect(refused).toBeInstanceOf(ConsentsRemainError);
    expect(refused).toMatchObject({ shopper, scope, remaining: 1n });
    const erased = await shopperClient.eraseDataRecord({ scope: "purchase-history" });
    expect(erased.revokedConsumers).toEqual([consumer.account]);
    expect(await read(store, "ConsentRegistry", "recordOf", [shopper, scope])).toBe(`0x${"0".repeat(64)}`);
    expect((await consumer.checkConsent({ shopper, scope })).active).toBe(false);
  });

  it("withdraws data earnings", async () => {
    await mintDemoDollars(consumer.account!, 1_000n);
    await consumer.depositForAccess({ amount: 1_000n });
    const grant = await shopperClient.signConsentGrant({ consumer: consumer.account!, scope: "purchase-history", pricePerAccess: 40n, expiresAt: (await now()) + 86_400n, deadline: (await now()) + 600n });
    await relayer.submitConsent(grant);
    await consumer.recordAccessBatch({ scope: "purchase-history", shoppers: [shopper], maxPricePerAccess: 40n });
    const earned = await read(store, "DataAccessPayments", "earningsOf", [shopper]);
    expect(earned).toBe(38n); // 40 less the 5% platform fee
    const { amount } = await shopperClient.withdrawDataEarnings();
    expect(amount).toBe(38n);
    expect(await read(store, "DataAccessPayments", "earningsOf", [shopper])).toBe(0n);
  });

  it("tells when points expire once the admin switches expiry on", async () => {
    const admin = await dcrmAs(0);
    const token = { abi: (await import("../../generated/contracts.js")).rewardTokenAbi, address: admin.deployment.contracts.RewardToken.address };
    const hash = await admin.walletClient!.writeContract({ ...token, functionName: "setExpiryPeriod", args: [86_400n * 365n], chain: null });
    await publicClientOf().waitForTransactionReceipt({ hash });
    await store.checkout({ orderId: 3n, shopper, points: 1n });
    const { expiresAt } = await shopperClient.getBalances();
    expect(expiresAt).toBeGreaterThan((await now()) + 86_400n * 364n);
  });

  it("redeems in a later second than the last activity the estimate saw", async () => {
    // Expiry is on: a redemption rewrites the shopper's last-activity time, which costs more gas in a later
    // block than in the one the estimate ran on, where it rewrites the same value.
    const at = (await now()) + 1_000n;
    await publicClientOf().request({ method: "evm_setNextBlockTimestamp" as never, params: [Number(at)] as never });
    await store.checkout({ orderId: 4n, shopper, points: 50n });
    const before = (await shopperClient.getBalances()).spendable;
    // The node's own account signs (as a browser wallet does), and the node estimates at its last block.
    const nodeSigned = await createDcrmClient({
      publicClient: publicClientOf(),
      walletClient: createWalletClient({ account: shopper, chain: foundry, transport: http(inject("rpcUrl")) }),
      deployment: inject("deployment"),
    });
    await publicClientOf().request({ method: "evm_setNextBlockTimestamp" as never, params: [Number(at + 60n)] as never });
    await nodeSigned.redeemPoints({ points: 50n, ref: "coupon-3" });
    expect((await shopperClient.getBalances()).spendable).toBe(before - 50n);
  });

  it("needs a wallet to send or sign", async () => {
    const readOnly = await createDcrmClient({ publicClient: publicClientOf(), deployment: inject("deployment") });
    await expect(readOnly.redeemPoints({ points: 1n, ref: "x" })).rejects.toThrow(AccountRequiredError);
    expect((await readOnly.getBalances({ shopper })).spendable).toBeGreaterThan(0n);
  });
});
