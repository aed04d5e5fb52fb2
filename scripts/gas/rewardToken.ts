import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";
import type { TypedDataField } from "ethers";

import { deployRewardToken } from "../../deploy/rewardToken.js";
import { permitTypes, rewardTokenDomain, rewardVoucherTypes } from "../../sdk/src/rewardToken/typedData.js";
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
  const [admin, storefront, shopper, spare] = await ethers.getSigners();
  if (!admin || !storefront || !shopper || !spare) throw new Error("bench: needs four funded accounts");
  const rows: GasRow[] = [];
  // Deterministic new holders, so that the snapshot changes only when the code does.
  let holderCount = 0;
  const fresh = () => ethers.getAddress(ethers.dataSlice(ethers.id(`bench-holder-${holderCount++}`), 12));

  // Baseline: OpenZeppelin upgradeable ERC-20 + AccessControl behind an ERC1967 proxy.
  const baselineImpl = await ethers.deployContract("BaselineUpgradeableToken");
  const baselineInit = baselineImpl.interface.encodeFunctionData("initialize", ["Baseline", "BASE", admin.address]);
  const baselineProxy = await ethers.deployContract("ERC1967Proxy", [await baselineImpl.getAddress(), baselineInit]);
  const baseline = await ethers.getContractAt("BaselineUpgradeableToken", await baselineProxy.getAddress());
  await (await baseline.mint(shopper.address, POINTS)).wait();
  rows.push({ id: "baseline.ozUpgradeable.mint.newHolder", gas: await gasOf(baseline.mint(fresh(), POINTS)) });
  rows.push({ id: "baseline.ozUpgradeable.mint.existingHolder", gas: await gasOf(baseline.mint(shopper.address, POINTS)) });

  const token = await deployRewardToken(ethers, upgradesApi, { name: "Bench Points", symbol: "BENCH", admin: admin.address });
  await (await token.grantRole(await token.ISSUER_ROLE(), storefront.address)).wait();
  await (await token.setIssuanceCap(storefront.address, 10n ** 26n, ONE_DAY)).wait();
  const asStorefront = token.connect(storefront);

  // Warm the storefront's period, its first bitmap words and totalSupply, as any live storefront has them.
  await (await asStorefront.issueBatch([shopper.address, shopper.address], [1n, 256n], [POINTS, POINTS])).wait();

  rows.push({
    id: "reward.issue.newHolder",
    gas: await gasOf(asStorefront.issue(fresh(), 2n, POINTS)),
    floor: 50_488,
    baseline: "baseline.ozUpgradeable.mint.newHolder",
    target: 71_500,
  });
  rows.push({
    id: "reward.issue.existingHolder",
    gas: await gasOf(asStorefront.issue(shopper.address, 3n, POINTS)),
    floor: 33_388,
    baseline: "baseline.ozUpgradeable.mint.existingHolder",
    target: 54_500,
  });

  // Batches of 100 consecutive orders (the sequential order numbers of a storefront), in the word warmed above.
  const range = async (first: bigint, shoppers: string[]) =>
    gasOf(asStorefront.issueForOrderRange(first, shoppers, shoppers.map(() => POINTS)));
  const holders = Array.from({ length: 100 }, fresh);
  const newOne = await range(257n, [fresh()]);
  const newHundred = await range(258n, holders);
  rows.push({ id: "reward.issueBatch100.perNewHolder", gas: marginal(newOne, newHundred, 100), floor: 24_624, target: 26_000 });
  const existingOne = await range(358n, [holders[0]!]);
  const existingHundred = await range(359n, holders);
  rows.push({ id: "reward.issueBatch100.perExistingHolder", gas: marginal(existingOne, existingHundred, 100), floor: 7_500, target: 8_900 });

  // The same with any order numbers (here every other one, so that orders still share bitmap words).
  const scattered = async (first: bigint, shoppers: string[]) =>
    gasOf(asStorefront.issueBatch(shoppers, shoppers.map((_, i) => first + 2n * BigInt(i)), shoppers.map(() => POINTS)));
  const others = Array.from({ length: 100 }, fresh);
  const scatteredNewOne = await scattered(1024n, [fresh()]);
  const scatteredNewHundred = await scattered(1026n, others);
  rows.push({ id: "reward.issueBatch100Scattered.perNewHolder", gas: marginal(scatteredNewOne, scatteredNewHundred, 100), floor: 24_624 });
  const scatteredExistingOne = await scattered(1025n, [others[0]!]);
  const scatteredExistingHundred = await scattered(1027n, others);
  rows.push({ id: "reward.issueBatch100Scattered.perExistingHolder", gas: marginal(scatteredExistingOne, scatteredExistingHundred, 100), floor: 7_500 });

  // A voucher signed by the storefront, submitted by a relayer for a new holder.
  const network = await ethers.provider.getNetwork();
  const domain = rewardTokenDomain(network.chainId, await token.getAddress());
  const voucher = { shopper: fresh(), amount: POINTS, storefront: storefront.address, orderId: 4n, deadline: 2n ** 40n };
  const signature = await storefront.signTypedData(domain, rewardVoucherTypes as unknown as EthersTypes, voucher);
  rows.push({
    id: "reward.claimVoucher.newHolder",
    gas: await gasOf(token.connect(spare).claimVoucher(voucher, ethers.Signature.from(signature).r, ethers.Signature.from(signature).yParityAndS)),
    baseline: "baseline.ozUpgradeable.mint.newHolder",
    target: 78_000,
  });

  rows.push({
    id: "reward.redeem",
    gas: await gasOf(token.connect(shopper).redeem(storefront.address, POINTS / 2n, ethers.id("SUMMER-10"))),
    target: 43_000,
  });

  const nonce = await token.nonces(shopper.address);
  const permit = { owner: shopper.address, spender: storefront.address, value: POINTS / 4n, nonce, deadline: 2n ** 40n };
  const permitSignature = ethers.Signature.from(await shopper.signTypedData(domain, permitTypes as unknown as EthersTypes, permit));
  rows.push({
    id: "reward.redeemWithPermit",
    gas: await gasOf(
      asStorefront.redeemWithPermit(
        shopper.address, permit.value, ethers.id("ORDER-5-DISCOUNT"), permit.deadline,
        permitSignature.v, permitSignature.r, permitSignature.s,
      ),
    ),
    floor: 71_900,
    target: 80_000,
  });
  return rows;
}

