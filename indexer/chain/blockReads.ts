/**
 * What handlers read from the chain (`ethereum.call`, `getBalance`, `hasCode`), at a block named by its hash
 * (EIP-1898), so that a reorg cannot make an answer belong to another block. Answers are cached per block and
 * request, as graph-node's call cache does: handlers that ask the same thing in one block ask the node once.
 * A node's error that means the call reverted is an answer (`reverted`); anything else is thrown.
 */
import type { CallOutcome, ChainReads } from "../host/index.ts";
import { RpcResponseError, SyncRpc } from "./syncRpc.ts";

/** A synchronous JSON-RPC client: `SyncRpc`, or a test's stand-in. */
export interface BlockingRpc {
  request(method: string, params: unknown[]): unknown;
  close?(): void;
}

// Error messages by which nodes say a call failed in the EVM (geth, anvil, Hardhat, Erigon, Nethermind, reth…),
// the same list graph-node matches (lowercased).
const REVERT_MESSAGES = [
  "revert",
  "invalid jump destination",
  "invalid opcode",
  "stack limit reached 1024",
  "out of gas",
  "stack underflow",
  "vm execution error",
  "invalidjump",
  "notactivated",
  "invalidfeopcode",
  "stackunderflow",
  "stackoverflow",
  "opcodenotfound",
];
/** Parity and Nethermind answer a failed call with this code and the reason in `data`. */
const VM_EXECUTION_ERROR = -32015;

/** Whether the node's error means the call reverted (then it is an answer, not a failure to answer). */
export function isRevert(error: RpcResponseError): boolean {
  const message = error.message.toLowerCase();
  if (REVERT_MESSAGES.some((text) => message.includes(text))) return true;
  if (error.code !== VM_EXECUTION_ERROR || typeof error.data !== "string") return false;
  const data = error.data;
  return /^revert/i.test(data) || data.startsWith("Bad jump") || data.startsWith("Out of stack") || ["Bad instruction fe", "Bad instruction fd", "Out of gas"].includes(data);
}

/** How many blocks' answers are kept (a block's handlers run together, so a few suffice). */
const CACHED_BLOCKS = 16;

export class RpcChainReads implements ChainReads {
  readonly #rpc: BlockingRpc;
  readonly #cache = new Map<string, Map<string, unknown>>();

  /** `rpc`: a URL (asked through a `SyncRpc`) or a client. */
  constructor(rpc: string | BlockingRpc) {
    this.#rpc = typeof rpc === "string" ? new SyncRpc(rpc) : rpc;
  }

  call(to: string, data: `0x${string}`, blockHash: string): CallOutcome {
    return this.#cached(blockHash, `call:${to.toLowerCase()}:${data}`, () => {
      try {
        return { output: this.#rpc.request("eth_call", [{ to, data }, { blockHash }]) as `0x${string}` };
      } catch (error) {
        if (error instanceof RpcResponseError && isRevert(error)) return { reverted: error.message };
        throw error;
      }
    });
  }

  balance(address: string, blockHash: string): bigint {
    return this.#cached(blockHash, `balance:${address.toLowerCase()}`, () => BigInt(this.#rpc.request("eth_getBalance", [address, { blockHash }]) as string));
  }

  code(address: string, blockHash: string): `0x${string}` {
    return this.#cached(blockHash, `code:${address.toLowerCase()}`, () => this.#rpc.request("eth_getCode", [address, { blockHash }]) as `0x${string}`);
  }

  close(): void {
    this.#rpc.close?.();
  }

  #cached<T>(blockHash: string, key: string, ask: () => T): T {
    let answers = this.#cache.get(blockHash);
    if (answers?.has(key)) return answers.get(key) as T;
    const answer = ask();
    if (!answers) {
      answers = new Map();
      this.#cache.set(blockHash, answers);
      if (this.#cache.size > CACHED_BLOCKS) this.#cache.delete(this.#cache.keys().next().value!);
    }
    answers.set(key, answer);
    return answer;
  }
}
