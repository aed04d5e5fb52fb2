/** Writes a call handler's trigger into an instance's memory as the graph-ts `ethereum.Call` it receives. */
import type { AbiParameter } from "viem";

import { hexToBytes } from "../store/layout.ts";
import { writeEthereumValue } from "./ethereumValues.ts";
import type { AscHeap } from "./memory.ts";
import { writeBlock, writeTransaction } from "./trigger.ts";
import type { BlockData, TransactionData } from "./types.ts";

/** One call to a data source's contract, its input and output decoded with the handler's ABI function. */
export interface CallTrigger {
  handler: string;
  /** Lowercase addresses: the called contract and its caller (an account or a contract). */
  to: string;
  from: string;
  block: BlockData;
  transaction: TransactionData;
  /** Values as viem's decodeAbiParameters gives them, in the function's input and output order. */
  inputs: { name: string; type: AbiParameter; value: unknown }[];
  outputs: { name: string; type: AbiParameter; value: unknown }[];
}

/**
 * Writes `trigger` as `ethereum.Call`: `to`, `from`, `block`, `transaction`, `inputValues`, `outputValues`, the
 * block and the transaction in the layouts of the mapping's apiVersion, as graph-node writes them.
 */
export function writeCall(heap: AscHeap, trigger: CallTrigger, apiVersion: string): number {
  const params = (values: CallTrigger["inputs"]) =>
    heap.writePointerArray(
      values.map((param) => heap.writeStruct([heap.writeString(param.name), writeEthereumValue(heap, param.type, param.value)], "EventParam")),
      "ArrayEventParam",
    );
  return heap.writeStruct(
    [
      heap.writeBytes(hexToBytes(trigger.to)),
      heap.writeBytes(hexToBytes(trigger.from)),
      writeBlock(heap, trigger.block, apiVersion),
      writeTransaction(heap, trigger.transaction, apiVersion),
      params(trigger.inputs),
      params(trigger.outputs),
    ],
    "EthereumCall",
  );
}
