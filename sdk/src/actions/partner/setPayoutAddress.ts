import type { Address, Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface SetPayoutAddressParameters {
  partnerId: number;
  payout: Address;
}
export interface SetPayoutAddressReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as SetPayoutAddressErrorType } from "../storefront/checkout.js";

/**
 * Changes where the calling partner's commissions are paid (claims from now on).
 *
 * @example
 * await setPayoutAddress(partnerClient, { partnerId: 7, payout: newWallet });
 */
export async function setPayoutAddress(client: DcrmClient, parameters: SetPayoutAddressParameters): Promise<SetPayoutAddressReturnType> {
  const args = [check.smallInteger("partnerId", parameters.partnerId, 2 ** 40 - 1, 1), check.address("payout", parameters.payout)] as const;
  const { hash } = await transact(client, "ReferralEscrow", "setPayoutAddress", args, "setPayoutAddress");
  return { hash };
}
