/** Hand-built event triggers for host tests: an ABI event, its args in ABI order, and a block and transaction. */
import type { AbiEvent } from "viem";
import type { BlockData, EventTrigger, TransactionData } from "../types.ts";

const hash = (n: number | bigint): string => `0x${BigInt(n).toString(16).padStart(64, "0")}`;
const ZERO_ADDRESS = `0x${"00".repeat(20)}`;

export function block(number: bigint, timestamp: bigint): BlockData {
  return {
    hash: hash(number + 1000n),
    parentHash: hash(number + 999n),
    unclesHash: hash(0),
    author: ZERO_ADDRESS,
    stateRoot: hash(1),
    transactionsRoot: hash(2),
    receiptsRoot: hash(3),
    number,
    gasUsed: 21_000n,
    gasLimit: 30_000_000n,
    timestamp,
    difficulty: 0n,
    totalDifficulty: 0n,
    size: null,
    baseFeePerGas: 1n,
  };
}

export function transaction(txHash: string, from = ZERO_ADDRESS): TransactionData {
  return { hash: txHash, index: 0n, from, to: null, value: 0n, gasLimit: 100_000n, gasPrice: 1n, input: "0x", nonce: 0n };
}

/** The trigger of `event` (found by name in `abi`) with `args` in ABI order. */
export function eventTrigger(
  abi: readonly unknown[],
  name: string,
  args: unknown[],
  meta: { handler: string; address: string; logIndex: bigint; block: BlockData; transaction: TransactionData },
): EventTrigger {
  const event = (abi as AbiEvent[]).find((e) => e.type === "event" && e.name === name);
  if (!event) throw new Error(`no event ${name} in the ABI`);
  return {
    handler: meta.handler,
    address: meta.address,
    logIndex: meta.logIndex,
    transactionLogIndex: meta.logIndex,
    logType: null,
    block: meta.block,
    transaction: meta.transaction,
    params: event.inputs.map((input, i) => ({ name: input.name ?? "", type: input, value: args[i] })),
  };
}
