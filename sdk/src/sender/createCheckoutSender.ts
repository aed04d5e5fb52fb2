import { type Address, encodeFunctionData, type Hash, type Hex, isAddressEqual, parseEventLogs, zeroAddress } from "viem";

import type { CheckoutReturnType } from "../actions/storefront/checkout.js";
import type { DcrmClient, DcrmWalletClient } from "../client/createDcrmClient.js";
import { InvalidParameterError, TransactionRevertedError } from "../errors/clientErrors.js";
import type { ContractRevertError } from "../errors/contractRevertError.js";
import { DcrmError } from "../errors/dcrmError.js";
import { abis, addressOf } from "../internal/contracts.js";
import { findOrderIssuance } from "../internal/orderIssuance.js";
import { findRecordedReferral } from "../internal/referralRecord.js";
import { gasLimitFor } from "../internal/gasLimit.js";
import { walletOf } from "../internal/transact.js";
import { type CheckoutJournal, type JournalEntry, orderKey, unsettledOrders } from "./checkoutJournal.js";
import { type CheckoutOrder, type CheckoutRequest, DEFAULT_ORDER_ID_RANGE, type OrderIdRange, toCheckoutOrder } from "./checkoutRequest.js";
import { fileJournal } from "./fileJournal.js";
import { byOrderId, issuanceCall } from "./issuanceCall.js";
import { judgeIssuanceRevert, judgeReferralRevert } from "./judgeReverts.js";
import { type NonceManager, nonceManagerOf } from "./nonceManager.js";
import { MIN_FEE_BUMP_PERCENT, NonceTakenError, sendReplaceable } from "./replaceableTransaction.js";
import { screenBatch } from "./screenBatch.js";
import { type CheckoutSenderLog, type CheckoutSenderStatus, createCounters } from "./senderStatus.js";

/** What a checkout through the sender did: the `checkout` action's effects, and why a referral was refused. */
export type CheckoutSenderEffects = CheckoutReturnType & {
  /** The referral was refused (self-referral, a partner not enrolled, its cap, the budget…); the points were issued. */
  referralError?: ContractRevertError;
};

/** An order the sender has accepted: journaled, so it is issued even if the process dies now. */
export interface AcceptedCheckout {
  storefront: Address;
  orderId: bigint;
  /** Settles when the order is issued (its effects) or refused (its typed error). */
  effects: Promise<CheckoutSenderEffects>;
}

export interface CheckoutSenderOptions {
  /**
   * More keys that share the load, each with its own nonces. A signer key that its storefront authorised on
   * RewardToken (`setIssuerKey`) issues as that storefront: its orders, effects and idempotency lookups use the
   * storefront's address, and batches are spread across the storefront's keys. A key that holds the issuer role
   * itself is a storefront of its own (its own order numbers, cap and policy): orders of one 256-order block
   * always go to the same such storefront.
   */
  signers?: readonly DcrmWalletClient[];
  /** The most orders in one transaction (default 100). */
  maxBatch?: number;
  /** How long the first order of a batch waits for others (default 25 ms). */
  maxWaitMs?: number;
  /** Batches of one key sent and not yet mined at a time (default 1). */
  maxInFlight?: number;
  /** Replace a transaction not mined this long after it was sent (default 30 s). */
  replaceAfterMs?: number;
  /** How much a replacement raises both fee fields, in percent (default 12; at least 10). */
  feeBumpPercent?: number;
  /** How often to look for receipts (default: the public client's polling interval). */
  pollingIntervalMs?: number;
  /** Where accepted orders are journaled: a journal, or a file path (default `.dcrm/checkout-<chain>-<storefront>.jsonl`). */
  journal?: CheckoutJournal | string;
  /** The order numbers accepted (default 0 to 2**64 - 1). */
  orderIdRange?: OrderIdRange;
  /** How often an order is tried again after its batch failed to land (default 3). */
  maxAttempts?: number;
  /** Structured logs. */
  onLog?: (log: CheckoutSenderLog) => void;
}

export interface CheckoutSender {
  /** Checks, journals and queues a checkout; resolves with the order's own effects once it is mined. */
  submit(request: CheckoutRequest): Promise<CheckoutSenderEffects>;
  /** Checks, journals and queues a checkout; resolves as soon as the order is durably accepted. */
  accept(request: CheckoutRequest): Promise<AcceptedCheckout>;
  status(): CheckoutSenderStatus;
  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void>;
  /** Accepts nothing more, sends what is queued, and closes the journal. */
  close(): Promise<void>;
}

/** The sender was closed: it accepts no more checkouts. */
export class CheckoutSenderClosedError extends DcrmError {
  override name = "CheckoutSenderClosedError";
  constructor() {
    super("The checkout sender is closed and accepts no more checkouts.");
  }
}

interface Lane {
  wallet: DcrmWalletClient;
  /** The key that signs: its nonces, its gas estimates. */
  account: Address;
  /** The storefront the key issues as: the key itself, or the storefront that authorised it. */
  storefront: Address;
  /** The storefront the key records referrals as on ReferralEscrow, whose keys a storefront authorises apart. */
  referralStorefront: Address;
  nonces: NonceManager;
  queue: Entry[];
  inFlight: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface BatchGas {
  used: bigint;
  orders: number;
  transactions: number;
}

interface Entry {
  order: CheckoutOrder;
  key: string;
  effects: Promise<CheckoutSenderEffects>;
  resolve: (effects: CheckoutSenderEffects) => void;
  reject: (error: unknown) => void;
  attempts: number;
  /** Issued by this sender (kept across a retry of the referral). */
  issued?: { hash: Hash; status: "issued" | "pending"; releaseTime: bigint | undefined };
  /** Found rewarded before. */
  rewardedBefore?: boolean;
  referral?: CheckoutReturnType["referral"];
  referralRecordedBefore?: boolean;
  referralError?: ContractRevertError;
  transactions: Hash[];
  /** Why its last batch did not land (the error it gets when out of attempts). */
  lastError?: unknown;
}

/** How often one send counts its key's nonces from the node again after finding its nonce taken by another sender. */
const MAX_RESYNCS = 3;

/** Answers kept for orders settled here, so that a retried checkout is answered without the chain. */
const SETTLED_KEPT = 100_000;

/**
 * A checkout sender for a storefront's server: `submit` checks each checkout (a typed error before anything is
 * queued), journals it, and batches it with the others that arrive within `maxWaitMs` (or up to `maxBatch`) into
 * one transaction: `issueForOrderRange` when the order numbers are consecutive, `issueBatch` otherwise, then one
 * `recordReferrals` per budget token for the batch's referrals. Each caller gets its own order's effects.
 *
 * A batch is simulated first: an order rewarded before gets its original effects, an order that would revert
 * gets its typed error, and a cap the batch would cross is split at the cap; the rest goes. Nonces are counted
 * locally (shared by every sender of the process); a transaction not mined within `replaceAfterMs` is signed
 * again with both fee fields raised, and whichever lands counts. After a crash, the journal's accepted orders that
 * the chain's order bitmap does not hold are sent again; the bitmap makes a second issuance impossible.
 *
 * @example
 * const sender = await createCheckoutSender(dcrm, { journal: "/var/lib/shop/checkout.jsonl", maxBatch: 200 });
 * app.post("/orders/:id/complete", async (req, res) => {
 *   const effects = await sender.submit({ orderId: BigInt(req.params.id), shopper: req.body.wallet, amount: req.body.cents, rate: { points: 10n ** 18n, per: 100n } });
 *   res.json({ points: effects.points.toString(), status: effects.status });
 * });
 */
export async function createCheckoutSender(client: DcrmClient, options: CheckoutSenderOptions = {}): Promise<CheckoutSender> {
  const maxBatch = positive("maxBatch", options.maxBatch ?? 100);
  const maxWaitMs = nonNegative("maxWaitMs", options.maxWaitMs ?? 25);
  const maxInFlight = positive("maxInFlight", options.maxInFlight ?? 1);
  const replaceAfterMs = positive("replaceAfterMs", options.replaceAfterMs ?? 30_000);
  const feeBumpPercent = options.feeBumpPercent ?? 12;
  if (!(feeBumpPercent >= MIN_FEE_BUMP_PERCENT)) throw new InvalidParameterError("feeBumpPercent", feeBumpPercent, `at least ${MIN_FEE_BUMP_PERCENT} (nodes refuse smaller replacement bumps)`);
  const pollingIntervalMs = positive("pollingIntervalMs", options.pollingIntervalMs ?? client.publicClient.pollingInterval);
  const maxAttempts = positive("maxAttempts", options.maxAttempts ?? 3);
  const orderIdRange = options.orderIdRange ?? DEFAULT_ORDER_ID_RANGE;
  const { publicClient } = client;
  const chainId = client.deployment.chainId;

  const wallets = [walletOf(client, "createCheckoutSender"), ...(options.signers ?? [])];
  const lanes: Lane[] = [];
  for (const wallet of wallets) {
    const account = wallet.account.address;
    if (lanes.some((lane) => lane.account === account)) continue;
    const [storefront, referralStorefront] = await Promise.all([storefrontOfSigner(client, "RewardToken", account), storefrontOfSigner(client, "ReferralEscrow", account)]);
    lanes.push({ wallet, account, storefront, referralStorefront, nonces: await nonceManagerOf(publicClient, account), queue: [], inFlight: 0, timer: undefined });
  }
  const storefronts = [...new Set(lanes.map((lane) => lane.storefront))];
  const storefrontOf = (orderId: bigint): Address => storefronts[Number((orderId >> 8n) % BigInt(storefronts.length))]!;
  /**
   * The key of `storefront` that takes its next order: the first one that is free and still filling a batch,
   * else the least loaded; so one key's batch fills while another's is in flight.
   */
  const laneOfStorefront = (storefront: Address): Lane | undefined => {
    const keys = lanes.filter((lane) => lane.storefront.toLowerCase() === storefront.toLowerCase());
    const filling = keys.find((lane) => lane.inFlight < maxInFlight && lane.queue.length < maxBatch);
    if (filling) return filling;
    const load = (lane: Lane) => lane.queue.length + lane.inFlight * maxBatch;
    return keys.reduce<Lane | undefined>((best, lane) => (best && load(best) <= load(lane) ? best : lane), undefined);
  };
  /**
   * The key that records the referrals of `lane`'s batch: the lane itself when it is the storefront or one of the
   * storefront's keys on ReferralEscrow too, else another key (or the storefront's own) that records for it there.
   */
  const recordsFor = (lane: Lane, storefront: Address) => isAddressEqual(lane.referralStorefront, storefront);
  const referralLaneOf = (lane: Lane): Lane => (recordsFor(lane, lane.storefront) ? lane : lanes.find((other) => recordsFor(other, lane.storefront)) ?? lane);

  const journal = typeof options.journal === "object" ? options.journal : fileJournal(options.journal ?? `${process.cwd()}/.dcrm/checkout-${chainId}-${lanes[0]!.storefront}.jsonl`);
  const open = new Map<string, Entry>();
  const settled = new Map<string, CheckoutSenderEffects>();
  const knownCodes = new Set<Hex>();
  const { counters, failed, mined, snapshot } = createCounters();
  let inFlight = 0;
  let closed = false;

  const log = (level: CheckoutSenderLog["level"], event: string, fields: Record<string, unknown> = {}) => {
    if (options.onLog) options.onLog({ level, event, time: Date.now(), ...fields });
  };
  const record = (entries: JournalEntry[]) => journal.append(entries).catch((error) => log("error", "journal.failed", { error }));

  function newEntry(order: CheckoutOrder): Entry {
    let resolve!: Entry["resolve"];
    let reject!: Entry["reject"];
    const effects = new Promise<CheckoutSenderEffects>((res, rej) => ((resolve = res), (reject = rej)));
    // Recovered orders have no caller: their outcome is logged, never an unhandled rejection.
    effects.catch(() => {});
    return { order, key: orderKey(order.storefront, order.orderId), effects, resolve, reject, attempts: 0, transactions: [] };
  }

  function enqueue(lane: Lane, entries: Entry[], front = false) {
    if (front) lane.queue.unshift(...entries);
    else lane.queue.push(...entries);
    schedule(lane);
  }

  function schedule(lane: Lane) {
    if (lane.queue.length === 0 || lane.inFlight >= maxInFlight) return;
    if (lane.queue.length >= maxBatch || maxWaitMs === 0) {
      if (lane.timer) clearTimeout(lane.timer);
      lane.timer = undefined;
      void runBatch(lane);
      return;
    }
    lane.timer ??= setTimeout(() => {
      lane.timer = undefined;
      if (lane.queue.length > 0 && lane.inFlight < maxInFlight) void runBatch(lane);
    }, maxWaitMs);
  }

  function settle(entry: Entry, outcome: { effects: CheckoutSenderEffects } | { error: unknown }) {
    open.delete(entry.key);
    if ("effects" in outcome) {
      settled.set(entry.key, outcome.effects);
      if (settled.size > SETTLED_KEPT) settled.delete(settled.keys().next().value!);
      const replayed = outcome.effects.replayed;
      if (replayed) counters.replayed += 1;
      else counters.confirmed += 1;
      void record([{ kind: "settled", storefront: entry.order.storefront, orderId: entry.order.orderId, outcome: replayed ? "replayed" : "confirmed", transaction: outcome.effects.transactions[0] }]);
      entry.resolve(outcome.effects);
    } else {
      const reason = (outcome.error as { errorName?: string; name?: string }).errorName ?? (outcome.error as Error).name ?? "Error";
      failed(reason);
      log("warn", "order.failed", { orderId: entry.order.orderId, storefront: entry.order.storefront, reason, error: outcome.error });
      void record([{ kind: "settled", storefront: entry.order.storefront, orderId: entry.order.orderId, outcome: "failed", reason }]);
      entry.reject(outcome.error);
    }
  }

  async function runBatch(lane: Lane) {
    const batch = lane.queue.splice(0, maxBatch);
    lane.inFlight += 1;
    inFlight += batch.length;
    counters.currentBatchSize = batch.length;
    const retry: Entry[] = [];
    let delay = 0;
    /** What the batch's transactions used, for the orders it issued. */
    const gas: BatchGas = { used: 0n, orders: 0, transactions: 0 };
    try {
      await sendBatch(lane, batch, retry, gas);
    } catch (error) {
      // Not a contract revert (the node is unreachable, the nonce was taken): try the batch's open orders again.
      log("error", "batch.failed", { storefront: lane.storefront, key: lane.account, orders: batch.length, error });
      for (const entry of batch) {
        if (open.get(entry.key) !== entry || retry.includes(entry)) continue;
        entry.lastError = error;
        retry.push(entry);
      }
      delay = Math.min(1_000, 50 * 2 ** Math.min(...batch.map((entry) => entry.attempts)));
    } finally {
      if (gas.transactions > 0) mined(gas.used, gas.orders, gas.transactions);
      const again: Entry[] = [];
      for (const entry of retry) {
        entry.attempts += 1;
        if (entry.attempts >= maxAttempts) settle(entry, { error: entry.lastError ?? new Error(`order ${entry.order.orderId} failed ${entry.attempts} times`) });
        else again.push(entry);
      }
      lane.inFlight -= 1;
      inFlight -= batch.length;
      if (again.length > 0) {
        if (delay > 0) setTimeout(() => enqueue(lane, again, true), delay);
        else enqueue(lane, again, true);
      } else schedule(lane);
    }
  }

  /** Issues the batch's orders, records their referrals, and settles each order (or adds it to `retry`). */
  async function sendBatch(lane: Lane, batch: Entry[], retry: Entry[], gas: BatchGas) {
    const entryOf = new Map(batch.map((entry) => [entry.order, entry]));
    const toIssue = batch.filter((entry) => !entry.issued).map((entry) => entry.order).sort(byOrderId);
    const rewardToken = addressOf(client, "RewardToken");

    if (toIssue.length > 0) {
      const screened = await screenBatch(
        toIssue,
        (orders) => {
          const call = issuanceCall(orders);
          return publicClient.estimateContractGas({ abi: abis.RewardToken, address: rewardToken, functionName: call.functionName, args: call.args as never, account: lane.account });
        },
        judgeIssuanceRevert({ contract: "RewardToken" }),
      );
      for (const { item, error } of screened.rejected) settle(entryOf.get(item)!, { error });
      for (const order of screened.done) entryOf.get(order)!.rewardedBefore = true;
      if (screened.deferred.length > 0) enqueue(lane, screened.deferred.map((order) => entryOf.get(order)!), true);
      if (screened.send.length > 0) {
        const call = issuanceCall(screened.send);
        const sent = screened.send.map((order) => entryOf.get(order)!);
        const receipt = await send(lane, rewardToken, encodeFunctionData({ abi: abis.RewardToken, functionName: call.functionName, args: call.args as never }), screened.gas, { form: call.functionName, orders: sent.length });
        if (receipt.status !== "success") {
          for (const entry of sent) (entry.lastError = new TransactionRevertedError(receipt.transactionHash, "RewardToken", call.functionName)), retry.push(entry);
        } else {
          gas.used += receipt.gasUsed;
          gas.orders += sent.length;
          gas.transactions += 1;
          log("info", "batch.mined", { storefront: lane.storefront, key: lane.account, form: call.functionName, orders: sent.length, gasUsed: receipt.gasUsed, hash: receipt.transactionHash });
          const pending = new Map(parseEventLogs({ abi: abis.RewardToken, logs: receipt.logs, eventName: "PointsPending" }).map((event) => [event.args.orderId, event.args.releaseTime]));
          for (const entry of sent) {
            const releaseTime = pending.get(entry.order.orderId);
            entry.issued = { hash: receipt.transactionHash, status: releaseTime === undefined ? "issued" : "pending", releaseTime };
            entry.transactions.push(receipt.transactionHash);
          }
        }
      }
    }

    await recordReferrals(referralLaneOf(lane), batch.filter((entry) => entry.order.referral && (entry.issued || entry.rewardedBefore) && open.get(entry.key) === entry && !retry.includes(entry)), retry, gas);

    for (const entry of batch) {
      if (open.get(entry.key) !== entry || retry.includes(entry)) continue;
      if (entry.issued) settle(entry, { effects: effectsOf(entry, false) });
      else if (entry.rewardedBefore) settle(entry, { effects: await originalEffects(entry) });
    }
  }

  /** Records the referrals of orders whose points are issued: one `recordReferrals` per budget token. */
  async function recordReferrals(lane: Lane, entries: Entry[], retry: Entry[], gas: BatchGas) {
    const escrow = addressOf(client, "ReferralEscrow");
    const byToken = new Map<Address, Entry[]>();
    for (const entry of entries) byToken.set(entry.order.referral!.token, [...(byToken.get(entry.order.referral!.token) ?? []), entry]);
    for (const [token, group] of byToken) {
      const sales = group.map((entry) => ({ orderId: entry.order.orderId, code: entry.order.referral!.code, saleAmount: entry.order.referral!.saleAmount, buyer: entry.order.shopper, entry }));
      const screened = await screenBatch(
        sales,
        (batch) => publicClient.estimateContractGas({ abi: abis.ReferralEscrow, address: escrow, functionName: "recordReferrals", args: [token, batch.map(({ entry: _, ...sale }) => sale)], account: lane.account }),
        judgeReferralRevert({ contract: "ReferralEscrow", functionName: "recordReferrals" }),
      );
      for (const { item, error } of screened.rejected) item.entry.referralError = error;
      for (const sale of screened.done) sale.entry.referralRecordedBefore = true;
      for (const sale of screened.deferred) (sale.entry.lastError = undefined), retry.push(sale.entry);
      if (screened.send.length === 0) continue;
      const data = encodeFunctionData({ abi: abis.ReferralEscrow, functionName: "recordReferrals", args: [token, screened.send.map(({ entry: _, ...sale }) => sale)] });
      const receipt = await send(lane, escrow, data, screened.gas, { form: "recordReferrals", orders: screened.send.length });
      if (receipt.status !== "success") {
        for (const sale of screened.send) (sale.entry.lastError = new TransactionRevertedError(receipt.transactionHash, "ReferralEscrow", "recordReferrals")), retry.push(sale.entry);
        continue;
      }
      gas.used += receipt.gasUsed;
      gas.transactions += 1;
      log("info", "batch.mined", { storefront: lane.storefront, key: lane.account, form: "recordReferrals", orders: screened.send.length, gasUsed: receipt.gasUsed, hash: receipt.transactionHash });
      const recorded = new Map(parseEventLogs({ abi: abis.ReferralEscrow, logs: receipt.logs, eventName: "ReferralRecorded" }).map((event) => [event.args.orderId, event.args]));
      for (const sale of screened.send) {
        const args = recorded.get(sale.orderId);
        if (args) sale.entry.referral = { partnerId: Number(args.partnerId), token: args.token, saleAmount: args.saleAmount, commission: args.commission, releaseTime: args.releaseTime };
        sale.entry.transactions.push(receipt.transactionHash);
      }
    }
  }

  /**
   * Sends one batch transaction from the lane's key with the next nonce, replacing it until one lands. When the
   * key sent elsewhere too (a refund from the same server, another program), the local count is behind: the
   * nonce turns out taken before anything was signed, so it counts from the node again and sends at once.
   */
  async function send(lane: Lane, to: Address, data: Hex, simulatedGas: bigint, fields: Record<string, unknown>) {
    for (let resyncs = 0; ; resyncs++) {
      try {
        return await sendWithNextNonce(lane, to, data, simulatedGas, fields);
      } catch (error) {
        if (!(error instanceof NonceTakenError && error.hashes.length === 0) || resyncs >= MAX_RESYNCS) throw error;
        log("info", "nonce.resynced", { storefront: lane.storefront, key: lane.account, nonce: error.nonce });
      }
    }
  }

  async function sendWithNextNonce(lane: Lane, to: Address, data: Hex, simulatedGas: bigint, fields: Record<string, unknown>) {
    const nonce = await lane.nonces.next();
    let sentAny = false;
    try {
      const { receipt, hashes } = await sendReplaceable({
        publicClient,
        wallet: lane.wallet,
        chainId,
        to,
        data,
        gas: gasLimitFor(simulatedGas),
        nonce,
        replaceAfterMs,
        feeBumpPercent,
        pollingIntervalMs,
        onSent: ({ hash, fees, replacement }) => {
          sentAny = true;
          if (replacement) counters.replacements += 1;
          log("info", replacement ? "transaction.replaced" : "batch.sent", { storefront: lane.storefront, key: lane.account, nonce, hash, ...fees, ...fields });
        },
      });
      if (hashes.length > 1) log("info", "transaction.landed", { storefront: lane.storefront, key: lane.account, nonce, hash: receipt.transactionHash, hashes });
      return receipt;
    } catch (error) {
      // Nothing went out with this nonce: count from the node again so that no gap stalls the key.
      if (!sentAny) lane.nonces.resync();
      throw error;
    }
  }

  function effectsOf(entry: Entry, replayed: boolean): CheckoutSenderEffects {
    const { storefront, orderId, shopper, points } = entry.order;
    return {
      storefront,
      orderId,
      shopper,
      points,
      status: entry.issued?.status ?? "issued",
      releaseTime: entry.issued?.releaseTime,
      referral: entry.referral,
      replayed,
      dryRun: false,
      transactions: replayed ? [] : entry.transactions,
      ...(entry.referralError ? { referralError: entry.referralError } : {}),
    };
  }

  /** The effects the chain recorded for an order rewarded before this sender saw it. */
  async function originalEffects(entry: Entry): Promise<CheckoutSenderEffects> {
    const { storefront, orderId } = entry.order;
    const [issuance, referral] = await Promise.all([
      findOrderIssuance(client, storefront, orderId),
      entry.referralRecordedBefore ? findRecordedReferral(client, storefront, orderId) : undefined,
    ]);
    const effects = effectsOf(entry, true);
    if (issuance) Object.assign(effects, { shopper: issuance.shopper, points: issuance.points, status: issuance.status, releaseTime: issuance.releaseTime });
    if (referral) effects.referral = { partnerId: referral.partnerId, token: referral.token, saleAmount: referral.saleAmount, commission: referral.commission, releaseTime: referral.releaseTime };
    if (entry.referral) effects.referral = entry.referral;
    return effects;
  }

  async function accept(request: CheckoutRequest): Promise<AcceptedCheckout> {
    if (closed) throw new CheckoutSenderClosedError();
    const order = await toCheckoutOrder(client, request, storefrontOf, orderIdRange, knownCodes);
    if (order.referral && !lanes.some((lane) => recordsFor(lane, order.storefront))) {
      throw new InvalidParameterError("referral.code", order.referral.code, "a sender holding the storefront's own key or a signer key it authorised on ReferralEscrow (setIssuerKey there): none of this sender's keys records the storefront's referrals");
    }
    const key = orderKey(order.storefront, order.orderId);
    const asReplay = (effects: CheckoutSenderEffects): CheckoutSenderEffects => ({ ...effects, replayed: true, transactions: [] });
    const known = open.get(key);
    if (known || settled.has(key)) counters.replayed += 1;
    if (known) return { storefront: order.storefront, orderId: order.orderId, effects: known.effects.then(asReplay) };
    const done = settled.get(key);
    if (done) return { storefront: order.storefront, orderId: order.orderId, effects: Promise.resolve(asReplay(done)) };
    const entry = newEntry(order);
    open.set(key, entry);
    try {
      await journal.append([{ kind: "accepted", order }]);
    } catch (error) {
      open.delete(key);
      throw error;
    }
    enqueue(laneOfStorefront(order.storefront)!, [entry]);
    return { storefront: order.storefront, orderId: order.orderId, effects: entry.effects };
  }

  async function drain() {
    while (inFlight > 0 || lanes.some((lane) => lane.queue.length > 0)) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  // Restart: every accepted order the journal has not seen settle is sent again, unless the bitmap holds it.
  const unsettled = unsettledOrders(await journal.read());
  const rewarded = await Promise.all(
    unsettled.map((order) =>
      publicClient.readContract({ abi: abis.RewardToken, address: addressOf(client, "RewardToken"), functionName: "isOrderRewarded", args: [order.storefront, order.orderId] }),
    ),
  );
  const settledNow: JournalEntry[] = [];
  unsettled.forEach((order, i) => {
    const lane = laneOfStorefront(order.storefront);
    if (!lane) return log("error", "journal.unknownSigner", { storefront: order.storefront, orderId: order.orderId });
    if (rewarded[i] && !order.referral) {
      settledNow.push({ kind: "settled", storefront: order.storefront, orderId: order.orderId, outcome: "confirmed" });
      return;
    }
    const entry = newEntry({ ...order, storefront: lane.storefront });
    open.set(entry.key, entry);
    counters.recovered += 1;
    lane.queue.push(entry);
  });
  if (settledNow.length > 0) await journal.append(settledNow);
  if (unsettled.length > 0) log("info", "journal.recovered", { accepted: unsettled.length, resent: counters.recovered, onChain: settledNow.length });
  for (const lane of lanes) schedule(lane);

  return {
    accept,
    async submit(request) {
      return (await accept(request)).effects;
    },
    status: () => snapshot(lanes.reduce((sum, lane) => sum + lane.queue.length, 0), inFlight),
    drain,
    async close() {
      closed = true;
      await drain();
      for (const lane of lanes) if (lane.timer) clearTimeout(lane.timer);
      await journal.close();
    },
  };
}

/**
 * The storefront `account` acts as on `contract` (RewardToken issues, ReferralEscrow records referrals): the
 * storefront that authorised it as a key there, else itself.
 */
async function storefrontOfSigner(client: DcrmClient, contract: "RewardToken" | "ReferralEscrow", account: Address): Promise<Address> {
  const storefront = await client.publicClient.readContract({ abi: abis[contract], address: addressOf(client, contract), functionName: "storefrontOfKey", args: [account] });
  return storefront === zeroAddress ? account : storefront;
}

function positive(parameter: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidParameterError(parameter, value, "a positive integer");
  return value;
}

function nonNegative(parameter: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new InvalidParameterError(parameter, value, "a non-negative integer");
  return value;
}
