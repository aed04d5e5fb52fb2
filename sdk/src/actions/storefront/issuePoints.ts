import type { Address, Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface IssuePointsParameters {
  shopper: Address;
  orderId: bigint | number;
  points: bigint;
}
export interface IssuePointsReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as IssuePointsErrorType } from "./checkout.js";

/**
 * Issues points for one of the calling storefront's orders (`RewardToken.issue`). An order already rewarded
 * throws `OrderAlreadyRewardedError`; use `checkout` for the idempotent call.
 *
 * @example
 * await issuePoints(dcrm, { shopper, orderId: 1043n, points: 250n * 10n ** 18n });
 */
export async function issuePoints(client: DcrmClient, parameters: IssuePointsParameters): Promise<IssuePointsReturnType> {
  const args = [check.address("shopper", parameters.shopper), check.integer("orderId", parameters.orderId), check.amount("points", parameters.points)] as const;
  const { hash } = await transact(client, "RewardToken", "issue", args, "issuePoints");
  return { hash };
}
