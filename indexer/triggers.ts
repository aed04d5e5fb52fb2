/**
 * From a raw log to the trigger a handler runs on: the data source whose address and event match it, and the
 * event's parameters decoded with that data source's ABI. As in graph-node, a log whose data the handler's ABI
 * cannot decode is not that handler's trigger (an ERC-721 Transfer shares an ERC-20 Transfer's topic0).
 */
import { decodeAbiParameters, decodeEventLog, type AbiParameter, type Log } from "viem";

import { MappingError, type BlockData, type CallTrigger, type EventTrigger, type ReceiptData, type TransactionData } from "./host/index.ts";
import type { CallHandlerSpec, DataSourceSpec, EventHandlerSpec } from "./manifest.ts";
import { ChainError, type FullBlock } from "./chain/source.ts";
import type { TracedCall } from "./chain/traces.ts";

/** A log and the data source it triggers, with that data source's handlers that match it (usually one). */
export interface MatchedLog {
  dataSource: DataSourceSpec;
  /** In manifest order; the one whose ABI event decodes the log runs (two that both decode fail). */
  handlers: EventHandlerSpec[];
  log: Log;
  /**
   * Whether the handler gets the log's transaction receipt. As graph-node, the receipt belongs to the log: it is
   * read when the filter of any handler declared with `receipt: true` matches the log (its data source's address
   * or none, topic0, topic filters), and then every handler run on the log gets it.
   */
  receipt: boolean;
}

/** A log the handler's ABI cannot decode: not this handler's trigger (graph-node skips it too). */
export class UndecodableLogError extends Error {
  override name = "UndecodableLogError";
}

/**
 * Finds data source and handler for logs by (address, topic0) and, as graph-node, the handler's topic filters:
 * each of `topic1`..`topic3` it has must list the log's topic at that position (a log without one fails it).
 */
export class TriggerMatcher {
  private readonly byKey = new Map<string, { dataSource: DataSourceSpec; handler: EventHandlerSpec; order: number }[]>();
  /** Whether any handler is declared with `receipt: true`: only then are receipts worth reading. */
  readonly wantsReceipts: boolean;

  constructor(dataSources: DataSourceSpec[]) {
    let order = 0;
    this.wantsReceipts = dataSources.some((d) => d.eventHandlers.some((h) => h.receipt));
    for (const dataSource of dataSources) {
      for (const handler of dataSource.eventHandlers) {
        const key = `${dataSource.address ?? "*"}:${handler.topic0}`;
        const list = this.byKey.get(key) ?? [];
        list.push({ dataSource, handler, order: order++ });
        this.byKey.set(key, list);
      }
    }
  }

  /** The data sources a log triggers, in manifest order, each with its handlers that match it. */
  match(log: Log): MatchedLog[] {
    const topic0 = log.topics[0];
    if (!topic0) return [];
    const address = log.address.toLowerCase();
    const blockNumber = Number(log.blockNumber);
    const candidates = [...(this.byKey.get(`${address}:${topic0}`) ?? []), ...(this.byKey.get(`*:${topic0}`) ?? [])].filter(({ handler }) => topicsMatch(handler, log));
    // The log filter graph-node reads receipts by knows no start blocks.
    const receipt = candidates.some(({ handler }) => handler.receipt);
    const matched = candidates.filter(({ dataSource }) => blockNumber >= dataSource.startBlock).sort((a, b) => a.order - b.order);
    const out: MatchedLog[] = [];
    for (const { dataSource, handler } of matched) {
      const last = out[out.length - 1];
      if (last?.dataSource === dataSource) last.handlers.push(handler);
      else out.push({ dataSource, handlers: [handler], log, receipt });
    }
    return out;
  }
}

function topicsMatch(handler: EventHandlerSpec, log: Log): boolean {
  return handler.topics.every((allowed, i) => {
    if (allowed === null) return true;
    const topic = log.topics[i + 1]?.toLowerCase();
    return topic !== undefined && allowed.includes(topic as `0x${string}`);
  });
}

export interface MatchedCall {
  dataSource: DataSourceSpec;
  handler: CallHandlerSpec;
  call: TracedCall;
}

/**
 * Finds data source and call handler for traced calls, as graph-node does: the data source's address is the
 * call's `to` (or the data source has none), the call is in or after its start block, and the handler is the
 * data source's first whose selector the call's input starts with.
 */
export class CallMatcher {
  private readonly byKey = new Map<string, { dataSource: DataSourceSpec; handler: CallHandlerSpec; order: number }[]>();

  constructor(dataSources: readonly DataSourceSpec[]) {
    let order = 0;
    for (const dataSource of dataSources) {
      const seen = new Set<string>();
      for (const handler of dataSource.callHandlers) {
        order += 1;
        if (seen.has(handler.selector)) continue;
        seen.add(handler.selector);
        const key = `${dataSource.address ?? "*"}:${handler.selector}`;
        this.byKey.set(key, [...(this.byKey.get(key) ?? []), { dataSource, handler, order }]);
      }
    }
  }

  /** Whether any data source has a call handler: only then are a block's calls worth tracing. */
  get empty(): boolean {
    return this.byKey.size === 0;
  }

  /** The handlers `call` in block `blockNumber` triggers, in manifest order (usually one). */
  match(call: TracedCall, blockNumber: number): MatchedCall[] {
    const selector = call.input.slice(0, 10);
    return [...(this.byKey.get(`${call.to}:${selector}`) ?? []), ...(this.byKey.get(`*:${selector}`) ?? [])]
      .filter(({ dataSource }) => blockNumber >= dataSource.startBlock)
      .sort((a, b) => a.order - b.order)
      .map(({ dataSource, handler }) => ({ dataSource, handler, call }));
  }
}

/** A call whose input the handler's ABI function cannot decode: not this handler's trigger (graph-node skips it too). */
export class UndecodableCallError extends Error {
  override name = "UndecodableCallError";
}

/**
 * The trigger for a matched call in its block. As graph-node: an input that does not decode skips the call
 * (UndecodableCallError); an output that does not decode fails the handler (MappingError).
 */
export function toCallTrigger(matched: MatchedCall, block: FullBlock): CallTrigger {
  const { call, handler } = matched;
  const where = `block ${block.number}, transaction ${call.transactionIndex}: call of ${handler.signature} on ${call.to}`;
  const decode = (parameters: readonly AbiParameter[], data: `0x${string}`) =>
    decodeAbiParameters(parameters, data).map((value, i) => ({ name: parameters[i]!.name ?? "", type: parameters[i]!, value }));
  let inputs: CallTrigger["inputs"];
  try {
    inputs = decode(handler.abiFunction.inputs, `0x${call.input.slice(10)}`);
  } catch (error) {
    throw new UndecodableCallError(`${where}: the input does not decode as ${handler.signature}: ${firstLine(error)}`);
  }
  let outputs: CallTrigger["outputs"];
  try {
    outputs = decode(handler.abiFunction.outputs, call.output);
  } catch (error) {
    throw new MappingError(`${where}: decoding the function's outputs failed, raw output ${call.output}: ${firstLine(error)}`);
  }
  const transaction = block.transactions[call.transactionIndex];
  if (!transaction || (call.transactionHash !== "" && transaction.hash.toLowerCase() !== call.transactionHash)) {
    throw new ChainError(`block ${block.number}: transaction ${call.transactionHash} of a traced call is not in the block`);
  }
  return { handler: handler.handler, to: call.to, from: call.from, block: blockData(block), transaction: transactionData(transaction), inputs, outputs };
}

const firstLine = (error: unknown): string => String((error as Error)?.message ?? error).split("\n")[0]!;

/**
 * The trigger for a matched log in its block; `receipts` by transaction hash holds the log's transaction's receipt
 * when it was read for the log (`MatchedLog.receipt`). As graph-node, of the data source's handlers that match the
 * log, those whose ABI event cannot decode it are skipped (UndecodableLogError when none can), and two or more
 * that can fail the data source on the log (MappingError): one event, one handler.
 */
export function toEventTrigger(matched: MatchedLog, block: FullBlock, receipts?: ReadonlyMap<string, ReceiptData>): EventTrigger {
  const { log, dataSource } = matched;
  const decoded: { handler: EventHandlerSpec; args: unknown }[] = [];
  let undecodable = "";
  for (const handler of matched.handlers) {
    try {
      const { args } = decodeEventLog({ abi: [handler.abiEvent], data: log.data, topics: log.topics as [`0x${string}`, ...`0x${string}`[]], strict: true });
      decoded.push({ handler, args });
    } catch (error) {
      undecodable = `${handler.signature} of ${dataSource.name} does not decode: ${(error as Error).message.split("\n")[0]}`;
    }
  }
  if (decoded.length === 0) throw new UndecodableLogError(`block ${log.blockNumber}, log ${log.logIndex}: ${undecodable}`);
  if (decoded.length > 1) {
    const names = decoded.map(({ handler }) => handler.handler).join(", ");
    throw new MappingError(
      `Multiple handlers defined for event \`${decoded[decoded.length - 1]!.handler.signature}\`, only one is supported (handlers ${names} of data source ${dataSource.name} all match log ${log.logIndex})`,
    );
  }
  const { handler, args } = decoded[0]!;
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
  let receipt: ReceiptData | null = null;
  if (matched.receipt) {
    receipt = receipts?.get(transaction.hash.toLowerCase()) ?? null;
    if (!receipt) throw new ChainError(`block ${block.number}: the receipt of transaction ${transaction.hash} was not read`);
  }
  return {
    handler: handler.handler,
    address: log.address.toLowerCase(),
    logIndex: BigInt(log.logIndex!),
    transactionLogIndex: BigInt(log.logIndex!),
    logType: null,
    block: blockData(block),
    transaction: transactionData(transaction),
    params,
    receipt,
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
