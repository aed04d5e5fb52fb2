import type { Address, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { addressOf } from "../../internal/contracts.js";
import { walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";
import { rewardTokenDomain, rewardVoucherTypes } from "../../rewardToken/typedData.js";

export interface SignRewardVoucherParameters {
  shopper: Address;
  points: bigint;
  orderId: bigint | number;
  /** Unix time after which the voucher can no longer be claimed. */
  deadline: bigint;
}
/** A voucher and its signature: hand both to the shopper, who claims them with `claimVoucher`. */
export interface RewardVoucher {
  voucher: { shopper: Address; amount: bigint; storefront: Address; orderId: bigint; deadline: bigint };
  signature: Hex;
}
export type SignRewardVoucherReturnType = RewardVoucher;
export type SignRewardVoucherErrorType = import("../../errors/clientErrors.js").InvalidParameterError;

/**
 * Signs (EIP-712, no transaction) a reward voucher for one of the calling storefront's orders; the shopper,
 * or any relayer, claims it with `claimVoucher` before `deadline`.
 *
 * @example
 * const voucher = await signRewardVoucher(dcrm, { shopper, points: 50n, orderId: 77n, deadline: now + 86_400n });
 */
export async function signRewardVoucher(client: DcrmClient, parameters: SignRewardVoucherParameters): Promise<SignRewardVoucherReturnType> {
  const wallet = walletOf(client, "signRewardVoucher");
  const block = await client.publicClient.getBlock();
  const voucher = {
    shopper: check.address("shopper", parameters.shopper),
    amount: check.amount("points", parameters.points),
    storefront: wallet.account.address,
    orderId: check.integer("orderId", parameters.orderId),
    deadline: check.futureTime("deadline", parameters.deadline, block.timestamp),
  };
  const signature = await wallet.signTypedData({
    account: wallet.account,
    domain: rewardTokenDomain(client.deployment.chainId, addressOf(client, "RewardToken")) as { verifyingContract: Address },
    types: rewardVoucherTypes,
    primaryType: "RewardVoucher",
    message: voucher,
  });
  return { voucher, signature };
}
