/**
 * A block's calls, from the node's call traces (`debug_traceBlockByNumber` with geth's `callTracer`, which anvil
 * and geth answer): every message call made by a transaction, the transaction's own and those contracts made to
 * each other, in the order they ran. As graph-node keeps them for call handlers: only calls that took effect (a
 * frame that reverted, and every frame beneath it, is left out, so a failed transaction gives none), only message
 * calls (CALL, STATICCALL, DELEGATECALL, CALLCODE; not contract creations, though the calls a constructor makes
 * are kept), and only those with at least a 4-byte selector in their input (plain value transfers are not).
 */
import { createPublicClient, custom, type EIP1193Provider, http, type PublicClient } from "viem";

import { ChainError } from "./source.ts";

/** One call that took effect, as a call handler sees it. */
export interface TracedCall {
  transactionIndex: number;
  /** Empty when the node does not name traced transactions (then the block's transaction at the index). */
  transactionHash: string;
  /** Lowercase addresses. */
  from: string;
  to: string;
  input: `0x${string}`;
  output: `0x${string}`;
}

/** One block's traces. */
export interface TracedBlock {
  number: number;
  /** The traced transactions' hashes, in block order (null where the node does not give them). */
  transactions: (string | null)[];
  calls: TracedCall[];
}

/** A frame of geth's `callTracer` output. */
interface CallFrame {
  type: string;
  from: string;
  to?: string;
  input?: string;
  output?: string;
  error?: string;
  calls?: CallFrame[];
}

const MESSAGE_CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);

export class ChainTraces {
  readonly url: string;
  private readonly client: PublicClient;

  /** `url`: a JSON-RPC endpoint over HTTP; `provider`: an EIP-1193 provider instead (`url` then only names it). */
  constructor(options: { url: string; provider?: EIP1193Provider; retryCount?: number }) {
    this.url = options.url;
    const retry = { retryCount: options.retryCount ?? 5, retryDelay: 250 };
    this.client = createPublicClient({ transport: options.provider ? custom(options.provider, retry) : http(options.url, { ...retry, timeout: 60_000 }) });
  }

  /**
   * Why the node cannot give call traces, or null when it can: asks for the traces of block 0. A node that
   * answers with an error (no such method, no `callTracer`) cannot; a node that cannot be reached says nothing
   * yet (null: the indexer asks it again, as for any outage).
   */
  async unavailable(): Promise<string | null> {
    try {
      const result = await this.request(0);
      return Array.isArray(result) ? null : `debug_traceBlockByNumber answered ${JSON.stringify(result)?.slice(0, 80)}, not a list of traces`;
    } catch (error) {
      const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
      if (typeof code !== "number") return null;
      return `debug_traceBlockByNumber with the callTracer failed: ${firstLine(String((error as { details?: string }).details ?? (error as Error).message))}`;
    }
  }

  /**
   * Block `number`'s traced transactions (their hashes, as the node names them; null where it does not) and the
   * calls that took effect in it, in the order they ran.
   */
  async block(number: number): Promise<TracedBlock> {
    let result: unknown;
    try {
      result = await this.request(number);
    } catch (error) {
      throw new ChainError(`debug_traceBlockByNumber(${number}) at ${this.url} failed: ${firstLine(String((error as Error)?.message ?? error))}`);
    }
    if (!Array.isArray(result)) throw new ChainError(`debug_traceBlockByNumber(${number}) at ${this.url} answered no list of traces`);
    const traces = result as { txHash?: string; result?: CallFrame; error?: string }[];
    const calls: TracedCall[] = [];
    const transactions = traces.map((trace, index) => {
      const hash = trace.txHash?.toLowerCase() ?? null;
      if (!trace.result) throw new ChainError(`block ${number}: the node did not trace transaction ${hash ?? index}: ${trace.error ?? "no result"}`);
      collect(trace.result, index, hash ?? "", calls);
      return hash;
    });
    return { number, transactions, calls };
  }

  /** Whether `traced` is of `block` (the same transactions, in the same order); a reorg between reads makes it not. */
  static matches(traced: TracedBlock, block: { transactions: readonly { hash: string }[] }): boolean {
    return traced.transactions.length === block.transactions.length && traced.transactions.every((hash, i) => hash === null || hash === block.transactions[i]!.hash.toLowerCase());
  }

  private request(number: number): Promise<unknown> {
    return this.client.request({
      method: "debug_traceBlockByNumber" as never,
      params: [`0x${number.toString(16)}`, { tracer: "callTracer" }] as never,
    });
  }
}

/** Appends `frame` and the frames beneath it, depth first, leaving out a reverted frame and all beneath it. */
function collect(frame: CallFrame, transactionIndex: number, transactionHash: string, out: TracedCall[]): void {
  if (frame.error !== undefined) return;
  const input = (frame.input ?? "0x").toLowerCase() as `0x${string}`;
  if (MESSAGE_CALLS.has(frame.type.toUpperCase()) && frame.to && input.length >= 10) {
    out.push({
      transactionIndex,
      transactionHash,
      from: frame.from.toLowerCase(),
      to: frame.to.toLowerCase(),
      input,
      output: (frame.output ?? "0x").toLowerCase() as `0x${string}`,
    });
  }
  for (const call of frame.calls ?? []) collect(call, transactionIndex, transactionHash, out);
}

const firstLine = (text: string): string => text.split("\n")[0]!.trim();
