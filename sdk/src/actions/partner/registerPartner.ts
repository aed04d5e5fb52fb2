import { type Address, encodeAbiParameters, type Hash, type Hex, keccak256, toHex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { TransactionRevertedError } from "../../errors/clientErrors.js";
import { CodeTakenError, CommitmentTooRecentError } from "../../generated/errors.js";
import { abis, addressOf } from "../../internal/contracts.js";
import { read, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface RegisterPartnerParameters {
  /** The referral code (bytes32, or text hashed with keccak256): it is the partner's for good. */
  code: Hex | string;
  /** Where commissions are paid; defaults to the partner's account. */
  payout?: Address;
}
export interface RegisterPartnerReturnType {
  /** The registration's transaction (the second of two). */
  hash: Hash;
  partnerId: number;
  code: Hex;
}
export type { CheckoutErrorType as RegisterPartnerErrorType } from "../storefront/checkout.js";

/** The escrow's commitment to `code` for `owner`: keccak256(abi.encode(code, owner, salt)). */
export function codeCommitment(code: Hex, owner: Address, salt: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "address" }, { type: "bytes32" }], [code, owner, salt]));
}

/**
 * Registers a referral code for the calling account, paid to `payout`, in two transactions: a commitment to the
 * code (its hash with the account and a random salt, which reveals nothing), then, once the escrow's commitment
 * delay has passed, the registration. Whoever sees the registration waiting to be mined cannot take the code
 * first: it holds no commitment old enough. Takes the delay (`codeCommitmentDelay`, 60 s unless the deployment
 * set another) plus two seconds.
 *
 * @example
 * const { partnerId } = await registerPartner(partnerClient, { code: "SUMMER-ANNA" });
 */
export async function registerPartner(client: DcrmClient, parameters: RegisterPartnerParameters): Promise<RegisterPartnerReturnType> {
  const owner = walletOf(client, "registerPartner").account.address;
  const code = check.bytes32("code", parameters.code);
  const payout = check.address("payout", parameters.payout ?? owner);
  const salt = toHex(crypto.getRandomValues(new Uint8Array(32)));
  const delay = Number(await read(client, "ReferralEscrow", "codeCommitmentDelay", []));
  await transact(client, "ReferralEscrow", "commitCode", [codeCommitment(code, owner, salt)], "registerPartner");
  // The registration must land in a block at least `delay` seconds after the commitment's: two seconds more
  // cover a block's timestamp trailing the clock.
  await new Promise((resolve) => setTimeout(resolve, (delay + 2) * 1000));
  try {
    const { hash, result } = await transact(client, "ReferralEscrow", "registerPartner", [code, payout, salt], "registerPartner");
    return { hash, partnerId: result, code };
  } catch (error) {
    if (!(error instanceof CommitmentTooRecentError)) throw error;
  }
  // A chain that mines only on demand (a local node) simulates at its last block, the commitment's: the
  // delay has passed by the clock, so send without simulating; the block it opens is late enough. What the
  // simulation could not say first: whether the code is taken.
  const holder = Number(await read(client, "ReferralEscrow", "partnerIdOf", [code]));
  if (holder !== 0) throw new CodeTakenError({ code, partnerId: holder }, { contract: "ReferralEscrow", functionName: "registerPartner" });
  const wallet = walletOf(client, "registerPartner");
  const hash = await wallet.writeContract({
    abi: abis.ReferralEscrow,
    address: addressOf(client, "ReferralEscrow"),
    functionName: "registerPartner",
    args: [code, payout, salt],
    account: wallet.account,
    chain: wallet.chain,
    gas: REGISTRATION_GAS,
  });
  const receipt = await client.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new TransactionRevertedError(hash, "ReferralEscrow", "registerPartner");
  return { hash, partnerId: Number(await read(client, "ReferralEscrow", "partnerIdOf", [code])), code };
}

/** Gas for a registration sent without simulation: it writes three fresh slots and clears one (about 120,000). */
const REGISTRATION_GAS = 250_000n;
