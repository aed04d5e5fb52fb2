/**
 * From a raw log to the trigger a handler runs on: the data source whose address and event match it, and the
 * event's parameters decoded with that data source's ABI. As in graph-node, a log whose data the handler's ABI
 * cannot decode is not that handler's trigger (an ERC-721 Transfer shares an ERC-20 Transfer's topic0).
 */
import { decodeEventLog, type Log } from "viem";

import type { BlockData, EventTrigger, TransactionData } from "./host/index.ts";
import type { DataSourceSpec, EventHandlerSpec } from "./manifest.ts";
import { ChainError, type FullBlock } from "./chain/source.ts";

export interface MatchedLog {
  dataSource: DataSourceSpec;
  handler: EventHandlerSpec;
  log: Log;
}

/** A log the handler's ABI cannot decode: not this handler's trigger (graph-node skips it too). */
export class UndecodableLogError extends Error {
  override name = "UndecodableLogError";
}

/** Finds data source and handler for logs by (address, topic0). */
export class TriggerMatcher {
  private readonly byKey = new Map<string, { dataSource: DataSourceSpec; handler: EventHandlerSpec; order: number }[]>();

  constructor(dataSources: DataSourceSpec[]) {
    let order = 0;
    for (const dataSource of dataSources) {
      for (const handler of dataSource.eventHandlers) {
        const key = `${dataSource.address ?? "*"}:${handler.topic0}`;
        const list = this.byKey.get(key) ?? [];
        list.push({ dataSource, handler, order: order++ });
        this.byKey.set(key, list);
      }
    }
  }

  /** The handlers a log triggers, in manifest order (usually one). */
  match(log: Log): MatchedLog[] {
    const topic0 = log.topics[0];
    if (!topic0) return [];
    const address = log.address.toLowerCase();
    const blockNumber = Number(log.blockNumber);
    return [...(this.byKey.get(`${address}:${topic0}`) ?? []), ...(this.byKey.get(`*:${topic0}`) ?? [])]
      .filter(({ dataSource }) => blockNumber >= dataSource.startBlock)
      .sort((a, b) => a.order - b.order)
      .map(({ dataSource, handler }) => ({ dataSource, handler, log }));
  }
}

/** The trigger for a matched log in its block. */
export function toEventTrigger(matched: MatchedLog, block: FullBlock): EventTrigger {
  const { log, handler } = matched;
  let args: unknown;
  try {
    ({ args } = decodeEventLog({ abi: [handler.abiEvent], data: log.data, topics: log.topics as [`0x${string}`, ...`0x${string}`[]], strict: true }));
  } catch (error) {
    throw new UndecodableLogError(
      `block ${log.blockNumber}, log ${log.logIndex}: ${handler.signature} of ${matched.dataSource.name} does not decode: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const inputs = handler.abiEvent.inputs;
  const params = inputs.map((input, i) => ({
    name: input.name ?? "",
    type: input,
    value: Array.isArray(args) ? args[i] : (args as Record<string, unknown>)[input.name ?? String(i)],
  }));
  // By index: a block of thousands of transactions is not searched once per log.
  const byIndex = log.transactionIndex === null ? undefined : block.transactions[log.transactionIndex];
  const transaction = byIndex?.hash.toLowerCase() === log.transactionHash?.toLowerCase() ? byIndex : undefined;
  // The node answered a log and a block that disagree: read again, as for any chain failure.
  if (!transaction) throw new ChainError(`block ${block.number}: transaction ${log.transactionHash} of log ${log.logIndex} is not in the block`);
  return {
    handler: handler.handler,
    address: log.address.toLowerCase(),
    logIndex: BigInt(log.logIndex!),
    transactionLogIndex: BigInt(log.logIndex!),
    logType: null,
    block: blockData(block),
    transaction: transactionData(transaction),
    params,
  };
}

export function blockData(block: FullBlock): BlockData {
  return {
    hash: block.hash!.toLowerCase(),
    parentHash: block.parentHash.toLowerCase(),
    unclesHash: block.sha3Uncles,
    author: block.miner.toLowerCase(),
    stateRoot: block.stateRoot,
    transactionsRoot: block.transactionsRoot,
    receiptsRoot: block.receiptsRoot,
    number: block.number!,
    gasUsed: block.gasUsed,
    gasLimit: block.gasLimit,
    timestamp: block.timestamp,
    difficulty: block.difficulty ?? 0n,
    totalDifficulty: block.totalDifficulty ?? 0n,
    size: block.size ?? null,
    baseFeePerGas: block.baseFeePerGas ?? null,
  };
}

function transactionData(tx: FullBlock["transactions"][number]): TransactionData {
  return {
    hash: tx.hash.toLowerCase(),
    index: BigInt(tx.transactionIndex ?? 0),
    from: tx.from.toLowerCase(),
    to: tx.to?.toLowerCase() ?? null,
    value: tx.value,
    gasLimit: tx.gas,
    gasPrice: tx.gasPrice ?? tx.maxFeePerGas ?? 0n,
    input: tx.input,
    nonce: BigInt(tx.nonce),
  };
}
