/** Writes triggers into an instance's memory as the graph-ts objects handlers receive. */
import { hexToBytes } from "../store/layout.ts";
import type { AbiParameter } from "viem";
import { EthereumValueKind, writeEthereumValue } from "./ethereumValues.ts";
import type { AscHeap } from "./memory.ts";
import type { BlockData, EventTrigger, TransactionData } from "./types.ts";

/** Writes an event trigger as `ethereum.Event`. */
export function writeEvent(heap: AscHeap, trigger: EventTrigger): number {
  const params = trigger.params.map((param) => {
    const value = isHashedTopic(param.type)
      ? heap.writeEnum(EthereumValueKind.FIXED_BYTES, heap.writeBytes(hexToBytes(param.value as string)), "EthereumValue")
      : writeEthereumValue(heap, param.type, param.value);
    return heap.writeStruct([heap.writeString(param.name), value], "EventParam");
  });
  return heap.writeStruct(
    [
      heap.writeBytes(hexToBytes(trigger.address)),
      heap.writeBigInt(trigger.logIndex),
      heap.writeBigInt(trigger.transactionLogIndex),
      trigger.logType === null ? 0 : heap.writeString(trigger.logType),
      writeBlock(heap, trigger.block),
      writeTransaction(heap, trigger.transaction),
      heap.writePointerArray(params, "ArrayEventParam"),
      0, // receipt: only for handlers declared with `receipt: true`, which this host does not provide yet
    ],
    "EthereumEvent",
  );
}

/** Writes a block header as the graph-ts `ethereum.Block` a block handler receives. */
export function writeBlock(heap: AscHeap, block: BlockData): number {
  const bytes = (hex: string) => heap.writeBytes(hexToBytes(hex));
  const big = (value: bigint) => heap.writeBigInt(value);
  return heap.writeStruct(
    [
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
      block.baseFeePerGas === null ? 0 : big(block.baseFeePerGas),
    ],
    "EthereumBlock",
  );
}

function writeTransaction(heap: AscHeap, tx: TransactionData): number {
  return heap.writeStruct(
    [
      heap.writeBytes(hexToBytes(tx.hash)),
      heap.writeBigInt(tx.index),
      heap.writeBytes(hexToBytes(tx.from)),
      tx.to === null ? 0 : heap.writeBytes(hexToBytes(tx.to)),
      heap.writeBigInt(tx.value),
      heap.writeBigInt(tx.gasLimit),
      heap.writeBigInt(tx.gasPrice),
      heap.writeBytes(hexToBytes(tx.input)),
      heap.writeBigInt(tx.nonce),
    ],
    "EthereumTransaction",
  );
}

/**
 * An indexed parameter of a reference type (string, bytes, array, struct): the log holds only its keccak256 hash,
 * which viem returns as hex and graph-node passes as fixed bytes.
 */
function isHashedTopic(param: AbiParameter): boolean {
  if (!(param as { indexed?: boolean }).indexed) return false;
  return param.type === "string" || param.type === "bytes" || param.type.endsWith("]") || param.type.startsWith("tuple");
}
