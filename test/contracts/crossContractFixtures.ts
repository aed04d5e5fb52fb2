import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";

import { deployConsentRegistry } from "../../deploy/consentRegistry.js";
import { deployDataAccessPayments } from "../../deploy/dataAccessPayments.js";
import { deployReferralEscrow } from "../../deploy/referralEscrow.js";
import { deployRewardToken } from "../../deploy/rewardToken.js";
import type { ConsentRegistry, DataAccessPayments, ReferralEscrow, RewardToken } from "../../types/ethers-contracts/index.js";
import { CAP, ONE_DAY, POINTS, ethers, networkHelpers, upgradesApi } from "./fixtures.js";
import { enrolRate, registerPartner } from "./referralFixtures.js";

export { ONE_DAY, POINTS, ethers, networkHelpers };

export const SCOPE = ethers.id("purchase-history");
export const PRICE = 3n * POINTS;
export const FEE_BPS = 500n;
export const RATE_BPS = 1_000n;
export const HOLD = 7n * ONE_DAY;
export const PARTNER_CODE = ethers.encodeBytes32String("ALICE10");
export const BUYER = "0x00000000000000000000000000000000000b0B12";

/**
 * The four contracts wired as one deployment, with the storefront's points (RewardToken) as both the
 * escrow's budget token and the data-access payment token.
 */
export interface PointsSystem {
  points: RewardToken;
  escrow: ReferralEscrow;
  registry: ConsentRegistry;
  payments: DataAccessPayments;
  admin: HardhatEthersSigner;
  storefront: HardhatEthersSigner;
  otherStorefront: HardhatEthersSigner;
  consumer: HardhatEthersSigner;
  shopper: HardhatEthersSigner;
  otherShopper: HardhatEthersSigner;
  partner: HardhatEthersSigner;
  partnerPayout: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  feeRecipient: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  partnerId: bigint;
  /** The storefront's order numbers used so far (each issuance takes a fresh one). */
  orders: { next: bigint };
}

/**
 * Deploys the system. Both storefronts issue points; the storefront runs a referral program in points
 * (partner at 10%, hold 7 days); the consumer holds points; both shoppers consent to the consumer reading
 * SCOPE at PRICE points for 60 days.
 */
export async function deployPointsSystem(): Promise<PointsSystem> {
  const [admin, storefront, otherStorefront, consumer, shopper, otherShopper, partner, partnerPayout, relayer, feeRecipient, keeper] =
    await ethers.getSigners();
  if (!admin || !storefront || !otherStorefront || !consumer || !shopper || !otherShopper || !partner || !partnerPayout || !relayer || !feeRecipient || !keeper) {
    throw new Error("cross-contract fixture: needs eleven funded accounts");
  }
  const points = await deployRewardToken(ethers, upgradesApi, { name: "Acme Points", symbol: "ACME", admin: admin.address });
  const { escrow } = await deployReferralEscrow(ethers, upgradesApi, { admin: admin.address, maxRateBps: 3_000 });
  const { registry } = await deployConsentRegistry(ethers, upgradesApi, { admin: admin.address });
  const { payments } = await deployDataAccessPayments(ethers, upgradesApi, {
    admin: admin.address,
    registry: await registry.getAddress(),
    paymentToken: await points.getAddress(),
    feeRecipient: feeRecipient.address,
    feeBps: Number(FEE_BPS),
  });
  const issuerRole = await points.ISSUER_ROLE();
  for (const account of [storefront, otherStorefront]) {
    await (await points.grantRole(issuerRole, account.address)).wait();
    await (await points.setIssuanceCap(account.address, CAP, ONE_DAY)).wait();
  }
  const orders = { next: 1n };
  const system = { points, escrow, registry, payments, admin, storefront, otherStorefront, consumer, shopper, otherShopper, partner, partnerPayout, relayer, feeRecipient, keeper, partnerId: 0n, orders };

  system.partnerId = await registerPartner(escrow, partner, PARTNER_CODE, partnerPayout.address);
  await enrolRate(escrow, storefront, PARTNER_CODE, RATE_BPS);
  await (await escrow.connect(storefront).setHoldPeriod(HOLD)).wait();
  await issue(system, storefront, storefront.address, 1_000n * POINTS);
  await fundPoints(system, storefront, 1_000n * POINTS);
  await issue(system, storefront, consumer.address, 500n * POINTS);
  await (await points.connect(consumer).approve(await payments.getAddress(), ethers.MaxUint256)).wait();
  await (await payments.connect(consumer).deposit(300n * POINTS)).wait();
  const expiresAt = BigInt(await networkHelpers.time.latest()) + 60n * ONE_DAY;
  for (const s of [shopper, otherShopper]) {
    await (await registry.connect(s).grant(consumer.address, SCOPE, PRICE, expiresAt)).wait();
  }
  return system;
}

/** `storefront` issues `amount` points to `to` for a fresh order number. */
export async function issue(system: PointsSystem, storefront: HardhatEthersSigner, to: string, amount: bigint): Promise<void> {
  await (await system.points.connect(storefront).issue(to, system.orders.next++, amount)).wait();
}

/** `storefront` funds its referral budget with `amount` of the points it holds. */
export async function fundPoints(system: PointsSystem, storefront: HardhatEthersSigner, amount: bigint): Promise<void> {
  const { points, escrow } = system;
  await (await points.connect(storefront).approve(await escrow.getAddress(), amount)).wait();
  await (await escrow.connect(storefront).fundBudget(await points.getAddress(), amount)).wait();
}

/** The storefront records a referred sale in points; returns the order number. */
export async function referSale(system: PointsSystem, orderId: bigint, saleAmount: bigint): Promise<bigint> {
  const { escrow, points, storefront } = system;
  await (await escrow.connect(storefront).recordReferral(orderId, PARTNER_CODE, saleAmount, await points.getAddress(), BUYER)).wait();
  return orderId;
}

/**
 * The invariant across the contracts: for the points token, each custodian holds at least what its books
 * owe. DataAccessPayments owes every deposit, every earning and the accrued fees; ReferralEscrow owes every
 * storefront's budget and every commission not yet claimed or voided (of `referrals`).
 */
export async function expectCustodiansCovered(system: PointsSystem, referrals: Array<{ storefront: string; orderId: bigint }> = []): Promise<void> {
  const { points, escrow, payments } = system;
  const accounts = [system.consumer, system.shopper, system.otherShopper, system.storefront, system.otherStorefront, system.partner, system.relayer, system.keeper].map((a) => a.address);
  let paymentsOwe = await payments.accruedFees();
  for (const account of accounts) paymentsOwe += (await payments.depositOf(account)) + (await payments.earningsOf(account));
  expect(await points.balanceOf(await payments.getAddress()), "DataAccessPayments holds what it owes").to.be.gte(paymentsOwe);

  const token = await points.getAddress();
  let escrowOwes = 0n;
  for (const storefront of [system.storefront, system.otherStorefront]) escrowOwes += await escrow.budgetOf(storefront.address, token);
  for (const { storefront, orderId } of referrals) {
    const referral = await escrow.referralOf(storefront, orderId);
    if (referral.status === 1n) escrowOwes += referral.commission;
  }
  expect(await points.balanceOf(await escrow.getAddress()), "ReferralEscrow holds what it owes").to.be.gte(escrowOwes);
}

/**
 * Sends the transactions in order with automining off and mines them in one block, each later one tipping
 * less so that the block keeps the order; returns their receipts' statuses (1: success, 0: reverted). A
 * fixed gas limit lets a transaction that will revert be sent without an estimate.
 */
export async function mineInOrder(...sends: Array<(overrides: TxOverrides) => Promise<{ hash: string }>>): Promise<number[]> {
  await networkHelpers.mine();
  await ethers.provider.send("evm_setAutomine", [false]);
  const hashes: string[] = [];
  try {
    for (const [i, send] of sends.entries()) {
      const overrides = { gasLimit: 1_000_000n, maxFeePerGas: ethers.parseUnits("100", "gwei"), maxPriorityFeePerGas: ethers.parseUnits(String(50 - i), "gwei") };
      hashes.push((await send(overrides)).hash);
    }
    await networkHelpers.mine();
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
  const receipts = await Promise.all(hashes.map((hash) => ethers.provider.getTransactionReceipt(hash)));
  const block = receipts[0]!.blockNumber;
  receipts.forEach((receipt, i) => {
    if (receipt!.blockNumber !== block || (i > 0 && receipt!.index <= receipts[i - 1]!.index)) {
      throw new Error("mineInOrder: the transactions were not mined in one block in the order sent");
    }
  });
  return receipts.map((receipt) => receipt!.status ?? 0);
}

export interface TxOverrides {
  gasLimit: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}
