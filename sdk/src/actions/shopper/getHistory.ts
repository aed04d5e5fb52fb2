import { type Address, type Hash, parseEventLogs, zeroAddress } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { abis, addressOf } from "../../internal/contracts.js";
import * as check from "../../internal/validate.js";

export interface GetHistoryParameters {
  /** Defaults to the client's account. */
  shopper?: Address;
}
/** One change to a shopper's points. */
export interface HistoryEntry {
  kind: "earned" | "pending" | "released" | "voided" | "redeemed" | "clawedBack" | "expired" | "received" | "sent";
  points: bigint;
  /** The storefront, where the event names one. */
  storefront: Address | undefined;
  /** The other party of a transfer between holders. */
  counterparty: Address | undefined;
  blockNumber: bigint;
  timestamp: bigint;
  transactionHash: Hash;
}
export type GetHistoryReturnType = HistoryEntry[];
export type GetHistoryErrorType = import("../../errors/clientErrors.js").InvalidParameterError;

/**
 * A shopper's points history, oldest first, read from the RewardToken's events: each mint or burn is
 * classified by the event its contract emits right after it (issued, released, redeemed, clawed back,
 * expired). For aggregates over many shoppers, query the subgraph instead.
 *
 * @example
 * for (const entry of await getHistory(dcrm, { shopper })) console.log(entry.kind, entry.points);
 */
export async function getHistory(client: DcrmClient, parameters: GetHistoryParameters = {}): Promise<GetHistoryReturnType> {
  const shopper = check.address("shopper", parameters.shopper ?? client.account);
  const raw = await client.publicClient.getLogs({ address: addressOf(client, "RewardToken"), fromBlock: client.deployment.contracts.RewardToken.deploymentBlock, toBlock: "latest" });
  const logs = parseEventLogs({ abi: abis.RewardToken, logs: raw });
  const next = new Map(logs.map((log) => [`${log.transactionHash}:${log.logIndex - 1}`, log]));
  const entries: Omit<HistoryEntry, "timestamp">[] = [];
  for (const log of logs) {
    const base = { blockNumber: log.blockNumber, transactionHash: log.transactionHash, counterparty: undefined, storefront: undefined };
    if (log.eventName === "PointsPending" && log.args.shopper === shopper) entries.push({ ...base, kind: "pending", points: log.args.amount, storefront: log.args.storefront });
    if (log.eventName === "PendingPointsVoided" && log.args.shopper === shopper) entries.push({ ...base, kind: "voided", points: log.args.amount, storefront: log.args.storefront });
    if (log.eventName !== "Transfer") continue;
    const { from, to, value } = log.args;
    if (from !== shopper && to !== shopper) continue;
    const after = next.get(`${log.transactionHash}:${log.logIndex}`);
    const named = after && "storefront" in after.args ? (after.args.storefront as Address) : undefined;
    // A holder's own redemption names no storefront (zero in PointsRedeemed).
    const storefront = named === zeroAddress ? undefined : named;
    if (from === zeroAddress) entries.push({ ...base, kind: after?.eventName === "PointsReleased" ? "released" : "earned", points: value, storefront });
    else if (to === zeroAddress) {
      const kind = after?.eventName === "PointsExpired" ? "expired" : after?.eventName === "PointsClawedBack" ? "clawedBack" : "redeemed";
      entries.push({ ...base, kind, points: value, storefront });
    } else if (to === shopper) entries.push({ ...base, kind: "received", points: value, counterparty: from });
    else entries.push({ ...base, kind: "sent", points: value, counterparty: to });
  }
  const blocks = [...new Set(entries.map((entry) => entry.blockNumber))];
  const times = new Map(await Promise.all(blocks.map(async (number) => [number, (await client.publicClient.getBlock({ blockNumber: number })).timestamp] as const)));
  return entries.map((entry) => ({ ...entry, timestamp: times.get(entry.blockNumber)! }));
}
