/**
 * The chain as the indexer reads it over JSON-RPC: the head, block headers (with their transactions when a
 * block has triggers) and the logs of the manifest's contracts and events by block range (`eth_getLogs`).
 * Transient RPC failures are retried by the transport; a range the node refuses as too large is halved.
 */
import {
  type Block,
  BlockNotFoundError,
  createPublicClient,
  custom,
  type EIP1193Provider,
  http,
  type Log,
  type PublicClient,
  type Transaction,
} from "viem";

import type { ReceiptData } from "../host/index.ts";
import { toReceiptData } from "./receipts.ts";

/** What to fetch logs for: the union of the data sources' addresses and topic0s. */
export interface LogFilter {
  /** Lowercase addresses; empty means every contract. */
  addresses: string[];
  topics0: `0x${string}`[];
}

export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

export type FullBlock = Block<bigint, true>;
export type { Log, Transaction };

/** The chain could not be read (after retries), with the RPC's reason. */
export class ChainError extends Error {
  override name = "ChainError";
}

export class ChainSource {
  readonly url: string;
  private readonly client: PublicClient;
  private readonly filter: LogFilter;
  /** The largest range one eth_getLogs asks for: halved when the node refuses a range as too large, grown back after successes. */
  private maxRange: number;
  private readonly rangeLimit: number;

  /**
   * `url`: a JSON-RPC endpoint over HTTP. `provider`: an EIP-1193 provider instead (an in-process node); `url`
   * then only names it in messages.
   */
  constructor(options: { url: string; provider?: EIP1193Provider; filter: LogFilter; maxRange?: number; retryCount?: number }) {
    this.url = options.url;
    this.filter = options.filter;
    this.maxRange = this.rangeLimit = options.maxRange ?? 2_000;
    const retry = { retryCount: options.retryCount ?? 5, retryDelay: 250 };
    this.client = createPublicClient({
      transport: options.provider ? custom(options.provider, retry) : http(options.url, { ...retry, timeout: 30_000 }),
    });
  }

  /** The chain's id (eth_chainId). */
  async chainId(): Promise<number> {
    return this.call("eth_chainId", () => this.client.getChainId());
  }

  /** The latest block number. */
  async headNumber(): Promise<number> {
    return Number(await this.call("eth_blockNumber", () => this.client.getBlockNumber({ cacheTime: 0 })));
  }

  /** A block's header, or null when the chain has no such block (yet). */
  async header(number: number): Promise<BlockHeader | null> {
    const block = await this.call(`eth_getBlockByNumber(${number})`, () =>
      this.client.getBlock({ blockNumber: BigInt(number) }).catch((error) => {
        // Only the node's own "no such block"; an endpoint answering 404 is an outage, not a short chain.
        if (error instanceof BlockNotFoundError) return null;
        throw error;
      }),
    );
    return block ? toHeader(block) : null;
  }

  /** A block with its transactions. */
  async fullBlock(number: number): Promise<FullBlock> {
    return this.call(`eth_getBlockByNumber(${number}, true)`, () =>
      this.client.getBlock({ blockNumber: BigInt(number), includeTransactions: true }),
    );
  }

  /** A transaction's receipt (`eth_getTransactionReceipt`), for handlers declared with `receipt: true`. */
  async receipt(hash: string): Promise<ReceiptData> {
    const raw = await this.call(`eth_getTransactionReceipt(${hash})`, () =>
      this.client.request({ method: "eth_getTransactionReceipt", params: [hash as `0x${string}`] }),
    );
    if (!raw) throw new ChainError(`eth_getTransactionReceipt(${hash}) at ${this.url}: the node has no receipt of that transaction`);
    return toReceiptData(raw as never);
  }

  /** The filter's (or `filter`'s) logs in blocks from..to (inclusive), in chain order. */
  async logs(from: number, to: number, filter: LogFilter = this.filter): Promise<Log[]> {
    const out: Log[] = [];
    // No event handlers (block handlers only): no logs to ask for; an empty topic list would match every log.
    if (filter.topics0.length === 0) return out;
    let start = from;
    while (start <= to) {
      const end = Math.min(to, start + this.maxRange - 1);
      try {
        const logs = await this.client.request({
          method: "eth_getLogs",
          params: [
            {
              fromBlock: `0x${start.toString(16)}`,
              toBlock: `0x${end.toString(16)}`,
              ...(filter.addresses.length ? { address: filter.addresses as `0x${string}`[] } : {}),
              topics: [filter.topics0],
            },
          ],
        });
        out.push(...(logs as unknown[]).map(normalizeLog));
        start = end + 1;
        this.maxRange = Math.min(this.rangeLimit, this.maxRange * 2);
      } catch (error) {
        const details = String((error as { details?: string })?.details ?? (error as Error)?.message ?? error);
        if (end > start && rangeTooLarge(details)) {
          this.maxRange = Math.max(1, Math.floor((end - start + 1) / 2));
          continue;
        }
        const message = String((error as Error)?.message ?? error);
        throw new ChainError(`eth_getLogs ${start}..${end} at ${this.url} failed: ${firstLine(message)}`);
      }
    }
    out.sort((a, b) => Number(a.blockNumber! - b.blockNumber!) || Number(a.logIndex! - b.logIndex!));
    return out;
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new ChainError(`${what} at ${this.url} failed: ${firstLine(String((error as Error)?.message ?? error))}`);
    }
  }
}

export function toHeader(block: { number: bigint | null; hash: string | null; parentHash: string; timestamp: bigint }): BlockHeader {
  return {
    number: Number(block.number),
    hash: block.hash!.toLowerCase(),
    parentHash: block.parentHash.toLowerCase(),
    timestamp: Number(block.timestamp),
  };
}

function normalizeLog(raw: any): Log {
  return {
    address: raw.address.toLowerCase(),
    topics: raw.topics,
    data: raw.data,
    blockHash: raw.blockHash?.toLowerCase() ?? null,
    blockNumber: BigInt(raw.blockNumber),
    transactionHash: raw.transactionHash?.toLowerCase() ?? null,
    transactionIndex: Number(raw.transactionIndex),
    logIndex: Number(raw.logIndex),
    removed: Boolean(raw.removed),
  } as Log;
}

const firstLine = (text: string): string => text.split("\n")[0]!.trim();

/**
 * Whether a node refused eth_getLogs because the range or its result was too large (worded differently by each
 * node and provider), as opposed to a rate limit, which a smaller range would not cure.
 */
function rangeTooLarge(details: string): boolean {
  if (/rate.?limit|too many requests|\b429\b/i.test(details)) return false;
  return /block range|range (is )?too (large|wide|big)|too many (results|logs|blocks)|more than \d+ (results|logs)|query returned more than|exceed(s|ed)? .*(range|results|logs|blocks|size)|response (is )?too (large|big)|limit.*(results|logs|blocks)/i.test(details);
}
