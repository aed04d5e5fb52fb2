import { decodeFunctionData } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CreateDcrmClientReturnType } from "../client/createDcrmClient.js";
import { InvalidParameterError } from "../errors/clientErrors.js";
import { SelfReferralError, UnknownCodeError } from "../generated/errors.js";
import { abis } from "../internal/contracts.js";
import { read } from "../internal/transact.js";
import { dcrmAs, mintDemoDollars, publicClientOf, snapshot, testAccount } from "../testing/clients.js";
import { memoryJournal } from "./checkoutJournal.js";
import { type CheckoutSender, CheckoutSenderClosedError, createCheckoutSender } from "./createCheckoutSender.js";
import type { CheckoutSenderLog } from "./senderStatus.js";

describe("createCheckoutSender", () => {
  let store: CreateDcrmClientReturnType;
  let sender: CheckoutSender;
  let revert: () => Promise<void>;
  const logs: CheckoutSenderLog[] = [];
  const shoppers = [5, 6, 7, 8].map((i) => testAccount(i).address);
  const partner = testAccount(9);

  const functionOf = async (hash: `0x${string}`) => {
    const transaction = await publicClientOf().getTransaction({ hash });
    return decodeFunctionData({ abi: [...abis.RewardToken, ...abis.ReferralEscrow], data: transaction.input }).functionName;
  };

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    store = await dcrmAs(1);
    const partnerClient = await dcrmAs(9);
    await partnerClient.registerPartner({ code: "SENDER-ANNA" });
    const token = await mintDemoDollars(store.account!, 1_000_000n);
    await store.fundReferralBudget({ token, amount: 100_000n });
    await store.enrolPartner({ code: "SENDER-ANNA", rateBps: 1_000 });
    sender = await createCheckoutSender(store, { journal: memoryJournal(), maxWaitMs: 50, maxBatch: 50, onLog: (log) => logs.push(log) });
  });
  afterAll(async () => {
    await sender.close();
    await revert();
  });

  it("sends concurrent checkouts with consecutive order numbers as one issueForOrderRange, each with its own effects", async () => {
    const effects = await Promise.all(shoppers.map((shopper, i) => sender.submit({ orderId: 1_000n + BigInt(i), shopper, points: 10n * BigInt(i + 1) })));
    effects.forEach((e, i) => expect(e).toMatchObject({ orderId: 1_000n + BigInt(i), shopper: shoppers[i], points: 10n * BigInt(i + 1), status: "issued", replayed: false }));
    const hashes = new Set(effects.map((e) => e.transactions[0]));
    expect(hashes.size).toBe(1);
    expect(await functionOf(effects[0]!.transactions[0]!)).toBe("issueForOrderRange");
    for (const [i, shopper] of shoppers.entries()) expect(await read(store, "RewardToken", "balanceOf", [shopper])).toBe(10n * BigInt(i + 1));
    const status = sender.status();
    expect(status).toMatchObject({ queued: 0, inFlight: 0, confirmed: 4, batches: 1, currentBatchSize: 4 });
    expect(status.gasPerOrder!.last).toBeGreaterThan(10_000);
    expect(logs.some((log) => log.event === "batch.mined" && log.orders === 4)).toBe(true);
  });

  it("sends order numbers that are not consecutive as one issueBatch", async () => {
    const effects = await Promise.all([2_000n, 2_002n, 2_010n].map((orderId) => sender.submit({ orderId, shopper: shoppers[0]!, points: 1n })));
    expect(new Set(effects.map((e) => e.transactions[0])).size).toBe(1);
    expect(await functionOf(effects[0]!.transactions[0]!)).toBe("issueBatch");
  });

  it("answers a duplicate in the queue and a retry after confirmation with the original effects, issuing once", async () => {
    const before = await read(store, "RewardToken", "balanceOf", [shoppers[1]!]);
    const [first, duplicate] = await Promise.all([
      sender.submit({ orderId: 3_000n, shopper: shoppers[1]!, points: 40n }),
      sender.submit({ orderId: 3_000n, shopper: shoppers[1]!, points: 40n }),
    ]);
    expect(first).toMatchObject({ replayed: false, points: 40n });
    expect(duplicate).toMatchObject({ replayed: true, points: 40n, transactions: [] });
    const retry = await sender.submit({ orderId: 3_000n, shopper: shoppers[1]!, points: 999n });
    expect(retry).toMatchObject({ replayed: true, points: 40n, shopper: shoppers[1] });
    expect(await read(store, "RewardToken", "balanceOf", [shoppers[1]!])).toBe(before + 40n);
  });

  it("answers an order rewarded before this sender started with the chain's original effects", async () => {
    const fresh = await createCheckoutSender(store, { journal: memoryJournal(), maxWaitMs: 5 });
    const effects = await fresh.submit({ orderId: 1_001n, shopper: shoppers[3]!, points: 12_345n });
    expect(effects).toMatchObject({ orderId: 1_001n, shopper: shoppers[1], points: 20n, replayed: true, transactions: [] });
    expect(fresh.status()).toMatchObject({ replayed: 1, confirmed: 0 });
    await fresh.close();
  });

  it("records the batch's referrals in one recordReferrals; a refused referral leaves the points issued", async () => {
    const [referred, selfReferred, plain] = await Promise.all([
      sender.submit({ orderId: 4_000n, shopper: shoppers[2]!, points: 5n, referral: { code: "SENDER-ANNA", saleAmount: 2_000n } }),
      sender.submit({ orderId: 4_001n, shopper: partner.address, points: 6n, referral: { code: "SENDER-ANNA", saleAmount: 1_000n } }),
      sender.submit({ orderId: 4_002n, shopper: shoppers[2]!, points: 7n }),
    ]);
    expect(referred.referral).toMatchObject({ commission: 200n, saleAmount: 2_000n });
    expect(referred.transactions).toHaveLength(2);
    expect(await functionOf(referred.transactions[1]!)).toBe("recordReferrals");
    expect(selfReferred.referral).toBeUndefined();
    expect(selfReferred.referralError).toBeInstanceOf(SelfReferralError);
    expect(selfReferred).toMatchObject({ points: 6n, status: "issued", replayed: false });
    expect(plain).toMatchObject({ points: 7n, referral: undefined });
    expect((await read(store, "ReferralEscrow", "referralOf", [store.account!, 4_000n])).status).not.toBe(0);
    expect((await read(store, "ReferralEscrow", "referralOf", [store.account!, 4_001n])).status).toBe(0);
    // Gas per order counts the batch's recordReferrals with its issuance: both transactions over three orders.
    const [issuance, referrals] = await Promise.all(referred.transactions.map((hash) => publicClientOf().getTransactionReceipt({ hash })));
    expect(sender.status().gasPerOrder!.last).toBe(Math.round(Number(issuance!.gasUsed + referrals!.gasUsed) / 3));
  });

  it("counts the key's nonces again when the storefront sent from the same key outside the sender, without failing a batch", async () => {
    await sender.submit({ orderId: 7_000n, shopper: shoppers[0]!, points: 3n });
    // The same key sends outside the sender: the sender's local nonce count is now behind the node's.
    const wallet = store.walletClient!;
    await publicClientOf().waitForTransactionReceipt({ hash: await wallet.sendTransaction({ account: wallet.account!, chain: wallet.chain, to: store.account!, value: 0n }) });
    const before = sender.status();
    const failedLogs = logs.filter((log) => log.event === "batch.failed").length;
    const resyncLogs = logs.filter((log) => log.event === "nonce.resynced").length;
    const effects = await sender.submit({ orderId: 7_001n, shopper: shoppers[0]!, points: 4n });
    expect(effects).toMatchObject({ points: 4n, status: "issued", replayed: false });
    expect(logs.filter((log) => log.event === "nonce.resynced").length).toBeGreaterThan(resyncLogs);
    expect(logs.filter((log) => log.event === "batch.failed")).toHaveLength(failedLogs);
    expect(sender.status().failed).toEqual(before.failed);
  });

  it("refuses bad requests with typed errors before anything is queued", async () => {
    const shopper = shoppers[0]!;
    await expect(sender.submit({ orderId: 5_000n, shopper: "0x1234" as never, points: 1n })).rejects.toThrow(InvalidParameterError);
    await expect(sender.submit({ orderId: 5_000n, shopper: "0x0000000000000000000000000000000000000000", points: 1n })).rejects.toThrow(/shopper/);
    await expect(sender.submit({ orderId: 5_000n, shopper, points: 0n })).rejects.toThrow(/points/);
    await expect(sender.submit({ orderId: 5_000n, shopper, points: -5n })).rejects.toThrow(InvalidParameterError);
    await expect(sender.submit({ orderId: 5_000n, shopper, amount: 0n, rate: { points: 1n, per: 1n } })).rejects.toThrow(/amount/);
    await expect(sender.submit({ orderId: -1n, shopper, points: 1n })).rejects.toThrow(/orderId/);
    await expect(sender.submit({ orderId: 2n ** 64n, shopper, points: 1n })).rejects.toThrow(/orderId/);
    const unknown = await sender.submit({ orderId: 5_000n, shopper, points: 1n, referral: { code: "NOBODY-HAS-THIS", saleAmount: 1n } }).catch((e) => e);
    expect(unknown).toBeInstanceOf(UnknownCodeError);
    expect(sender.status()).toMatchObject({ queued: 0, inFlight: 0 });
    expect(await read(store, "RewardToken", "isOrderRewarded", [store.account!, 5_000n])).toBe(false);
  });

  it("refuses options that would break replacement or batching", async () => {
    await expect(createCheckoutSender(store, { journal: memoryJournal(), feeBumpPercent: 5 })).rejects.toThrow(/feeBumpPercent/);
    await expect(createCheckoutSender(store, { journal: memoryJournal(), maxBatch: 0 })).rejects.toThrow(/maxBatch/);
  });

  it("accepts nothing once closed", async () => {
    const closing = await createCheckoutSender(store, { journal: memoryJournal() });
    await closing.close();
    await expect(closing.submit({ orderId: 6_000n, shopper: shoppers[0]!, points: 1n })).rejects.toThrow(CheckoutSenderClosedError);
  });
});

