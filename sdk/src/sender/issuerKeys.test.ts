import { createWalletClient, decodeFunctionData, http } from "viem";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { CreateDcrmClientReturnType } from "../client/createDcrmClient.js";
import { referralEscrowAbi, rewardTokenAbi } from "../generated/contracts.js";
import { read } from "../internal/transact.js";
import { InvalidParameterError } from "../errors/clientErrors.js";
import { dcrmAs, mintDemoDollars, publicClientOf, snapshot, testAccount } from "../testing/clients.js";
import { makeIssuer, setIssuanceCap } from "../testing/rewardAdmin.js";
import { memoryJournal } from "./checkoutJournal.js";
import { createCheckoutSender } from "./createCheckoutSender.js";
import type { CheckoutSenderLog } from "./senderStatus.js";

const CAP = 150n;

describe("createCheckoutSender with several signer keys of one storefront", () => {
  let store: CreateDcrmClientReturnType;
  let revert: () => Promise<void>;
  const storefront = testAccount(7);
  const keys = [testAccount(8), testAccount(9)];
  const shoppers = [2, 3, 4, 5].map((i) => testAccount(i).address);
  const walletOf = (account: (typeof keys)[number]) => createWalletClient({ account, chain: foundry, transport: http(inject("rpcUrl")) });
  const issuance = () => read(store, "RewardToken", "storefrontIssuance", [storefront.address]);

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    await makeIssuer(storefront.address, CAP);
    store = await dcrmAs(7);
    const token = store.deployment.contracts.RewardToken!.address;
    for (const key of keys) {
      const hash = await walletOf(storefront).writeContract({ abi: rewardTokenAbi, address: token, functionName: "setIssuerKey", args: [key.address, true] });
      expect((await publicClientOf().waitForTransactionReceipt({ hash })).status).toBe("success");
    }
  });
  afterAll(() => revert());

  it("spreads concurrent checkouts over both keys, issues each order once as the storefront, under its one cap", async () => {
    const logs: CheckoutSenderLog[] = [];
    // The sender's client signs with the first key; the second comes as a signer. Neither holds the role.
    const keyStore = await dcrmAs(8);
    const sender = await createCheckoutSender(keyStore, { journal: memoryJournal(), signers: [walletOf(keys[1]!)], maxBatch: 10, maxWaitMs: 10, onLog: (log) => logs.push(log) });
    const orders = Array.from({ length: 60 }, (_, i) => ({ orderId: 50_000n + BigInt(i), shopper: shoppers[i % shoppers.length]!, points: 2n }));
    // Every third order is submitted twice at once, as by a double-clicked checkout.
    const requests = [...orders, ...orders.filter((_, i) => i % 3 === 0)];
    const answers = await Promise.all(requests.map((order) => sender.submit(order)));

    expect(answers.filter((answer) => !answer.replayed)).toHaveLength(orders.length);
    for (const answer of answers) expect(answer).toMatchObject({ storefront: storefront.address, status: "issued", points: 2n });
    for (const order of orders) expect(await read(store, "RewardToken", "isOrderRewarded", [storefront.address, order.orderId])).toBe(true);
    for (const key of keys) expect(await read(store, "RewardToken", "isOrderRewarded", [key.address, orders[0]!.orderId])).toBe(false);
    expect((await issuance()).issuedInPeriod).toBe(120n);

    // Both keys sent batches, each with nonces of its own, never one nonce twice.
    const hashes = [...new Set(answers.flatMap((answer) => answer.transactions))];
    const sent = await Promise.all(hashes.map((hash) => publicClientOf().getTransaction({ hash })));
    const senders = new Set(sent.map((transaction) => transaction.from.toLowerCase()));
    expect(senders).toEqual(new Set(keys.map((key) => key.address.toLowerCase())));
    expect(new Set(sent.map((transaction) => `${transaction.from}:${transaction.nonce}`)).size).toBe(sent.length);
    expect(logs.filter((log) => log.event === "batch.mined").every((log) => log.storefront === storefront.address)).toBe(true);

    // Past the cap: what fits is issued, the rest refused with IssuanceCapExceeded; keys and storefront share it.
    const more = Array.from({ length: 20 }, (_, i) => ({ orderId: 50_100n + BigInt(i), shopper: shoppers[i % shoppers.length]!, points: 2n }));
    const outcomes = await Promise.allSettled(more.map((order) => sender.submit(order)));
    const issued = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    expect(issued).toHaveLength(15);
    for (const outcome of refused) expect(outcome.reason).toMatchObject({ errorName: "IssuanceCapExceeded" });
    expect((await issuance()).issuedInPeriod).toBe(CAP);
    await sender.close();
  });

  it("refuses a referral at submit until the storefront authorises its keys on ReferralEscrow, then records through the keys", async () => {
    const partner = await dcrmAs(6);
    await partner.registerPartner({ code: "KEYS-ANNA" });
    const token = await mintDemoDollars(storefront.address, 1_000_000n);
    await store.fundReferralBudget({ token, amount: 100_000n });
    await store.enrolPartner({ code: "KEYS-ANNA", rateBps: 1_000 });
    const referral = { code: "KEYS-ANNA", saleAmount: 1_000n, token };
    // The test before used up the cap: room for this one's points.
    await setIssuanceCap(storefront.address, 10n * CAP);

    // The keys act for the storefront on RewardToken only: none of them may record its referrals yet.
    const refusing = await createCheckoutSender(await dcrmAs(8), { journal: memoryJournal(), maxWaitMs: 1 });
    const submitted = refusing.submit({ orderId: 60_000n, shopper: shoppers[0]!, points: 1n, referral });
    await expect(submitted).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(submitted).rejects.toMatchObject({ parameter: "referral.code" });
    expect(refusing.status()).toMatchObject({ queued: 0, inFlight: 0 });
    await refusing.close();

    const escrow = store.deployment.contracts.ReferralEscrow!.address;
    for (const key of keys) {
      const hash = await walletOf(storefront).writeContract({ abi: referralEscrowAbi, address: escrow, functionName: "setIssuerKey", args: [key.address, true] });
      expect((await publicClientOf().waitForTransactionReceipt({ hash })).status).toBe("success");
    }
    const sender = await createCheckoutSender(await dcrmAs(8), { journal: memoryJournal(), signers: [walletOf(keys[1]!)], maxBatch: 5, maxWaitMs: 10 });
    const orders = Array.from({ length: 8 }, (_, i) => ({ orderId: 60_100n + BigInt(i), shopper: shoppers[i % shoppers.length]!, points: 1n, referral }));
    const answers = await Promise.all(orders.map((order) => sender.submit(order)));
    for (const answer of answers) expect(answer).toMatchObject({ storefront: storefront.address, status: "issued", referral: { commission: 100n } });
    for (const order of orders) {
      expect((await read(store, "ReferralEscrow", "referralOf", [storefront.address, order.orderId])).commission).toBe(100n);
      for (const key of keys) expect((await read(store, "ReferralEscrow", "referralOf", [key.address, order.orderId])).status).toBe(0);
    }
    expect(await read(store, "ReferralEscrow", "budgetOf", [storefront.address, token])).toBe(100_000n - 800n);

    // Every transaction, recordReferrals included, was sent by a key: the storefront's own key sent nothing.
    const hashes = [...new Set(answers.flatMap((answer) => answer.transactions))];
    const sent = await Promise.all(hashes.map((hash) => publicClientOf().getTransaction({ hash })));
    const recorded = sent.filter((transaction) => decodeFunctionData({ abi: [...rewardTokenAbi, ...referralEscrowAbi], data: transaction.input }).functionName === "recordReferrals");
    expect(recorded.length).toBeGreaterThan(0);
    for (const transaction of sent) expect(keys.map((key) => key.address.toLowerCase())).toContain(transaction.from.toLowerCase());
    await sender.close();
  });
});
