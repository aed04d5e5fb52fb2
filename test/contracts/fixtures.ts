import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { upgrades } from "@openzeppelin/hardhat-upgrades";
import type { BigNumberish, TypedDataDomain, TypedDataField } from "ethers";
import hre from "hardhat";

import { deployRewardToken } from "../../deploy/rewardToken.js";
import { permitTypes, rewardTokenDomain, rewardVoucherTypes } from "../../sdk/src/rewardToken/typedData.js";
import type { RewardToken } from "../../types/ethers-contracts/index.js";

export const connection = await hre.network.create();
export const { ethers, networkHelpers } = connection;
export const upgradesApi = await upgrades(hre, connection);

export const ONE_DAY = 86_400n;
export const POINTS = 10n ** 18n;
export const CAP = 1_000_000n * POINTS;

/** A deployed RewardToken proxy with one configured storefront (issuer role, cap per day). */
export interface RewardTokenFixture {
  token: RewardToken;
  admin: HardhatEthersSigner;
  storefront: HardhatEthersSigner;
  otherStorefront: HardhatEthersSigner;
  shopper: HardhatEthersSigner;
  otherShopper: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

export async function deployRewardTokenFixture(): Promise<RewardTokenFixture> {
  const [admin, storefront, otherStorefront, shopper, otherShopper, stranger] = await ethers.getSigners();
  if (!admin || !storefront || !otherStorefront || !shopper || !otherShopper || !stranger) {
    throw new Error("fixture: needs six funded accounts");
  }
  const token = await deployRewardToken(ethers, upgradesApi, { name: "Acme Points", symbol: "ACME", admin: admin.address });
  const issuerRole = await token.ISSUER_ROLE();
  for (const account of [storefront, otherStorefront]) {
    await (await token.grantRole(issuerRole, account.address)).wait();
    await (await token.setIssuanceCap(account.address, CAP, ONE_DAY)).wait();
  }
  // Start a minute into a fresh day, so that a test's transactions share one cap period.
  const now = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increaseTo(now - (now % ONE_DAY) + ONE_DAY + 60n);
  return { token, admin, storefront, otherStorefront, shopper, otherShopper, stranger };
}

/** The EIP-712 domain of the token's vouchers and permits. */
export async function domainOf(token: RewardToken): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return rewardTokenDomain(chainId, await token.getAddress());
}

// ethers types its parameter as mutable arrays; it never writes to them.
export const voucherTypes = rewardVoucherTypes as unknown as Record<string, TypedDataField[]>;
const permitTypesForEthers = permitTypes as unknown as Record<string, TypedDataField[]>;

export interface Voucher {
  shopper: string;
  amount: bigint;
  storefront: string;
  orderId: bigint;
  deadline: bigint;
}

/** Signs a permit for `spender` and returns its v, r, s. */
export async function signPermit(
  token: RewardToken,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: BigNumberish,
  domain?: TypedDataDomain,
) {
  const nonce = await token.nonces(owner.address);
  const signature = await owner.signTypedData(domain ?? (await domainOf(token)), permitTypesForEthers, {
    owner: owner.address,
    spender,
    value,
    nonce,
    deadline,
  });
  return ethers.Signature.from(signature);
}

/** A 65-byte signature as EIP-2098 compact `(r, yParityAndS)`, the form `claimVoucher` takes. */
export function compact(signature: string): [string, string] {
  const { r, yParityAndS } = ethers.Signature.from(signature);
  return [r, yParityAndS];
}

/** A deadline an hour after the latest block. */
export async function inAnHour(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest()) + 3_600n;
}
