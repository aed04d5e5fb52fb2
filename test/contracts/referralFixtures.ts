import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionReceipt } from "ethers";

import { deployReferralEscrow } from "../../deploy/referralEscrow.js";
import type { ReferralEscrow, TestToken } from "../../types/ethers-contracts/index.js";
import { ONE_DAY, ethers, networkHelpers, upgradesApi } from "./fixtures.js";

// One network connection for the whole Mocha run: the RewardToken tests' connection.
export { ONE_DAY, ethers, networkHelpers, upgradesApi };

const { time } = networkHelpers;

/** One stablecoin unit (TestToken has 18 decimals). */
export const USD = 10n ** 18n;
/** The admin's maximum commission rate in the fixture, in basis points. */
export const MAX_RATE_BPS = 3_000n;
/** The storefront's hold period (its return window) in the fixture. */
export const HOLD = 14n * ONE_DAY;
/** The other storefront's, shorter, hold period. */
export const OTHER_HOLD = 3n * ONE_DAY;
/** What each storefront's budget holds after `deployProgramFixture`. */
export const BUDGET = 10_000n * USD;
/** Alice's rate at the storefront (10%) and Bob's fixed commission there. */
export const ALICE_RATE_BPS = 1_000n;
export const BOB_FIXED = 25n * USD;

/** Referral statuses as the contract numbers them. */
export const Status = { None: 0n, Pending: 1n, Voided: 2n, Claimed: 3n } as const;
/** `IReferralEscrow.ClaimSkipReason`: why a claim batch passed over a referral. */
export const SkipReason = { AlreadyClaimed: 0n, Voided: 1n, NotReleased: 2n } as const;

/** A referral code from a short name. */
export const code = (name: string): string => ethers.encodeBytes32String(name);

/** The shopper named as the buyer of referred sales: nobody's partner owner or payout address. */
export const BUYER = "0x00000000000000000000000000000000000b0B12";

export const ALICE = code("ALICE10");
export const BOB = code("BOB");
export const CAROL = code("CAROL");

export interface ReferralEscrowFixture {
  escrow: ReferralEscrow;
  /** The stablecoin budgets are funded in. */
  usd: TestToken;
  admin: HardhatEthersSigner;
  storefront: HardhatEthersSigner;
  otherStorefront: HardhatEthersSigner;
  /** Partner owners and the addresses they are paid at. */
  alice: HardhatEthersSigner;
  alicePayout: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  bobPayout: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  shopper: HardhatEthersSigner;
  otherShopper: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

/** A fresh escrow proxy (max rate 30%) and a stablecoin; no partner, program or budget yet. */
export async function deployReferralEscrowFixture(): Promise<ReferralEscrowFixture> {
  const signers = await ethers.getSigners();
  const [admin, storefront, otherStorefront, alice, alicePayout, bob, bobPayout, carol, shopper, otherShopper, stranger] = signers;
  if (!admin || !storefront || !otherStorefront || !alice || !alicePayout || !bob || !bobPayout || !carol || !shopper || !otherShopper || !stranger) {
    throw new Error("referral fixture: needs eleven funded accounts");
  }
  const { escrow } = await deployReferralEscrow(ethers, upgradesApi, { admin: admin.address, maxRateBps: Number(MAX_RATE_BPS) });
  const usd = await ethers.deployContract("TestToken", ["Test Dollar", "TUSD"]);
  return { escrow, usd, admin, storefront, otherStorefront, alice, alicePayout, bob, bobPayout, carol, shopper, otherShopper, stranger };
}

export interface ProgramFixture extends ReferralEscrowFixture {
  aliceId: bigint;
  bobId: bigint;
  /** Registered, but enrolled in no program. */
  carolId: bigint;
}

/**
 * Partners registered (Alice, Bob, Carol), Alice at 10% and Bob at a fixed 25 USD in the storefront's program
 * (hold 14 days), Alice at 5% in the other storefront's (hold 3 days), and a 10,000 USD budget at each.
 */
export async function deployProgramFixture(): Promise<ProgramFixture> {
  const fixture = await deployReferralEscrowFixture();
  const { escrow, usd, storefront, otherStorefront, alice, alicePayout, bob, bobPayout, carol } = fixture;
  const aliceId = await registerPartner(escrow, alice, ALICE, alicePayout.address);
  const bobId = await registerPartner(escrow, bob, BOB, bobPayout.address);
  const carolId = await registerPartner(escrow, carol, CAROL, carol.address);
  await enrolRate(escrow, storefront, ALICE, ALICE_RATE_BPS);
  await enrolFixed(escrow, storefront, BOB, BOB_FIXED);
  await enrolRate(escrow, otherStorefront, ALICE, 500n);
  await (await escrow.connect(storefront).setHoldPeriod(HOLD)).wait();
  await (await escrow.connect(otherStorefront).setHoldPeriod(OTHER_HOLD)).wait();
  await fundBudget(escrow, usd, storefront, BUDGET);
  await fundBudget(escrow, usd, otherStorefront, BUDGET);
  return { ...fixture, aliceId, bobId, carolId };
}

/** Registers `partnerCode` for `owner`, paid to `payout`; returns the partner id. */
export async function registerPartner(escrow: ReferralEscrow, owner: HardhatEthersSigner, partnerCode: string, payout: string): Promise<bigint> {
  await (await escrow.connect(owner).registerPartner(partnerCode, payout)).wait();
  return escrow.partnerIdOf(partnerCode);
}

/** Enrols the partner with `partnerCode` in `storefront`'s program at a rate. */
export async function enrolRate(escrow: ReferralEscrow, storefront: HardhatEthersSigner, partnerCode: string, rateBps: bigint): Promise<void> {
  await (await escrow.connect(storefront).enrolPartner(partnerCode, rateBps, 0n)).wait();
}

/** Enrols the partner with `partnerCode` in `storefront`'s program with a fixed commission. */
export async function enrolFixed(escrow: ReferralEscrow, storefront: HardhatEthersSigner, partnerCode: string, fixedCommission: bigint): Promise<void> {
  await (await escrow.connect(storefront).enrolPartner(partnerCode, 0n, fixedCommission)).wait();
}

/** The minimal ERC-20 surface the helpers need: any of the test tokens. */
export interface MintableToken {
  getAddress(): Promise<string>;
  mint(to: string, amount: bigint): Promise<{ wait(): Promise<unknown> }>;
  connect(runner: HardhatEthersSigner): { approve(spender: string, amount: bigint): Promise<{ wait(): Promise<unknown> }> };
}

/** Mints `amount` to `storefront`, approves the escrow and funds the storefront's budget with it. */
export async function fundBudget(escrow: ReferralEscrow, token: MintableToken, storefront: HardhatEthersSigner, amount: bigint): Promise<void> {
  await mintAndApprove(escrow, token, storefront, amount);
  await (await escrow.connect(storefront).fundBudget(await token.getAddress(), amount)).wait();
}

/** Mints `amount` to `account` and lets the escrow take it. */
export async function mintAndApprove(escrow: ReferralEscrow, token: MintableToken, account: HardhatEthersSigner, amount: bigint): Promise<void> {
  await (await token.mint(account.address, amount)).wait();
  await (await token.connect(account).approve(await escrow.getAddress(), amount)).wait();
}

/** Records one referred sale at `storefront` and returns its receipt and release time (from the stored referral). */
export async function record(
  escrow: ReferralEscrow,
  storefront: HardhatEthersSigner,
  orderId: bigint,
  partnerCode: string,
  saleAmount: bigint,
  token: { getAddress(): Promise<string> },
): Promise<{ receipt: ContractTransactionReceipt; releaseTime: bigint; commission: bigint }> {
  const receipt = await (await escrow.connect(storefront).recordReferral(orderId, partnerCode, saleAmount, await token.getAddress(), BUYER)).wait();
  if (!receipt) throw new Error("record: no receipt");
  const referral = await escrow.referralOf(storefront.address, orderId);
  return { receipt, releaseTime: referral.releaseTime, commission: referral.commission };
}

/** A claim key. */
export const key = (storefront: HardhatEthersSigner | string, orderId: bigint) => ({
  storefront: typeof storefront === "string" ? storefront : storefront.address,
  orderId,
});

/** Moves time so that the next block is mined exactly at `timestamp`. */
export async function atNextBlock(timestamp: bigint): Promise<void> {
  await time.setNextBlockTimestamp(timestamp);
}

/** Mines a block at `timestamp` (the referral with that release time is then released). */
export async function moveTo(timestamp: bigint): Promise<void> {
  await time.increaseTo(timestamp);
}

/** Moves past the referral's release time. */
export async function passHold(escrow: ReferralEscrow, storefront: HardhatEthersSigner, orderId: bigint): Promise<void> {
  const { releaseTime } = await escrow.referralOf(storefront.address, orderId);
  const now = BigInt(await time.latest());
  if (now < releaseTime) await time.increaseTo(releaseTime);
}

/** The timestamp the next block will get if it is pinned one second after the latest one. */
export async function pinNextBlock(): Promise<bigint> {
  const next = BigInt(await time.latest()) + 1n;
  await time.setNextBlockTimestamp(next);
  return next;
}
