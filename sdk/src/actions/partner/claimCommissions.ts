import { type Hash, parseEventLogs } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { abis } from "../../internal/contracts.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";
import { getReferrals, type PartnerReferral } from "./getReferrals.js";

export interface ClaimCommissionsParameters {
  partnerId: number;
}
export interface ClaimCommissionsReturnType {
  /** Undefined when nothing was claimable (nothing is sent). */
  hash: Hash | undefined;
  /** The referrals paid: those claimable when read, less any the escrow skipped (`ClaimSkipped`) because
   * another transaction claimed them first. */
  claimed: PartnerReferral[];
}
export type { CheckoutErrorType as ClaimCommissionsErrorType } from "../storefront/checkout.js";

/**
 * Claims every referral of the partner that is claimable now, in one transaction; the commissions go to the
 * partner's payout address. Only the partner's owner may send it (the escrow refuses anyone else with
 * `NotPartnerOwner`), so a leaked old payout key cannot race a change of payout address.
 *
 * @example
 * const { claimed } = await claimCommissions(partnerClient, { partnerId: 7 });
 */
export async function claimCommissions(client: DcrmClient, parameters: ClaimCommissionsParameters): Promise<ClaimCommissionsReturnType> {
  const partnerId = check.smallInteger("partnerId", parameters.partnerId, 2 ** 40 - 1, 1);
  const { referrals } = await getReferrals(client, { partnerId });
  // Grouped by token so that the contract pays one transfer per token.
  const claimed = referrals.filter((referral) => referral.status === "claimable").sort((a, b) => a.token.localeCompare(b.token));
  if (claimed.length === 0) return { hash: undefined, claimed };
  const keys = claimed.map((referral) => ({ storefront: referral.storefront, orderId: referral.orderId }));
  const { hash, receipt } = await transact(client, "ReferralEscrow", "claim", [partnerId, keys], "claimCommissions");
  const skipped = new Set(
    parseEventLogs({ abi: abis.ReferralEscrow, logs: receipt.logs, eventName: "ClaimSkipped" }).map((event) => `${event.args.storefront.toLowerCase()}:${event.args.orderId}`),
  );
  return { hash, claimed: claimed.filter((referral) => !skipped.has(`${referral.storefront.toLowerCase()}:${referral.orderId}`)) };
}
