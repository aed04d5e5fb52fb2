import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";
import type { TypedDataField } from "ethers";

import { deployRewardToken } from "../../deploy/rewardToken.js";
import { permitTypes, rewardTokenDomain, rewardVoucherTypes } from "../../sdk/src/rewardToken/typedData.js";
import type { RewardToken } from "../../types/ethers-contracts/index.js";
import { gasOf, marginal, type GasRow } from "./measure.js";

// ethers types its parameter as mutable arrays; it never writes to them.
type EthersTypes = Record<string, TypedDataField[]>;

const ONE_DAY = 86_400n;
const POINTS = 10n ** 20n; // 100 points: realistic calldata (an amount with zero and non-zero bytes)

/**
 * RewardToken's measured operations, and the baseline they are compared with: a plain OpenZeppelin
 * upgradeable ERC-20 with AccessControl behind an ERC1967 proxy.
 *
 * Order numbers are taken from a bitmap word that an earlier order already touched, the steady state of a
 * storefront whose order numbers are sequential (a fresh word costs 17,100 more, once per 256 orders).
 */
export async function measureRewardToken(ethers: HardhatEthers, upgradesApi: HardhatUpgrades): Promise<GasRow[]> {
  const [admin, shopper] = await ethers.getSigners();
  if (!admin || !shopper) throw new Error("bench: needs two funded accounts");
  const rows: GasRow[] = [];
  const fresh = freshHolders(ethers, "baseline");

  // Baseline: OpenZeppelin upgradeable ERC-20 + AccessControl behind an ERC1967 proxy.
  const baselineImpl = await ethers.deployContract("BaselineUpgradeableToken");
  const baselineInit = baselineImpl.interface.encodeFunctionData("initialize", ["Baseline", "BASE", admin.address]);
  const baselineProxy = await ethers.deployContract("ERC1967Proxy", [await baselineImpl.getAddress(), baselineInit]);
  const baseline = await ethers.getContractAt("BaselineUpgradeableToken", await baselineProxy.getAddress());
  await (await baseline.mint(shopper.address, POINTS)).wait();
  rows.push({ id: "baseline.ozUpgradeable.mint.newHolder", gas: await gasOf(baseline.mint(fresh(), POINTS)) });
  rows.push({ id: "baseline.ozUpgradeable.mint.existingHolder", gas: await gasOf(baseline.mint(shopper.address, POINTS)) });

  // Issue 2's checkout rows with every policy off (their targets), then again with each policy on.
  for (const policy of CHECKOUT_POLICIES) rows.push(...(await measureCheckout(ethers, upgradesApi, policy)));
  rows.push(...(await measurePolicies(ethers, upgradesApi)));
  rows.push(...(await measureIssuerKeys(ethers, upgradesApi)));
  return rows;
}

/** A policy under which the checkout rows are measured; `suffix` is appended to every row id. */
interface CheckoutPolicy {
  suffix: string;
  /** Run once the storefront is an issuer with a cap. */
  apply?: (token: RewardToken, storefront: HardhatEthersSigner) => Promise<unknown>;
  /** Apply before the warm-up issuance, so that holders are measured in their steady state under it. */
  beforeWarmUp?: boolean;
}

const RETURN_WINDOW = 14n * ONE_DAY;

const CHECKOUT_POLICIES: CheckoutPolicy[] = [
  { suffix: "" },
  // Holders already active under expiry: their activity slot is written, not created (creating it costs
  // a new holder 17,100 more, which the newHolder rows show).
  { suffix: ".expiryOn", apply: async (token) => (await token.setExpiryPeriod(365n * ONE_DAY)).wait(), beforeWarmUp: true },
  {
    suffix: ".clawbackPolicy",
    apply: async (token, storefront) => (await token.connect(storefront).setStorefrontPolicy(0, true)).wait(),
  },
  {
    suffix: ".returnWindow",
    apply: async (token, storefront) => (await token.connect(storefront).setStorefrontPolicy(RETURN_WINDOW, false)).wait(),
  },
];

/** Deterministic new holders, so that the snapshot changes only when the code does. */
function freshHolders(ethers: HardhatEthers, label: string): () => string {
  let count = 0;
  return () => ethers.getAddress(ethers.dataSlice(ethers.id(`bench-holder-${label}-${count++}`), 12));
}

/** A fresh token with `storefront` as issuer, its period, first bitmap words and totalSupply warm. */
async function deployWarmToken(ethers: HardhatEthers, upgradesApi: HardhatUpgrades, policy?: CheckoutPolicy) {
  const [admin, storefront, shopper] = await ethers.getSigners();
  if (!admin || !storefront || !shopper) throw new Error("bench: needs three funded accounts");
  const token = await deployRewardToken(ethers, upgradesApi, { name: "Bench Points", symbol: "BENCH", admin: admin.address });
  await (await token.grantRole(await token.ISSUER_ROLE(), storefront.address)).wait();
  await (await token.setIssuanceCap(storefront.address, 10n ** 26n, ONE_DAY)).wait();
  if (policy?.beforeWarmUp) await policy.apply?.(token, storefront);
  // Warm the storefront's period, its first bitmap words and totalSupply, as any live storefront has them.
  await (await token.connect(storefront).issueBatch([shopper.address, shopper.address], [1n, 256n], [POINTS, POINTS])).wait();
  if (!policy?.beforeWarmUp) await policy?.apply?.(token, storefront);
  return token;
}

/** Issue 2's checkout operations under `policy`. */
async function measureCheckout(ethers: HardhatEthers, upgradesApi: HardhatUpgrades, policy: CheckoutPolicy): Promise<GasRow[]> {
  const [, storefront, shopper, spare] = await ethers.getSigners();
  if (!storefront || !shopper || !spare) throw new Error("bench: needs four funded accounts");
  const rows: GasRow[] = [];
  const fresh = freshHolders(ethers, `checkout${policy.suffix}`);
  const token = await deployWarmToken(ethers, upgradesApi, policy);
  const asStorefront = token.connect(storefront);
  // Targets hold with every policy off; with a policy on, the rows show what it costs.
  const target = (value: number) => (policy.suffix === "" ? value : undefined);

  rows.push({
    id: `reward.issue.newHolder${policy.suffix}`,
    gas: await gasOf(asStorefront.issue(fresh(), 2n, POINTS)),
    floor: 50_488,
    baseline: "baseline.ozUpgradeable.mint.newHolder",
    target: target(71_500),
  });
  rows.push({
    id: `reward.issue.existingHolder${policy.suffix}`,
    gas: await gasOf(asStorefront.issue(shopper.address, 3n, POINTS)),
    floor: 33_388,
    baseline: "baseline.ozUpgradeable.mint.existingHolder",
    target: target(54_500),
  });

  // Batches of 100 consecutive orders (the sequential order numbers of a storefront), in the word warmed above.
  const range = async (first: bigint, shoppers: string[]) =>
    gasOf(asStorefront.issueForOrderRange(first, shoppers, shoppers.map(() => POINTS)));
  const holders = Array.from({ length: 100 }, fresh);
  const newOne = await range(257n, [fresh()]);
  const newHundred = await range(258n, holders);
  rows.push({ id: `reward.issueBatch100.perNewHolder${policy.suffix}`, gas: marginal(newOne, newHundred, 100), floor: 24_624, target: target(26_000) });
  const existingOne = await range(358n, [holders[0]!]);
  const existingHundred = await range(359n, holders);
  rows.push({ id: `reward.issueBatch100.perExistingHolder${policy.suffix}`, gas: marginal(existingOne, existingHundred, 100), floor: 7_500, target: target(8_900) });

  // The same with any order numbers (here every other one, so that orders still share bitmap words).
  const scattered = async (first: bigint, shoppers: string[]) =>
    gasOf(asStorefront.issueBatch(shoppers, shoppers.map((_, i) => first + 2n * BigInt(i)), shoppers.map(() => POINTS)));
  const others = Array.from({ length: 100 }, fresh);
  const scatteredNewOne = await scattered(1024n, [fresh()]);
  const scatteredNewHundred = await scattered(1026n, others);
  rows.push({ id: `reward.issueBatch100Scattered.perNewHolder${policy.suffix}`, gas: marginal(scatteredNewOne, scatteredNewHundred, 100), floor: 24_624 });
  const scatteredExistingOne = await scattered(1025n, [others[0]!]);
  const scatteredExistingHundred = await scattered(1027n, others);
  rows.push({ id: `reward.issueBatch100Scattered.perExistingHolder${policy.suffix}`, gas: marginal(scatteredExistingOne, scatteredExistingHundred, 100), floor: 7_500 });

  // A voucher signed by the storefront, submitted by a relayer for a new holder.
  const network = await ethers.provider.getNetwork();
  const domain = rewardTokenDomain(network.chainId, await token.getAddress());
  const voucher = { shopper: fresh(), amount: POINTS, storefront: storefront.address, orderId: 4n, deadline: 2n ** 40n };
  const signature = await storefront.signTypedData(domain, rewardVoucherTypes as unknown as EthersTypes, voucher);
  rows.push({
    id: `reward.claimVoucher.newHolder${policy.suffix}`,
    gas: await gasOf(token.connect(spare).claimVoucher(voucher, ethers.Signature.from(signature).r, ethers.Signature.from(signature).yParityAndS)),
    baseline: "baseline.ozUpgradeable.mint.newHolder",
    target: target(78_000),
  });

  rows.push({
    id: `reward.redeem${policy.suffix}`,
    gas: await gasOf(token.connect(shopper).redeem(POINTS / 2n, ethers.id("SUMMER-10"))),
    target: target(43_000),
  });

  const nonce = await token.nonces(shopper.address);
  const permit = { owner: shopper.address, spender: storefront.address, value: POINTS / 4n, nonce, deadline: 2n ** 40n };
  const permitSignature = ethers.Signature.from(await shopper.signTypedData(domain, permitTypes as unknown as EthersTypes, permit));
  rows.push({
    id: `reward.redeemWithPermit${policy.suffix}`,
    gas: await gasOf(
      asStorefront.redeemWithPermit(
        shopper.address, permit.value, ethers.id("ORDER-5-DISCOUNT"), permit.deadline,
        permitSignature.v, permitSignature.r, permitSignature.s,
      ),
    ),
    floor: 71_900,
    target: target(80_000),
  });
  return rows;
}

/** The operations that only exist under a policy: pending points, their release and void, clawback, expiry. */
async function measurePolicies(ethers: HardhatEthers, upgradesApi: HardhatUpgrades): Promise<GasRow[]> {
  const [, storefront, shopper, keeper] = await ethers.getSigners();
  if (!storefront || !shopper || !keeper) throw new Error("bench: needs four funded accounts");
  const rows: GasRow[] = [];
  const fresh = freshHolders(ethers, "policies");
  const returnWindow = CHECKOUT_POLICIES.find((policy) => policy.suffix === ".returnWindow");
  const token = await deployWarmToken(ethers, upgradesApi, returnWindow);
  const asStorefront = token.connect(storefront);
  const asKeeper = token.connect(keeper);
  const closeWindows = async () => {
    await ethers.provider.send("evm_increaseTime", [Number(RETURN_WINDOW)]);
    await ethers.provider.send("evm_mine", []);
  };
  const orders = (first: bigint, count: number) => Array.from({ length: count }, (_, i) => first + BigInt(i));
  const pendingRange = async (first: bigint, shoppers: string[]) =>
    (await asStorefront.issueForOrderRange(first, shoppers, shoppers.map(() => POINTS))).wait();

  // The token's first pending points take the pending count from zero: a fresh slot, 17,100 more, once.
  rows.push({ id: "reward.issuePending.firstPending", gas: await gasOf(asStorefront.issue(shopper.address, 2n, POINTS)) });
  // The steady state: points already pending, as a storefront with a return window always has them.
  // Target 72,000 + 1,500: the pending count (`pendingSupply`, a cold read and a write, 5,000) is what makes a
  // release always fit under the supply cap; no word written on this path has room for it (see reports/README.md).
  rows.push({ id: "reward.issuePending.newOrder", gas: await gasOf(asStorefront.issue(shopper.address, 3n, POINTS)), target: 73_500 });
  // Target 40,000 + 2,500: the live issuer check (a cold read of the storefront's word, 2,100 with its hashing,
  // so a revoked key cannot void) and the pending count that a void frees (+5,000, less what was saved elsewhere);
  // then + 100 for signer keys: the caller is resolved to the storefront it acts for (see reports/README.md).
  rows.push({ id: "reward.voidPending", gas: await gasOf(asStorefront.voidPending(shopper.address, 3n, POINTS / 4n)), target: 42_600 });

  // A keeper releases orders of new holders once their window has closed.
  const holders = Array.from({ length: 101 }, fresh);
  await pendingRange(300n, holders);
  await closeWindows();
  const releaseOne = await gasOf(asKeeper.release(storefront.address, holders.slice(0, 1), orders(300n, 1)));
  const releaseHundred = await gasOf(asKeeper.release(storefront.address, holders.slice(1), orders(301n, 100)));
  rows.push({ id: "reward.release1", gas: releaseOne });
  rows.push({ id: "reward.releaseBatch100.perOrder", gas: marginal(releaseOne, releaseHundred, 100), target: 32_000 });

  // Orders issued with clawback allowed keep a record after release.
  await (await asStorefront.setStorefrontPolicy(RETURN_WINDOW, true)).wait();
  const clawbackHolders = Array.from({ length: 101 }, fresh);
  await pendingRange(600n, clawbackHolders);
  await closeWindows();
  const clawbackOne = await gasOf(asKeeper.release(storefront.address, clawbackHolders.slice(0, 1), orders(600n, 1)));
  const clawbackHundred = await gasOf(asKeeper.release(storefront.address, clawbackHolders.slice(1), orders(601n, 100)));
  rows.push({ id: "reward.releaseBatch100.perOrder.clawbackPolicy", gas: marginal(clawbackOne, clawbackHundred, 100) });

  // A refund after release: the whole order, then half of another, from a holder who still has the points.
  await pendingRange(800n, [shopper.address, shopper.address]);
  await (await asStorefront.release(storefront.address, [shopper.address, shopper.address], orders(800n, 2))).wait();
  // Target 45,000 + 2,300: the live issuer check (a cold read of the storefront's word that nothing else on this
  // path reads), so that a revoked key cannot burn a shopper's points; then + 100 for signer keys, as voidPending.
  rows.push({ id: "reward.clawback", gas: await gasOf(asStorefront.clawback(shopper.address, 800n, POINTS)), target: 47_400 });
  rows.push({ id: "reward.clawback.partial", gas: await gasOf(asStorefront.clawback(shopper.address, 801n, POINTS / 2n)) });

  // Expiry: a keeper burns the points of holders inactive for a whole period.
  await (await token.setExpiryPeriod(ONE_DAY)).wait();
  await ethers.provider.send("evm_increaseTime", [Number(ONE_DAY)]);
  await ethers.provider.send("evm_mine", []);
  const expireOne = await gasOf(asKeeper.expire(clawbackHolders.slice(0, 1)));
  const expireHundred = await gasOf(asKeeper.expire(clawbackHolders.slice(1)));
  rows.push({ id: "reward.expire1", gas: expireOne });
  rows.push({ id: "reward.expireBatch100.perHolder", gas: marginal(expireOne, expireHundred, 100) });
  return rows;
}

/**
 * Checkout through a signer key of the storefront (IIssuerKeys): the storefront's own rows above pay nothing
 * for keys; a key pays for reading which storefront it acts for (its own word, the key mapping) on top.
 */
async function measureIssuerKeys(ethers: HardhatEthers, upgradesApi: HardhatUpgrades): Promise<GasRow[]> {
  const [, storefront, shopper, spare, key] = await ethers.getSigners();
  if (!storefront || !shopper || !spare || !key) throw new Error("bench: needs five funded accounts");
  const rows: GasRow[] = [];
  const fresh = freshHolders(ethers, "issuerKeys");
  const token = await deployWarmToken(ethers, upgradesApi);
  await (await token.connect(storefront).setIssuerKey(key.address, true)).wait();
  const asKey = token.connect(key);

  rows.push({ id: "reward.issue.newHolder.key", gas: await gasOf(asKey.issue(fresh(), 2n, POINTS)), baseline: "reward.issue.newHolder" });
  rows.push({ id: "reward.issue.existingHolder.key", gas: await gasOf(asKey.issue(shopper.address, 3n, POINTS)), baseline: "reward.issue.existingHolder" });
  const range = async (first: bigint, shoppers: string[]) => gasOf(asKey.issueForOrderRange(first, shoppers, shoppers.map(() => POINTS)));
  const holders = Array.from({ length: 100 }, fresh);
  const newOne = await range(257n, [fresh()]);
  const newHundred = await range(258n, holders);
  rows.push({ id: "reward.issueBatch100.perNewHolder.key", gas: marginal(newOne, newHundred, 100), baseline: "reward.issueBatch100.perNewHolder" });

  const network = await ethers.provider.getNetwork();
  const domain = rewardTokenDomain(network.chainId, await token.getAddress());
  const voucher = { shopper: fresh(), amount: POINTS, storefront: storefront.address, orderId: 4n, deadline: 2n ** 40n };
  const signature = ethers.Signature.from(await key.signTypedData(domain, rewardVoucherTypes as unknown as EthersTypes, voucher));
  rows.push({
    id: "reward.claimVoucher.newHolder.keySigned",
    gas: await gasOf(token.connect(spare).claimVoucher(voucher, signature.r, signature.yParityAndS)),
    baseline: "reward.claimVoucher.newHolder",
  });
  return rows;
}
