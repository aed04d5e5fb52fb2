import type { Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { read, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface SetStorefrontPolicyParameters {
  /** Seconds an order's points stay pending (and its referral held); 0 issues at once. */
  returnWindow?: number;
  /** Whether points of orders issued from now on may be clawed back after release. */
  clawbackAllowed?: boolean;
  /** Referrals per partner per period (both zero: no cap). */
  referralCap?: { maxReferralsPerPeriod: number; period: number };
  /** Stop (or resume) recording referrals. */
  referralsPaused?: boolean;
}
export interface SetStorefrontPolicyReturnType {
  /** One per setting that changed; a setting already in place sends nothing. */
  hashes: Hash[];
}
export type { CheckoutErrorType as SetStorefrontPolicyErrorType } from "./checkout.js";

/**
 * Sets the calling storefront's program policies: the return window (for points and referral hold alike),
 * clawback, the per-partner referral cap, pausing referrals. Only what changes is sent.
 *
 * @example
 * await setStorefrontPolicy(dcrm, { returnWindow: 14 * 86_400, clawbackAllowed: true });
 */
export async function setStorefrontPolicy(client: DcrmClient, parameters: SetStorefrontPolicyParameters): Promise<SetStorefrontPolicyReturnType> {
  const storefront = walletOf(client, "setStorefrontPolicy").account.address;
  const [policy, program] = await Promise.all([read(client, "RewardToken", "storefrontPolicy", [storefront]), read(client, "ReferralEscrow", "programOf", [storefront])]);
  const [holdPeriod, paused, maxReferrals, capPeriod] = program;
  const hashes: Hash[] = [];
  const returnWindow = parameters.returnWindow === undefined ? policy.returnWindow : check.smallInteger("returnWindow", parameters.returnWindow, 2 ** 32 - 1);
  const clawbackAllowed = parameters.clawbackAllowed ?? policy.clawbackAllowed;
  if (returnWindow !== policy.returnWindow || clawbackAllowed !== policy.clawbackAllowed) {
    hashes.push((await transact(client, "RewardToken", "setStorefrontPolicy", [returnWindow, clawbackAllowed], "setStorefrontPolicy")).hash);
  }
  if (parameters.returnWindow !== undefined && returnWindow !== holdPeriod) {
    hashes.push((await transact(client, "ReferralEscrow", "setHoldPeriod", [returnWindow], "setStorefrontPolicy")).hash);
  }
  if (parameters.referralCap) {
    const max = check.smallInteger("referralCap.maxReferralsPerPeriod", parameters.referralCap.maxReferralsPerPeriod, 2 ** 32 - 1);
    const period = check.smallInteger("referralCap.period", parameters.referralCap.period, 2 ** 32 - 1);
    if (max !== maxReferrals || period !== capPeriod) hashes.push((await transact(client, "ReferralEscrow", "setReferralCap", [max, period], "setStorefrontPolicy")).hash);
  }
  if (parameters.referralsPaused !== undefined && parameters.referralsPaused !== paused) {
    hashes.push((await transact(client, "ReferralEscrow", "setProgramPaused", [parameters.referralsPaused], "setStorefrontPolicy")).hash);
  }
  return { hashes };
}
