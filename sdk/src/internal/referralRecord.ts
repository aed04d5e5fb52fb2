import { type Address, type Hash, type Hex, parseEventLogs } from "viem";

import type { DcrmClient } from "../client/createDcrmClient.js";
import { abis, addressOf } from "./contracts.js";

/** A referred sale as recorded on-chain. */
export interface RecordedReferral {
  partnerId: number;
  buyer: Address;
  token: Address;
  saleAmount: bigint;
  commission: bigint;
  releaseTime: bigint;
  transactionHash: Hash;
}

/** The `ReferralRecorded` event of the storefront's order, if any. */
export async function findRecordedReferral(client: DcrmClient, storefront: Address, orderId: bigint): Promise<RecordedReferral | undefined> {
  const logs = await client.publicClient.getLogs({
    address: addressOf(client, "ReferralEscrow"),
    event: abis.ReferralEscrow.find((item) => item.type === "event" && item.name === "ReferralRecorded") as Extract<(typeof abis.ReferralEscrow)[number], { type: "event"; name: "ReferralRecorded" }>,
    args: { storefront, orderId },
    fromBlock: client.deployment.contracts.ReferralEscrow.deploymentBlock,
    toBlock: "latest",
  });
  const [log] = logs;
  if (!log) return undefined;
  return fromReferralLog(log.args as ReferralRecordedArgs, log.transactionHash);
}

type ReferralRecordedArgs = { partnerId: number; buyer: Address; token: Address; saleAmount: bigint; commission: bigint; releaseTime: bigint };

function fromReferralLog(args: ReferralRecordedArgs, transactionHash: Hash): RecordedReferral {
  return { partnerId: args.partnerId, buyer: args.buyer, token: args.token, saleAmount: args.saleAmount, commission: args.commission, releaseTime: args.releaseTime, transactionHash };
}

/** The `ReferralRecorded` events of a receipt's logs. */
export function referralsInLogs(logs: readonly { data: Hex; topics: readonly Hex[] }[], transactionHash: Hash): RecordedReferral[] {
  return parseEventLogs({ abi: abis.ReferralEscrow, logs: logs as never, eventName: "ReferralRecorded" }).map((log) => fromReferralLog(log.args, transactionHash));
}
