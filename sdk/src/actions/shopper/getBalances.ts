import { type Address, parseEventLogs } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { abis, addressOf } from "../../internal/contracts.js";
import { read } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface GetBalancesParameters {
  /** Defaults to the client's account. */
  shopper?: Address;
}
/** An order's points still pending under its storefront's return window. */
export interface PendingPoints {
  storefront: Address;
  orderId: bigint;
  points: bigint;
  /** When anyone may release them (the storefront may earlier). */
  releaseTime: bigint;
}
export interface GetBalancesReturnType {
  /** Points the shopper holds and can spend now. */
  spendable: bigint;
  /** Sum of `pendingOrders`. */
  pending: bigint;
  pendingOrders: PendingPoints[];
  /** When the shopper's points expire if it stays inactive; undefined when expiry is off or it holds none. */
  expiresAt: bigint | undefined;
}
export type GetBalancesErrorType = import("../../errors/clientErrors.js").InvalidParameterError;

/**
 * A shopper's points: spendable now, pending per order with release times, and when they expire.
 *
 * @example
 * const { spendable, pendingOrders, expiresAt } = await getBalances(dcrm, { shopper });
 */
export async function getBalances(client: DcrmClient, parameters: GetBalancesParameters = {}): Promise<GetBalancesReturnType> {
  const shopper = check.address("shopper", parameters.shopper ?? client.account);
  const [spendable, expiresAt, logs] = await Promise.all([
    read(client, "RewardToken", "balanceOf", [shopper]),
    read(client, "RewardToken", "pointsExpireAt", [shopper]),
    client.publicClient.getLogs({ address: addressOf(client, "RewardToken"), fromBlock: client.deployment.contracts.RewardToken.deploymentBlock, toBlock: "latest" }),
  ]);
  const issued = parseEventLogs({ abi: abis.RewardToken, logs, eventName: "PointsPending", args: { shopper } });
  const orders = await Promise.all(
    issued.map(async (log) => {
      const order = await read(client, "RewardToken", "recordedOrder", [log.args.storefront, shopper, log.args.orderId]);
      return { storefront: log.args.storefront, orderId: log.args.orderId, points: order.released ? 0n : order.points, releaseTime: BigInt(order.releaseTime) };
    }),
  );
  const pendingOrders = orders.filter((order) => order.points > 0n);
  return { spendable, pending: pendingOrders.reduce((sum, order) => sum + order.points, 0n), pendingOrders, expiresAt: expiresAt === 0n ? undefined : expiresAt };
}
