import { type Address, type Hash, parseEventLogs, zeroAddress } from "viem";

import type { DcrmClient } from "../client/createDcrmClient.js";
import { abis, addressOf } from "./contracts.js";

/** How an order's points were issued, as the chain recorded it. */
export interface OrderIssuance {
  shopper: Address;
  points: bigint;
  /** `pending` when issued under a return window: `releaseTime` says when they become spendable. */
  status: "issued" | "pending";
  releaseTime: bigint | undefined;
  transactionHash: Hash;
  blockNumber: bigint;
}

/**
 * Reads how the storefront's order was issued from the RewardToken's events (the chain is the idempotency
 * store): `PointsPending` carries it all; the other issuance events are paired with the `Transfer` their
 * NatSpec places them after. `undefined` when the order has no issuance event.
 */
export async function findOrderIssuance(client: DcrmClient, storefront: Address, orderId: bigint): Promise<OrderIssuance | undefined> {
  const { publicClient, deployment } = client;
  const address = addressOf(client, "RewardToken");
  const fromBlock = deployment.contracts.RewardToken.deploymentBlock;
  const abi = abis.RewardToken;
  const logs = await publicClient.getLogs({ address, fromBlock, toBlock: "latest" }).then((all) =>
    parseEventLogs({ abi, logs: all, eventName: ["PointsPending", "PointsIssued", "PointsIssuedInBatch", "PointsIssuedForOrderRange"], args: { storefront } }),
  );
  for (const log of logs) {
    let transferOffset: number | undefined;
    if (log.eventName === "PointsPending" && log.args.orderId === orderId) {
      return {
        shopper: log.args.shopper,
        points: log.args.amount,
        status: "pending",
        releaseTime: log.args.releaseTime,
        transactionHash: log.transactionHash,
        blockNumber: log.blockNumber,
      };
    }
    if (log.eventName === "PointsIssued" && log.args.orderId === orderId) transferOffset = 1;
    if (log.eventName === "PointsIssuedInBatch") {
      const i = log.args.orderIds.indexOf(orderId);
      if (i >= 0) transferOffset = log.args.orderIds.length - i;
    }
    if (log.eventName === "PointsIssuedForOrderRange") {
      const { firstOrderId, count } = log.args;
      if (orderId >= firstOrderId && orderId < firstOrderId + count) transferOffset = Number(count - (orderId - firstOrderId));
    }
    if (transferOffset === undefined) continue;
    const receipt = await publicClient.getTransactionReceipt({ hash: log.transactionHash });
    const transferLogIndex = log.logIndex - transferOffset;
    const [transfer] = parseEventLogs({ abi, logs: receipt.logs.filter((l) => l.logIndex === transferLogIndex), eventName: "Transfer" });
    if (!transfer || transfer.args.from !== zeroAddress) continue;
    return {
      shopper: transfer.args.to,
      points: transfer.args.value,
      status: "issued",
      releaseTime: undefined,
      transactionHash: log.transactionHash,
      blockNumber: log.blockNumber,
    };
  }
  return undefined;
}
