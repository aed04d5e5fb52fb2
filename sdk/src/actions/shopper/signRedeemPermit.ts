import type { Address, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { addressOf } from "../../internal/contracts.js";
import { read, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";
import { permitTypes, rewardTokenDomain } from "../../rewardToken/typedData.js";

export interface SignRedeemPermitParameters {
  /** The storefront that will redeem the points at its checkout. */
  storefront: Address;
  points: bigint;
  /** Unix time after which the permit can no longer be used. */
  deadline: bigint;
}
/** An EIP-2612 permit of the shopper's points for one storefront, ready for `redeemAtCheckout`. */
export interface RedeemPermit {
  owner: Address;
  spender: Address;
  value: bigint;
  nonce: bigint;
  deadline: bigint;
  signature: Hex;
}
export type SignRedeemPermitReturnType = RedeemPermit;
export type SignRedeemPermitErrorType = import("../../errors/clientErrors.js").InvalidParameterError;

/**
 * Signs (no transaction, no gas) a permit for a storefront to redeem `points` of the shopper's points at its
 * checkout; the storefront submits it with `redeemAtCheckout`.
 *
 * @example
 * const permit = await signRedeemPermit(shopperClient, { storefront, points: 500n, deadline: now + 900n });
 */
export async function signRedeemPermit(client: DcrmClient, parameters: SignRedeemPermitParameters): Promise<SignRedeemPermitReturnType> {
  const wallet = walletOf(client, "signRedeemPermit");
  const owner = wallet.account.address;
  const block = await client.publicClient.getBlock();
  const spender = check.address("storefront", parameters.storefront);
  const value = check.amount("points", parameters.points);
  const deadline = check.futureTime("deadline", parameters.deadline, block.timestamp);
  const nonce = await read(client, "RewardToken", "nonces", [owner]);
  const signature = await wallet.signTypedData({
    account: wallet.account,
    domain: rewardTokenDomain(client.deployment.chainId, addressOf(client, "RewardToken")) as { verifyingContract: Address },
    types: permitTypes,
    primaryType: "Permit",
    message: { owner, spender, value, nonce, deadline },
  });
  return { owner, spender, value, nonce, deadline, signature };
}
