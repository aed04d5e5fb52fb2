import { createWalletClient, http } from "viem";
import { foundry } from "viem/chains";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";

import type { CreateDcrmClientReturnType } from "../client/createDcrmClient.js";
import { read } from "../internal/transact.js";
import { dcrmAs, publicClientOf, snapshot, testAccount } from "../testing/clients.js";
import { makeIssuer } from "../testing/rewardAdmin.js";
import { memoryJournal } from "./checkoutJournal.js";
import { createCheckoutSender } from "./createCheckoutSender.js";
import { bumped } from "./replaceableTransaction.js";
import type { CheckoutSenderLog } from "./senderStatus.js";

const rpc = (method: string, params: unknown[] = []) => publicClientOf().request({ method: method as never, params: params as never });

async function until<T>(find: () => T | undefined, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("nonces and fee replacement", () => {
  let store: CreateDcrmClientReturnType;
  let revert: () => Promise<void>;
  const shopper = testAccount(5).address;

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    store = await dcrmAs(1);
  });
  afterEach(() => rpc("evm_setAutomine", [true]));
  afterAll(() => revert());

  it("never gives two senders of one process the same nonce", async () => {
    const [a, b] = await Promise.all([1, 2].map(() => createCheckoutSender(store, { journal: memoryJournal(), maxWaitMs: 1, maxBatch: 3, maxInFlight: 2 })));
    const orders = Array.from({ length: 40 }, (_, i) => 10_000n + BigInt(i * 3));
    const results = await Promise.all(orders.map((orderId, i) => (i % 2 === 0 ? a! : b!).submit({ orderId, shopper, points: 1n })));
    expect(results.every((r) => !r.replayed)).toBe(true);
    const hashes = [...new Set(results.map((r) => r.transactions[0]!))];
    const nonces = await Promise.all(hashes.map(async (hash) => (await publicClientOf().getTransaction({ hash })).nonce));
    expect(new Set(nonces).size).toBe(hashes.length);
    expect(a!.status().batches + b!.status().batches).toBe(hashes.length);
    await Promise.all([a!.close(), b!.close()]);
  });

  it("shares the load between several keys of the storefront: each 256-order block goes to one key", async () => {
    const second = testAccount(6);
    await makeIssuer(second.address, 10n ** 24n);
    const wallet = createWalletClient({ account: second, chain: foundry, transport: http(inject("rpcUrl")) });
    const sender = await createCheckoutSender(store, { journal: memoryJournal(), signers: [wallet], maxWaitMs: 20 });
    const orders = [0n, 1n, 2n, 256n, 257n, 512n].map((i) => 20_480n + i);
    const results = await Promise.all(orders.map((orderId) => sender.submit({ orderId, shopper, points: 2n })));
    expect(results.map((r) => r.storefront)).toEqual([store.account, store.account, store.account, second.address, second.address, store.account]);
    for (const r of results) expect(await read(store, "RewardToken", "isOrderRewarded", [r.storefront, r.orderId])).toBe(true);
    expect(await read(store, "RewardToken", "isOrderRewarded", [store.account!, 20_736n])).toBe(false);
    await sender.close();
  });

  it("replaces a dropped transaction with both fees raised, and reports the one that landed", async () => {
    const logs: CheckoutSenderLog[] = [];
    const sender = await createCheckoutSender(store, { journal: memoryJournal(), maxWaitMs: 1, replaceAfterMs: 300, pollingIntervalMs: 50, onLog: (log) => logs.push(log) });
    await rpc("evm_setAutomine", [false]);
    const effects = sender.submit({ orderId: 30_000n, shopper, points: 3n });
    const first = await until(() => logs.find((log) => log.event === "batch.sent"), "the first transaction");
    await rpc("anvil_dropTransaction", [first.hash]);
    const replacement = await until(() => logs.find((log) => log.event === "transaction.replaced"), "the replacement");
    await rpc("evm_mine");
    const result = await effects;
    expect(result.transactions).toEqual([replacement.hash]);
    expect(replacement.hash).not.toBe(first.hash);
    expect(replacement.nonce).toBe(first.nonce);
    expect(replacement.maxFeePerGas as bigint).toBeGreaterThanOrEqual(bumped(first.maxFeePerGas as bigint, 10));
    expect(replacement.maxPriorityFeePerGas as bigint).toBeGreaterThanOrEqual(bumped(first.maxPriorityFeePerGas as bigint, 10));
    expect(logs.find((log) => log.event === "transaction.landed")).toMatchObject({ hash: replacement.hash, hashes: [first.hash, replacement.hash] });
    expect(sender.status()).toMatchObject({ replacements: 1, confirmed: 1 });
    await sender.close();
  });

  it("replaces an underpriced transaction that blocks do not take, and issues the order once", async () => {
    const logs: CheckoutSenderLog[] = [];
    const sender = await createCheckoutSender(store, { journal: memoryJournal(), maxWaitMs: 1, replaceAfterMs: 400, pollingIntervalMs: 50, onLog: (log) => logs.push(log) });
    await rpc("evm_setAutomine", [false]);
    const effects = sender.submit({ orderId: 30_001n, shopper, points: 4n });
    const first = await until(() => logs.find((log) => log.event === "batch.sent"), "the first transaction");
    // The next block's base fee is above what the transaction offers: the block leaves it out.
    await rpc("anvil_setNextBlockBaseFeePerGas", [`0x${((first.maxFeePerGas as bigint) + 1n).toString(16)}`]);
    await rpc("evm_mine");
    expect(await publicClientOf().getTransactionReceipt({ hash: first.hash as `0x${string}` }).catch(() => undefined)).toBeUndefined();
    const replacement = await until(() => logs.find((log) => log.event === "transaction.replaced"), "the replacement");
    await rpc("evm_mine");
    const result = await effects;
    expect(result.transactions).toEqual([replacement.hash]);
    expect(replacement.maxFeePerGas as bigint).toBeGreaterThan(first.maxFeePerGas as bigint);
    expect(await read(store, "RewardToken", "isOrderRewarded", [store.account!, 30_001n])).toBe(true);
    expect(sender.status()).toMatchObject({ confirmed: 1, replacements: 1 });
    await sender.close();
  });
});
