import type { Hash, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { InvalidParameterError } from "../../errors/clientErrors.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export type EnrolPartnerParameters = {
  /** The partner's referral code (bytes32, or text hashed with keccak256). */
  code: Hex | string;
} & ({ /** Commission in basis points of the sale. */ rateBps: number; fixedCommission?: never } | { rateBps?: never; /** A fixed commission per referral, in token units. */ fixedCommission: bigint });
export interface EnrolPartnerReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as EnrolPartnerErrorType } from "./checkout.js";

/**
 * Enrols a partner in the calling storefront's referral program (or changes its terms): a rate of the sale
 * or a fixed commission.
 *
 * @example
 * await enrolPartner(dcrm, { code: "SUMMER-ANNA", rateBps: 500 });
 */
export async function enrolPartner(client: DcrmClient, parameters: EnrolPartnerParameters): Promise<EnrolPartnerReturnType> {
  const code = check.bytes32("code", parameters.code);
  const rateBps = parameters.rateBps === undefined ? 0 : check.smallInteger("rateBps", parameters.rateBps, 10_000, 1);
  const fixed = parameters.fixedCommission === undefined ? 0n : check.amount("fixedCommission", parameters.fixedCommission, 2n ** 96n - 1n);
  if ((rateBps === 0) === (fixed === 0n)) throw new InvalidParameterError("terms", parameters, "exactly one of rateBps or fixedCommission");
  const { hash } = await transact(client, "ReferralEscrow", "enrolPartner", [code, rateBps, fixed], "enrolPartner");
  return { hash };
}
