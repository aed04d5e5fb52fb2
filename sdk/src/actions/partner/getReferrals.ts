import { type Address, type Hash, parseEventLogs } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { abis, addressOf } from "../../internal/contracts.js";
import { read } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface GetReferralsParameters {
  partnerId: number;
}
/** A partner's referral and where it is now. */
export interface PartnerReferral {
  storefront: Address;
  orderId: bigint;
  buyer: Address;
  token: Address;
  saleAmount: bigint;
  /** The commission still owed (after any partial refunds); 0 once voided. */
  commission: bigint;
  releaseTime: bigint;
  /** `held` in its hold period, `claimable` now, `voided` or `claimed`. */
  status: "held" | "claimable" | "voided" | "claimed";
  transactionHash: Hash;
}
export interface GetReferralsReturnType {
  referrals: PartnerReferral[];
  /** What the partner can claim now, per token. */
  claimableNow: Record<Address, bigint>;
}
export type GetReferralsErrorType = import("../../errors/clientErrors.js").InvalidParameterError;

/**
 * A partner's referrals with their status now (held, claimable, voided, claimed) and what is claimable now per
 * token.
 *
 * @example
 * const { referrals, claimableNow } = await getReferrals(dcrm, { partnerId: 7 });
 */
export async function getReferrals(client: DcrmClient, parameters: GetReferralsParameters): Promise<GetReferralsReturnType> {
  const partnerId = check.smallInteger("partnerId", parameters.partnerId, 2 ** 40 - 1, 1);
  const [logs, block] = await Promise.all([
    client.publicClient.getLogs({ address: addressOf(client, "ReferralEscrow"), fromBlock: client.deployment.contracts.ReferralEscrow.deploymentBlock, toBlock: "latest" }),
    client.publicClient.getBlock(),
  ]);
  const recorded = parseEventLogs({ abi: abis.ReferralEscrow, logs, eventName: "ReferralRecorded", args: { partnerId } });
  const referrals = await Promise.all(
    recorded.map(async (log): Promise<PartnerReferral> => {
      const now = await read(client, "ReferralEscrow", "referralOf", [log.args.storefront, log.args.orderId]);
      const owed = now.commission - (now.commission * BigInt(now.refundedBps)) / 10_000n;
      const status = now.status === 2 ? "voided" : now.status === 3 ? "claimed" : BigInt(now.releaseTime) <= block.timestamp ? "claimable" : "held";
      return {
        storefront: log.args.storefront,
        orderId: log.args.orderId,
        buyer: log.args.buyer,
        token: log.args.token,
        saleAmount: log.args.saleAmount,
        commission: status === "voided" ? 0n : owed,
        releaseTime: BigInt(now.releaseTime),
        status,
        transactionHash: log.transactionHash,
      };
    }),
  );
  const claimableNow: Record<Address, bigint> = {};
  for (const referral of referrals) if (referral.status === "claimable") claimableNow[referral.token] = (claimableNow[referral.token] ?? 0n) + referral.commission;
  return { referrals, claimableNow };
}
