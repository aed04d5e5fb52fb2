import type { Address, Hash, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface RegisterPartnerParameters {
  /** The referral code (bytes32, or text hashed with keccak256): it is the partner's for good. */
  code: Hex | string;
  /** Where commissions are paid; defaults to the partner's account. */
  payout?: Address;
}
export interface RegisterPartnerReturnType {
  hash: Hash;
  partnerId: number;
  code: Hex;
}
export type { CheckoutErrorType as RegisterPartnerErrorType } from "../storefront/checkout.js";

/**
 * Registers a referral code for the calling account, paid to `payout`.
 *
 * @example
 * const { partnerId } = await registerPartner(partnerClient, { code: "SUMMER-ANNA" });
 */
export async function registerPartner(client: DcrmClient, parameters: RegisterPartnerParameters): Promise<RegisterPartnerReturnType> {
  const owner = walletOf(client, "registerPartner").account.address;
  const code = check.bytes32("code", parameters.code);
  const { hash, result } = await transact(client, "ReferralEscrow", "registerPartner", [code, check.address("payout", parameters.payout ?? owner)], "registerPartner");
  return { hash, partnerId: result, code };
}
