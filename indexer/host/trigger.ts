/** Writes triggers into an instance's memory as the graph-ts objects handlers receive. */
import { hexToBytes } from "../store/layout.ts";
import type { AbiParameter } from "viem";
import { apiVersionAtLeast } from "./context.ts";
import { EthereumValueKind, writeEthereumValue } from "./ethereumValues.ts";
import type { AscHeap } from "./memory.ts";
import type { BlockData, EventTrigger, LogData, ReceiptData, TransactionData } from "./types.ts";

/**
 * Writes an event trigger as `ethereum.Event`, in the layout of the mapping's apiVersion, as graph-node does:
 * the `receipt` field from 0.0.7, the transaction's `nonce` and the block's `baseFeePerGas` from 0.0.6.
 */
export function writeEvent(heap: AscHeap, trigger: EventTrigger, apiVersion: string): number {
  const params = trigger.params.map((param) => {
    const value = isHashedTopic(param.type)
      ? heap.writeEnum(EthereumValueKind.FIXED_BYTES, heap.writeBytes(hexToBytes(param.value as string)), "EthereumValue")
      : writeEthereumValue(heap, param.type, param.value);
    return heap.writeStruct([heap.writeString(param.name), value], "EventParam");
  });
  const fields = [
    heap.writeBytes(hexToBytes(trigger.address)),
    heap.writeBigInt(trigger.logIndex),
    heap.writeBigInt(trigger.transactionLogIndex),
    trigger.logType === null ? 0 : heap.writeString(trigger.logType),
    writeBlock(heap, trigger.block, apiVersion),
    writeTransaction(heap, trigger.transaction, apiVersion),
    heap.writePointerArray(params, "ArrayEventParam"),
  ];
  // receipt: when it was read for the log (a handler declared with `receipt: true` is for its address and event).
  if (apiVersionAtLeast(apiVersion, "0.0.7")) fields.push(trigger.receipt ? writeReceipt(heap, trigger.receipt) : 0);
  return heap.writeStruct(fields, "EthereumEvent");
}

/** Writes a receipt as graph-ts's `ethereum.TransactionReceipt`, its absent values null, as graph-node does. */
function writeReceipt(heap: AscHeap, receipt: ReceiptData): number {
  const bytes = (hex: string | null) => (hex === null ? 0 : heap.writeBytes(hexToBytes(hex)));
  const big = (value: bigint | null) => (value === null ? 0 : heap.writeBigInt(value));
  const logs = receipt.logs.map((log) => writeLog(heap, log));
  return heap.writeStruct(
    [
      bytes(receipt.transactionHash),
      big(receipt.transactionIndex),
      bytes(receipt.blockHash),
      big(receipt.blockNumber),
      big(receipt.cumulativeGasUsed),
      big(receipt.gasUsed),
      bytes(receipt.contractAddress),
      heap.writePointerArray(logs, "ArrayLog"),
      big(receipt.status),
      bytes(receipt.root),
      bytes(receipt.logsBloom),
    ],
    "TransactionReceipt",
  );
}

/**
 * Writes a receipt's log as graph-ts's `ethereum.Log`. As graph-node: `blockNumber` is a BigInt's bytes, and
 * `transactionLogIndex` and `logType`, which nodes no longer report, are null.
 */
function writeLog(heap: AscHeap, log: LogData): number {
  const bytes = (hex: string | null) => (hex === null ? 0 : heap.writeBytes(hexToBytes(hex)));
  const big = (value: bigint | null) => (value === null ? 0 : heap.writeBigInt(value));
  return heap.writeStruct(
    [
      bytes(log.address),
      heap.writePointerArray(log.topics.map((topic) => bytes(topic)), "ArrayH256"),
      bytes(log.data),
      bytes(log.blockHash),
      big(log.blockNumber),
      bytes(log.transactionHash),
      big(log.transactionIndex),
      big(log.logIndex),
      0,
      0,
      heap.writeWrappedBool(log.removed),
    ],
    "Log",
  );
}

/** Writes a block header as the graph-ts `ethereum.Block` a block handler receives (`baseFeePerGas` from apiVersion 0.0.6). */
export function writeBlock(heap: AscHeap, block: BlockData, apiVersion: string): number {
  const bytes = (hex: string) => heap.writeBytes(hexToBytes(hex));
  const big = (value: bigint) => heap.writeBigInt(value);
  const fields = [
    bytes(block.hash),
    bytes(block.parentHash),
    bytes(block.unclesHash),
    bytes(block.author),
    bytes(block.stateRoot),
    bytes(block.transactionsRoot),
    bytes(block.receiptsRoot),
    big(block.number),
    big(block.gasUsed),
    big(block.gasLimit),
    big(block.timestamp),
    big(block.difficulty),
    big(block.totalDifficulty),
    block.size === null ? 0 : big(block.size),
  ];
  if (apiVersionAtLeast(apiVersion, "0.0.6")) fields.push(block.baseFeePerGas === null ? 0 : big(block.baseFeePerGas));
  return heap.writeStruct(fields, "EthereumBlock");
}

/** Writes a transaction as the graph-ts `ethereum.Transaction` (`nonce` from apiVersion 0.0.6). */
export function writeTransaction(heap: AscHeap, tx: TransactionData, apiVersion: string): number {
  const fields = [
    heap.writeBytes(hexToBytes(tx.hash)),
    heap.writeBigInt(tx.index),
    heap.writeBytes(hexToBytes(tx.from)),
    tx.to === null ? 0 : heap.writeBytes(hexToBytes(tx.to)),
    heap.writeBigInt(tx.value),
    heap.writeBigInt(tx.gasLimit),
    heap.writeBigInt(tx.gasPrice),
    heap.writeBytes(hexToBytes(tx.input)),
  ];
  if (apiVersionAtLeast(apiVersion, "0.0.6")) fields.push(heap.writeBigInt(tx.nonce));
  return heap.writeStruct(fields, "EthereumTransaction");
}

/**
 * An indexed parameter of a reference type (string, bytes, array, struct): the log holds only its keccak256 hash,
 * which viem returns as hex and graph-node passes as fixed bytes.
 */
function isHashedTopic(param: AbiParameter): boolean {
  if (!(param as { indexed?: boolean }).indexed) return false;
  return param.type === "string" || param.type === "bytes" || param.type.endsWith("]") || param.type.startsWith("tuple");
}
