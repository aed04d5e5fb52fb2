/**
 * The demo program, written through the SDK into a chain whose genesis lies HISTORY_DAYS back: three
 * storefronts with different policies (points at once; a 7-day return window with clawback; a 14-day window
 * without), a few hundred shoppers checking out four times a day with a daily and weekly rhythm, partners
 * referring sales (rate and fixed commissions) and claiming them weekly, redemptions with the shopper's
 * permit, refunds inside and after the window (voids, clawbacks), releases, consents granted and revoked
 * across scopes, an analytics tool paying per access every day. Time moves forward with each action and
 * ends at the wall clock. Everything is drawn from one seed: the same seed writes the same history.
 */
import { createPublicClient, createWalletClient, http, keccak256, parseAbi, stringToHex, type Address, type PublicClient } from "viem";
import { mnemonicToAccount, privateKeyToAccount, type LocalAccount } from "viem/accounts";
import { foundry } from "viem/chains";

import type * as Sdk from "../../sdk/src/index.ts";
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

const STOREFRONTS = [
  { account: 1, name: "Northwind Outfitters", returnWindow: 0, clawback: false, ordersPerDay: 14, pointsPerDollar: 10n, partnerTerms: { rateBps: 500 } },
  { account: 2, name: "Harbor Books", returnWindow: 7 * DAY, clawback: true, ordersPerDay: 10, pointsPerDollar: 5n, partnerTerms: { rateBps: 800 } },
  { account: 3, name: "Copper Kettle Coffee", returnWindow: 14 * DAY, clawback: false, ordersPerDay: 8, pointsPerDollar: 20n, partnerTerms: { fixedCommission: 2n * DOLLAR } },
] as const;
const PARTNERS = [
  { account: 4, code: "ANNA-STYLE" },
  { account: 5, code: "LEO-READS" },
];
const CONSUMER = 6;
const ADMIN = 0;

const testTokenAbi = parseAbi(["function mint(address to, uint256 amount)"]);

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
  redemptions: number;
  refunds: number;
  releases: number;
  consentsGranted: number;
  consentsRevoked: number;
  accesses: number;
  claims: number;
}

interface Order {
  storefront: number;
  shopper: number;
  orderId: bigint;
  points: bigint;
  releaseAt: number;
  referred: boolean;
  refunded: boolean;
  released: boolean;
}

/** Writes the demo program; resolves with what it wrote. */
export async function seedDemo(options: SeedOptions): Promise<SeedReport> {
  const { sdk, rpc, now } = options;
  const log = options.log ?? (() => {});
  const random = new Random(options.seed);
  const deployment = sdk.parseDeployment(options.deployment);
  const transport = http(rpc);
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
  const report: SeedReport = { transactions: 0, orders: 0, referredOrders: 0, redemptions: 0, refunds: 0, releases: 0, consentsGranted: 0, consentsRevoked: 0, accesses: 0, claims: 0 };

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

  // --- Setup, in the first hour of the history -----------------------------------------------------------
  let clock = start + 60;
  const step = () => (clock += 30);
  const issuerRole = await publicClient.readContract({ address: deployment.contracts.RewardToken.address, abi: sdk.rewardTokenAbi, functionName: "ISSUER_ROLE" });
  const adminWallet = createWalletClient({ chain: foundry, transport, pollingInterval, account: mnemonicToAccount(MNEMONIC, { addressIndex: ADMIN }) });
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
    await publicClient.waitForTransactionReceipt({ hash: await adminWallet.writeContract({ address: dollar, abi: testTokenAbi, functionName: "mint", args: [address, 10_000n * DOLLAR] }) });
    await at(step());
    await storefront.fundReferralBudget({ token: dollar, amount: 5_000n * DOLLAR });
    step();
  }
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
  log(`set up 3 storefronts, 2 partners and an analytics tool (${report.transactions} transactions)`);

  // --- Day after day ---------------------------------------------------------------------------------------
  const orders: Order[] = [];
  const nextOrderId = STOREFRONTS.map(() => 1000n);
  const consented = new Map<string, boolean>(); // `${shopper}:${scope}` → standing
  /** Shoppers come back: a few regulars, a long tail. */
  const someShopper = () => (random.chance(0.35) ? random.int(0, 29) : random.int(0, SHOPPER_COUNT - 1));

  for (let day = 0; day < days; day++) {
    const dayStart = start + day * DAY;
    const weekday = new Date(dayStart * 1000).getUTCDay();
    const rhythm = weekday === 0 || weekday === 6 ? 1.5 : 1;
    for (const slot of SLOTS) {
      const slotTime = dayStart + slot.hour * HOUR;
      for (const [s, storefront] of storefronts.entries()) {
        const policy = STOREFRONTS[s]!;
        const expected = (policy.ordersPerDay * rhythm * slot.weight) / 8;
        const count = Math.max(0, Math.round(expected * (0.6 + random.next() * 0.8)));
        if (count === 0) continue;
        const batch: Order[] = [];
        for (let i = 0; i < count; i++) {
          const dollars = BigInt(random.int(8, 180));
          const order: Order = {
            storefront: s,
            shopper: someShopper(),
            orderId: nextOrderId[s]!++,
            points: dollars * policy.pointsPerDollar * POINT,
            releaseAt: slotTime + policy.returnWindow,
            referred: random.chance(0.12),
            refunded: false,
            released: policy.returnWindow === 0,
          };
          orders.push(order);
          report.orders++;
          if (order.referred) {
            const p = random.int(0, PARTNERS.length - 1);
            await at(slotTime + random.int(60, 50 * 60));
            await storefront.checkout({ orderId: order.orderId, shopper: shoppers[order.shopper]!.account!, points: order.points, referral: { code: PARTNERS[p]!.code, saleAmount: dollars * DOLLAR } });
            report.referredOrders++;
          } else {
            batch.push(order);
          }
        }
        if (batch.length > 0) {
          await at(slotTime + random.int(60, 55 * 60));
          await storefront.issuePointsMany({ orders: batch.map((order) => ({ shopper: shoppers[order.shopper]!.account!, orderId: order.orderId, points: order.points })) });
        }
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
      report.redemptions++;
    }

    // Refunds: a recent order (inside its window: voided) or an older one (after it: clawed back, or kept).
    const late = dayStart + 22 * HOUR;
    for (let r = random.int(1, 3); r > 0; r--) {
      const candidates = orders.filter((order) => !order.refunded && order.releaseAt > dayStart - 10 * DAY);
      if (candidates.length === 0) break;
      const order = random.pick(candidates);
      await at(late + random.int(0, HOUR));
      await storefronts[order.storefront]!.refundOrder({ shopper: shoppers[order.shopper]!.account!, orderId: order.orderId, refundBps: random.chance(0.7) ? 10_000 : 5_000 });
      order.refunded = true;
      report.refunds++;
    }

    // Night: each storefront with a return window releases the orders whose window closed.
    for (const [s, storefront] of storefronts.entries()) {
      const due = orders.filter((order) => order.storefront === s && !order.released && !order.refunded && order.releaseAt < dayStart + 23 * HOUR - HOUR);
      if (due.length === 0) continue;
      await at(dayStart + 23 * HOUR + random.int(0, 30 * 60));
      await storefront.releasePoints({ orders: due.map((order) => ({ shopper: shoppers[order.shopper]!.account!, orderId: order.orderId })) });
      for (const order of due) order.released = true;
      report.releases += due.length;
    }

    // Consents through the day, signed by shoppers and relayed (the shopper pays no gas).
    for (let c = random.int(3, 8); c > 0; c--) {
      const shopperIndex = someShopper();
      const scope = random.pick(SCOPES);
      const key = `${shopperIndex}:${scope}`;
      const time = await at(dayStart + random.int(8 * HOUR, 22 * HOUR));
      const shopper = shoppers[shopperIndex]!;
      if (consented.get(key)) {
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
      }
    }

    // The analytics tool's nightly run: one paid access per consenting shopper of a scope.
    const scope = SCOPES[day % SCOPES.length]!;
    const readers = [...consented.entries()].filter(([key, standing]) => standing && key.endsWith(`:${scope}`)).map(([key]) => shoppers[Number(key.split(":")[0])]!.account!);
    if (readers.length > 0) {
      await at(dayStart + 23 * HOUR + 45 * 60);
      const result = await consumer.recordAccessBatch({ scope, shoppers: readers.slice(0, 40) as Address[], maxPricePerAccess: DOLLAR / 100n });
      report.accesses += result.recorded.length;
    }

    // Sundays: partners claim what has become claimable.
    if (weekday === 0) {
      for (const [p, partner] of partners.entries()) {
        await at(dayStart + 12 * HOUR + p * 60);
        const claimed = await partner.claimCommissions({ partnerId: partnerIds[p]! });
        if (claimed.hash) report.claims++;
      }
    }
    if (day % 7 === 6) log(`week ${(day + 1) / 7} written: ${report.orders} orders, ${report.transactions} transactions`);
  }

  // The chain's clock ends at the wall clock.
  await at(now);
  await publicClient.request({ method: "evm_mine" as never });
  report.transactions = Number((await publicClient.getBlockNumber()) - firstBlock) - 1;
  return report;
}
