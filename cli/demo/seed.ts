/**
 * The demo program, written through the SDK into a chain whose genesis lies HISTORY_DAYS back: three
 * storefronts with different policies (points at once; a 7-day return window with clawback; a 14-day window
 * without), a few hundred shoppers checking out four times a day with a daily and weekly rhythm through each
 * storefront's checkout sender (batched issuance, referrals batched per budget token), partners referring
 * sales paid in two tokens (a dollar and a euro stand-in) and claiming them weekly, redemptions with the
 * shopper's permit, refunds inside the window (voids) and after it (clawbacks, or kept), early releases of
 * verified referred sales, consents granted and revoked across scopes, data records anchored and erased, an
 * analytics tool paying per access every day and shoppers withdrawing what it paid them, and the points of
 * inactive shoppers expiring. Time moves forward with each action and ends at the wall clock. Everything is
 * drawn from one seed: the same seed writes the same history.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { createPublicClient, createWalletClient, http, keccak256, parseAbi, parseEventLogs, stringToHex, webSocket, type Address, type Hex, type PublicClient, type Transport } from "viem";
import { mnemonicToAccount, privateKeyToAccount, type LocalAccount } from "viem/accounts";
import { foundry } from "viem/chains";

import type * as Sdk from "../../sdk/src/index.ts";
import { root } from "../paths.ts";
import { Random } from "./random.ts";

export const HISTORY_DAYS = 28;
export const SHOPPER_COUNT = 240;
const DAY = 86_400;
const HOUR = 3_600;
const POINT = 10n ** 18n;
const DOLLAR = 10n ** 18n; // the demo dollar has 18 decimals
const MNEMONIC = "test test test test test test test test test test test junk";
/** The hours of the day orders come in at, and how many of the day's orders each gets. */
const SLOTS = [
  { hour: 9, weight: 1 },
  { hour: 13, weight: 2 },
  { hour: 18, weight: 3 },
  { hour: 21, weight: 2 },
];
const SCOPES = ["purchase-history", "email-marketing", "product-analytics"];

/** The currency each storefront sells in, which its partners' commissions are paid in. */
type Currency = "dollar" | "euro";
const STOREFRONTS = [
  { account: 1, name: "Northwind Outfitters", returnWindow: 0, clawback: false, ordersPerDay: 14, pointsPerDollar: 10n, partnerTerms: { rateBps: 500 }, currency: "dollar" },
  { account: 2, name: "Harbor Books", returnWindow: 7 * DAY, clawback: true, ordersPerDay: 10, pointsPerDollar: 5n, partnerTerms: { rateBps: 800 }, currency: "euro" },
  { account: 3, name: "Copper Kettle Coffee", returnWindow: 14 * DAY, clawback: false, ordersPerDay: 8, pointsPerDollar: 20n, partnerTerms: { fixedCommission: 2n * DOLLAR }, currency: "euro" },
] as const;
const PARTNERS = [
  { account: 4, code: "ANNA-STYLE" },
  { account: 5, code: "LEO-READS" },
];
const CONSUMER = 6;
const ADMIN = 0;

const testTokenAbi = parseAbi(["function mint(address to, uint256 amount)"]);
/** The stand-in euro: a second deployment of the token contract behind the demo dollar. */
const EURO = { name: "dCRM Demo Euro", symbol: "DEUR" };
const testTokenArtifact = () =>
  JSON.parse(readFileSync(join(root, "artifacts", "contracts", "mocks", "tokens", "TestToken.sol", "TestToken.json"), "utf8")) as { abi: readonly unknown[]; bytecode: Hex };

/** Midnight UTC `days` days before `now` (seconds): the demo chain's genesis. */
export function historyStart(now: number, days = HISTORY_DAYS): number {
  return Math.floor(now / DAY) * DAY - days * DAY;
}

export interface SeedOptions {
  rpc: string;
  deployment: Sdk.DeploymentRecord;
  seed: string;
  /** The wall clock (seconds): history ends here. */
  now: number;
  /** Days of history (default HISTORY_DAYS). */
  days?: number;
  sdk: typeof Sdk;
  log?: (line: string) => void;
}

export interface SeedReport {
  /** Transactions sent (one a block). */
  transactions: number;
  orders: number;
  referredOrders: number;
  /** Batches the checkout senders sent (issuance and referral transactions). */
  checkoutBatches: number;
  redemptions: number;
  refunds: number;
  voids: number;
  clawbacks: number;
  releases: number;
  earlyReleases: number;
  consentsGranted: number;
  consentsRevoked: number;
  recordsAnchored: number;
  recordsErased: number;
  accesses: number;
  earningsWithdrawn: number;
  claims: number;
  /** Shoppers whose points expired. */
  expired: number;
}

interface Order {
  storefront: number;
  shopper: number;
  orderId: bigint;
  points: bigint;
  releaseAt: number;
  referred: boolean;
  /** Until when the escrow holds its referral's commission (recorded referrals only). */
  referralHeldUntil?: number;
  referralVerified: boolean;
  refunded: boolean;
  released: boolean;
}

/**
 * One WebSocket to the node for every client of the seeding, when the node takes one on its HTTP port (anvil
 * does): a call over it costs the seeding a fraction of the CPU of an HTTP request, and receipts come by
 * subscription instead of by polling. HTTP otherwise.
 */
async function nodeTransport(rpc: string): Promise<{ transport: Transport; close: () => void }> {
  // No reconnecting: a node that refuses the socket would otherwise get a retry, and its error log, after the
  // fallback to HTTP; and the node is a local child process, whose socket drops only when the node is gone.
  const socket = webSocket(rpc.replace(/^http/, "ws"), { retryCount: 0, reconnect: false });
  try {
    const client = await socket({}).value!.getRpcClient();
    return { transport: socket, close: () => client.close() };
  } catch {
    return { transport: http(rpc), close: () => {} };
  }
}

/** Writes the demo program; resolves with what it wrote. */
export async function seedDemo(options: SeedOptions): Promise<SeedReport> {
  const { transport, close } = await nodeTransport(options.rpc);
  try {
    return await writeHistory(options, transport);
  } finally {
    close();
  }
}

async function writeHistory(options: SeedOptions, transport: Transport): Promise<SeedReport> {
  const { sdk, now } = options;
  const log = options.log ?? (() => {});
  const random = new Random(options.seed);
  const deployment = sdk.parseDeployment(options.deployment);
  // The local node mines each transaction at once: ask for receipts often, not every 4 s.
  const pollingInterval = 20;
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval }) as PublicClient;
  const clientOf = (account: LocalAccount) =>
    sdk.dcrmActions({ publicClient, walletClient: createWalletClient({ chain: foundry, transport, account, pollingInterval }), deployment, account: account.address });
  const actor = (index: number) => clientOf(mnemonicToAccount(MNEMONIC, { addressIndex: index }));
  const admin = actor(ADMIN);
  const storefronts = STOREFRONTS.map((storefront) => actor(storefront.account));
  const partners = PARTNERS.map((partner) => actor(partner.account));
  const consumer = actor(CONSUMER);
  const shoppers = Array.from({ length: SHOPPER_COUNT }, (_, i) => clientOf(privateKeyToAccount(keccak256(stringToHex(`dcrm demo ${options.seed} shopper ${i}`)))));
  const dollar = deployment.tokens.DemoDollar;
  if (!dollar) throw new Error("the deployment has no DemoDollar token (deploy/config/localhost.json pays data access in `demo`)");
  const report: SeedReport = {
    transactions: 0, orders: 0, referredOrders: 0, checkoutBatches: 0, redemptions: 0, refunds: 0, voids: 0, clawbacks: 0, releases: 0, earlyReleases: 0,
    consentsGranted: 0, consentsRevoked: 0, recordsAnchored: 0, recordsErased: 0, accesses: 0, earningsWithdrawn: 0, claims: 0, expired: 0,
  };
  /** When each shopper's balance last changed (the token's inactivity clock), by shopper index. */
  const lastActivity = new Map<number, number>();
  const active = (shopper: number, time: number) => lastActivity.set(shopper, Math.max(lastActivity.get(shopper) ?? 0, time));

  /** Moves the chain's clock so the next transaction is mined at `time` (or just after the last block). */
  const at = async (time: number) => {
    const latest = await publicClient.getBlock({ blockTag: "latest" });
    const next = Math.max(time, Number(latest.timestamp) + 1);
    await publicClient.request({ method: "evm_setNextBlockTimestamp" as never, params: [`0x${next.toString(16)}`] as never });
    report.transactions++;
    return next;
  };
  const days = options.days ?? HISTORY_DAYS;
  const start = historyStart(now, days);
  const genesis = await publicClient.getBlock({ blockTag: "latest" });
  const firstBlock = genesis.number;
  if (Number(genesis.timestamp) > start + HOUR) {
    throw new Error(`the chain's clock (${new Date(Number(genesis.timestamp) * 1000).toISOString()}) is past the demo history's start; seed a new chain whose genesis is ${days} days back: dcrm start --reset`);
  }

  const walletOf = (index: number) => createWalletClient({ chain: foundry, transport, pollingInterval, account: mnemonicToAccount(MNEMONIC, { addressIndex: index }) });
  const adminWallet = walletOf(ADMIN);
  const storefrontWallet = walletOf;

  // --- Setup, in the first hour of the history -----------------------------------------------------------
  let clock = start + 60;
  const step = () => (clock += 30);
  await at(step());
  const { abi: tokenAbi, bytecode: tokenBytecode } = testTokenArtifact();
  const euroDeployment = await adminWallet.deployContract({ abi: tokenAbi, bytecode: tokenBytecode, args: [EURO.name, EURO.symbol] });
  const euro = (await publicClient.waitForTransactionReceipt({ hash: euroDeployment })).contractAddress!;
  const tokens: Record<Currency, Address> = { dollar, euro };
  const issuerRole = await publicClient.readContract({ address: deployment.contracts.RewardToken.address, abi: sdk.rewardTokenAbi, functionName: "ISSUER_ROLE" });
  for (const [i, storefront] of storefronts.entries()) {
    const address = storefront.account!;
    if (!(await publicClient.readContract({ address: deployment.contracts.RewardToken.address, abi: sdk.rewardTokenAbi, functionName: "hasRole", args: [issuerRole, address] }))) {
      await at(step());
      await publicClient.waitForTransactionReceipt({ hash: await adminWallet.writeContract({ address: deployment.contracts.RewardToken.address, abi: sdk.rewardTokenAbi, functionName: "grantRole", args: [issuerRole, address] }) });
      await at(step());
      await publicClient.waitForTransactionReceipt({
        hash: await adminWallet.writeContract({ address: deployment.contracts.RewardToken.address, abi: sdk.rewardTokenAbi, functionName: "setIssuanceCap", args: [address, 1_000_000n * POINT, BigInt(DAY)] }),
      });
    }
    const policy = STOREFRONTS[i]!;
    await at(step());
    await storefront.setStorefrontPolicy({ returnWindow: policy.returnWindow, clawbackAllowed: policy.clawback });
    await at(step());
    await publicClient.waitForTransactionReceipt({ hash: await adminWallet.writeContract({ address: tokens[policy.currency], abi: testTokenAbi, functionName: "mint", args: [address, 10_000n * DOLLAR] }) });
    await at(step());
    await storefront.fundReferralBudget({ token: tokens[policy.currency], amount: 5_000n * DOLLAR });
    if (policy.returnWindow > 0) {
      // Commissions are held as long as the return window, unless the storefront verifies the sale first.
      await at(step());
      const holdPeriod = await storefrontWallet(policy.account).writeContract({ address: deployment.contracts.ReferralEscrow.address, abi: sdk.referralEscrowAbi, functionName: "setHoldPeriod", args: [policy.returnWindow] });
      await publicClient.waitForTransactionReceipt({ hash: holdPeriod });
    }
    step();
  }
  // Points of shoppers inactive for a week (a day in a short history) expire; a keeper burns them nightly.
  const expiryPeriod = Math.min(7, Math.max(1, Math.floor(days / 4))) * DAY;
  await at(step());
  await publicClient.waitForTransactionReceipt({ hash: await adminWallet.writeContract({ address: deployment.contracts.RewardToken.address, abi: sdk.rewardTokenAbi, functionName: "setExpiryPeriod", args: [BigInt(expiryPeriod)] }) });
  const expiryStart = clock;
  const partnerIds: number[] = [];
  for (const [i, partner] of partners.entries()) {
    await at(step());
    partnerIds.push((await partner.registerPartner({ code: PARTNERS[i]!.code })).partnerId);
    for (const [s, storefront] of storefronts.entries()) {
      await at(step());
      await storefront.enrolPartner({ code: PARTNERS[i]!.code, ...STOREFRONTS[s]!.partnerTerms });
    }
  }
  await at(step());
  await publicClient.waitForTransactionReceipt({ hash: await adminWallet.writeContract({ address: dollar, abi: testTokenAbi, functionName: "mint", args: [consumer.account!, 2_000n * DOLLAR] }) });
  await at(step());
  await consumer.depositForAccess({ amount: 1_000n * DOLLAR });
  step();
  // Each storefront's server checks out through its own checkout sender: a slot's orders go as one batch.
  const senders = await Promise.all(storefronts.map((storefront) => sdk.createCheckoutSender(storefront, { journal: sdk.memoryJournal(), maxWaitMs: 20, maxBatch: 500, pollingIntervalMs: pollingInterval })));
  log(`set up 3 storefronts (dollar and euro referral budgets), 2 partners and an analytics tool (${report.transactions} transactions)`);

  // --- Day after day ---------------------------------------------------------------------------------------
  const orders: Order[] = [];
  const nextOrderId = STOREFRONTS.map(() => 1000n);
  const consented = new Map<string, boolean>(); // `${shopper}:${scope}` → standing
  const anchored = new Set<string>(); // `${shopper}:${scope}` with a data record anchored
  const paid = new Set<number>(); // shoppers the analytics tool has paid since they last withdrew
  /** Shoppers hold no ether: the first transaction of their own gets them some (a development node's gift). */
  const funded = new Set<Address>();
  const fundGas = async (shopper: Address) => {
    if (funded.has(shopper)) return;
    await publicClient.request({ method: "anvil_setBalance" as never, params: [shopper, "0x8ac7230489e80000"] as never });
    funded.add(shopper);
  };
  /** Shoppers come back: a few regulars, a long tail. */
  const someShopper = () => (random.chance(0.35) ? random.int(0, 29) : random.int(0, SHOPPER_COUNT - 1));

  for (let day = 0; day < days; day++) {
    const dayStart = start + day * DAY;
    const lastDay = day === days - 1;
    const weekday = new Date(dayStart * 1000).getUTCDay();
    const rhythm = weekday === 0 || weekday === 6 ? 1.5 : 1;
    for (const slot of SLOTS) {
      const slotTime = dayStart + slot.hour * HOUR;
      for (const s of storefronts.keys()) {
        const policy = STOREFRONTS[s]!;
        const expected = (policy.ordersPerDay * rhythm * slot.weight) / 8;
        const count = Math.max(0, Math.round(expected * (0.6 + random.next() * 0.8)));
        if (count === 0) continue;
        const batch: { order: Order; request: Sdk.CheckoutRequest }[] = [];
        for (let i = 0; i < count; i++) {
          const dollars = BigInt(random.int(8, 180));
          const order: Order = {
            storefront: s,
            shopper: someShopper(),
            orderId: nextOrderId[s]!++,
            points: dollars * policy.pointsPerDollar * POINT,
            releaseAt: slotTime + policy.returnWindow,
            referred: random.chance(0.12),
            referralVerified: false,
            refunded: false,
            released: policy.returnWindow === 0,
          };
          orders.push(order);
          report.orders++;
          const request: Sdk.CheckoutRequest = { orderId: order.orderId, shopper: shoppers[order.shopper]!.account!, points: order.points };
          if (order.referred) {
            const p = random.int(0, PARTNERS.length - 1);
            request.referral = { code: PARTNERS[p]!.code, saleAmount: dollars * DOLLAR, token: tokens[policy.currency] };
            report.referredOrders++;
          }
          batch.push({ order, request });
        }
        const time = await at(slotTime + random.int(60, 55 * 60));
        const sender = senders[s]!;
        const batchesBefore = sender.status().batches;
        const effects = await Promise.all(batch.map(({ request }) => sender.submit(request)));
        report.checkoutBatches += sender.status().batches - batchesBefore;
        effects.forEach((effect, i) => {
          if (effect.referral) batch[i]!.order.referralHeldUntil = Number(effect.referral.releaseTime);
        });
        for (const { order } of batch) if (order.released) active(order.shopper, time);
      }
    }

    // Evening: redemptions at checkout, with the shopper's permit.
    const evening = dayStart + 20 * HOUR;
    for (let r = random.int(2, 5); r > 0; r--) {
      const shopperIndex = someShopper();
      const shopper = shoppers[shopperIndex]!;
      const balance = await publicClient.readContract({ address: deployment.contracts.RewardToken.address, abi: sdk.rewardTokenAbi, functionName: "balanceOf", args: [shopper.account!] });
      if (balance < 100n * POINT) continue;
      const s = random.int(0, storefronts.length - 1);
      const points = (balance * BigInt(random.int(20, 60))) / 100n;
      const time = await at(evening + random.int(0, 2 * HOUR));
      const permit = await shopper.signRedeemPermit({ storefront: storefronts[s]!.account!, points, deadline: BigInt(time + HOUR) });
      await storefronts[s]!.redeemAtCheckout({ shopper: shopper.account!, permit, ref: `discount ${day}-${r}` });
      active(shopperIndex, time);
      report.redemptions++;
    }

    // Refunds: a recent order (inside its window: its points voided) or an older one (after it: clawed back
    // where the storefront allows it, otherwise kept); a referred sale's commission is voided while held.
    const late = dayStart + 22 * HOUR;
    for (let r = random.int(1, 3); r > 0; r--) {
      const candidates = orders.filter((order) => !order.refunded && order.releaseAt > dayStart - 10 * DAY);
      if (candidates.length === 0) break;
      const order = random.pick(candidates);
      const time = await at(late + random.int(0, HOUR));
      const refund = await storefronts[order.storefront]!.refundOrder({ shopper: shoppers[order.shopper]!.account!, orderId: order.orderId, refundBps: random.chance(0.7) ? 10_000 : 5_000 });
      order.refunded = true;
      report.refunds++;
      if (refund.points.action === "voided") report.voids++;
      if (refund.points.action === "clawedBack") (report.clawbacks++, active(order.shopper, time));
    }

    // A storefront verifies a referred sale before its return window ends: the partner is paid early (at
    // least once in every history).
    const held = orders.filter((order) => order.referralHeldUntil !== undefined && order.referralHeldUntil > late + 2 * HOUR && !order.refunded && !order.referralVerified);
    if (held.length > 0 && (random.chance(0.6) || (lastDay && report.earlyReleases === 0))) {
      const order = random.pick(held);
      await at(late + HOUR + random.int(0, 30 * 60));
      await storefronts[order.storefront]!.releaseReferralEarly({ orderId: order.orderId });
      order.referralVerified = true;
      report.earlyReleases++;
    }

    // Night: each storefront with a return window releases the orders whose window closed.
    for (const [s, storefront] of storefronts.entries()) {
      const due = orders.filter((order) => order.storefront === s && !order.released && !order.refunded && order.releaseAt < dayStart + 23 * HOUR - HOUR);
      if (due.length === 0) continue;
      const time = await at(dayStart + 23 * HOUR + random.int(0, 30 * 60));
      await storefront.releasePoints({ orders: due.map((order) => ({ shopper: shoppers[order.shopper]!.account!, orderId: order.orderId })) });
      for (const order of due) (order.released = true), active(order.shopper, time);
      report.releases += due.length;
    }

    // Consents through the day, signed by shoppers and relayed (the shopper pays no gas). A shopper who
    // grants a scope anchors the hash of its data record for it; now and then one erases it (and with it
    // every standing consent of the scope).
    for (let c = random.int(3, 8); c > 0; c--) {
      const shopperIndex = someShopper();
      const scope = random.pick(SCOPES);
      const key = `${shopperIndex}:${scope}`;
      const time = await at(dayStart + random.int(8 * HOUR, 22 * HOUR));
      const shopper = shoppers[shopperIndex]!;
      if (consented.get(key)) {
        if (random.chance(0.15) && anchored.has(key)) {
          await fundGas(shopper.account!);
          await at(time + 1);
          await shopper.eraseDataRecord({ scope });
          anchored.delete(key);
          consented.set(key, false);
          report.recordsErased++;
          report.consentsRevoked++;
          continue;
        }
        if (!random.chance(0.3)) continue;
        const signed = await shopper.signConsentRevocation({ consumer: consumer.account!, scope, deadline: BigInt(time + HOUR) });
        await admin.submitConsent(signed);
        consented.set(key, false);
        report.consentsRevoked++;
      } else {
        const signed = await shopper.signConsentGrant({ consumer: consumer.account!, scope, pricePerAccess: DOLLAR / 100n, expiresAt: BigInt(now + 180 * DAY), deadline: BigInt(time + HOUR) });
        await admin.submitConsent(signed);
        consented.set(key, true);
        report.consentsGranted++;
        if (!anchored.has(key) && random.chance(0.5)) {
          await fundGas(shopper.account!);
          await at(time + 1);
          await shopper.anchorDataRecord({ scope, record: keccak256(stringToHex(`dcrm demo ${options.seed} record ${key} ${day}`)) });
          anchored.add(key);
          report.recordsAnchored++;
        }
      }
    }

    // The analytics tool's nightly run: one paid access per consenting shopper of a scope.
    const scope = SCOPES[day % SCOPES.length]!;
    const readers = [...consented.entries()].filter(([key, standing]) => standing && key.endsWith(`:${scope}`)).map(([key]) => Number(key.split(":")[0]));
    if (readers.length > 0) {
      await at(dayStart + 23 * HOUR + 45 * 60);
      const result = await consumer.recordAccessBatch({ scope, shoppers: readers.slice(0, 40).map((index) => shoppers[index]!.account!) as Address[], maxPricePerAccess: DOLLAR / 100n });
      report.accesses += result.recorded.length;
      for (const index of readers.slice(0, 40)) paid.add(index);
    }

    // A shopper erases a data record (if none did yet, on the history's last day).
    if (lastDay && report.recordsErased === 0 && anchored.size > 0) {
      const key = [...anchored][0]!;
      const [shopperIndex, scope] = [Number(key.split(":")[0]), key.slice(key.indexOf(":") + 1)];
      await fundGas(shoppers[shopperIndex]!.account!);
      await at(dayStart + 23 * HOUR + 50 * 60);
      await shoppers[shopperIndex]!.eraseDataRecord({ scope });
      anchored.delete(key);
      if (consented.get(key)) (consented.set(key, false), report.consentsRevoked++);
      report.recordsErased++;
    }

    // Sundays (and the history's last day): partners claim what has become claimable, and a few paid
    // shoppers withdraw their data earnings.
    if (weekday === 0 || lastDay) {
      for (const [p, partner] of partners.entries()) {
        await at(dayStart + 12 * HOUR + p * 60);
        const claimed = await partner.claimCommissions({ partnerId: partnerIds[p]! });
        if (claimed.hash) report.claims++;
      }
      for (const index of [...paid].sort((a, b) => a - b).slice(0, 3)) {
        await fundGas(shoppers[index]!.account!);
        await at(dayStart + 13 * HOUR + index);
        await shoppers[index]!.withdrawDataEarnings();
        paid.delete(index);
        report.earningsWithdrawn++;
      }
    }

    // The expiry keeper, at midnight: burns the points of shoppers inactive for the expiry period.
    const midnight = dayStart + DAY - 60;
    const inactive = [...lastActivity.entries()].filter(([, last]) => Math.max(last, expiryStart) + expiryPeriod < midnight - 60).map(([index]) => index).sort((a, b) => a - b);
    if (inactive.length > 0) {
      await at(midnight);
      const hash = await adminWallet.writeContract({ address: deployment.contracts.RewardToken.address, abi: sdk.rewardTokenAbi, functionName: "expire", args: [inactive.map((index) => shoppers[index]!.account!)] });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      report.expired += parseEventLogs({ abi: sdk.rewardTokenAbi, logs: receipt.logs, eventName: "PointsExpired" }).length;
      for (const index of inactive) lastActivity.delete(index);
    }
    if (day % 7 === 6) log(`week ${(day + 1) / 7} written: ${report.orders} orders, ${report.transactions} transactions`);
  }

  for (const sender of senders) await sender.close();
  // The chain's clock ends at the wall clock.
  await at(now);
  await publicClient.request({ method: "evm_mine" as never });
  report.transactions = Number((await publicClient.getBlockNumber()) - firstBlock) - 1;
  return report;
}
