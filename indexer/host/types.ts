/** The trigger and environment types a caller hands to `MappingModule.runEvent`. */
import type { AbiParameter } from "viem";
import type { HostStore } from "../store/hostStore.ts";
import type { DataSourceContext } from "./dataSourceContext.ts";
import type { BlockIdSequence } from "./idSequence.ts";

/** A block header as `ethereum.Block` carries it (hashes and addresses as 0x hex). */
export interface BlockData {
  hash: string;
  parentHash: string;
  unclesHash: string;
  author: string;
  stateRoot: string;
  transactionsRoot: string;
  receiptsRoot: string;
  number: bigint;
  gasUsed: bigint;
  gasLimit: bigint;
  timestamp: bigint;
  difficulty: bigint;
  totalDifficulty: bigint;
  size: bigint | null;
  baseFeePerGas: bigint | null;
}

/** A transaction as `ethereum.Transaction` carries it. */
export interface TransactionData {
  hash: string;
  index: bigint;
  from: string;
  to: string | null;
  value: bigint;
  gasLimit: bigint;
  gasPrice: bigint;
  input: string;
  nonce: bigint;
}

/** A log as graph-ts's `ethereum.Log` carries it in a receipt (hashes and addresses as 0x hex). */
export interface LogData {
  address: string;
  topics: string[];
  data: string;
  blockHash: string | null;
  blockNumber: bigint | null;
  transactionHash: string | null;
  transactionIndex: bigint | null;
  logIndex: bigint | null;
  removed: boolean;
}

/** A transaction receipt as graph-ts's `ethereum.TransactionReceipt` carries it (`event.receipt`). */
export interface ReceiptData {
  transactionHash: string;
  transactionIndex: bigint;
  blockHash: string | null;
  blockNumber: bigint | null;
  cumulativeGasUsed: bigint;
  gasUsed: bigint;
  /** The created contract's address; null for a call. */
  contractAddress: string | null;
  logs: LogData[];
  /** 1 success, 0 failure; null for a receipt from before EIP-658 (which has `root` instead). */
  status: bigint | null;
  /** The post-transaction state root of a receipt from before EIP-658; null after. */
  root: string | null;
  logsBloom: string;
}

/**
 * One decoded log: params in ABI order, values as viem's decodeEventLog gives them (addresses as strings, ints as
 * bigint, bytes as hex, tuples as arrays or objects, arrays). `type` is the ABI parameter JSON (with components).
 */
export interface EventTrigger {
  handler: string;
  address: string;
  logIndex: bigint;
  transactionLogIndex: bigint;
  logType: string | null;
  block: BlockData;
  transaction: TransactionData;
  params: { name: string; type: AbiParameter; value: unknown }[];
  /** The transaction's receipt, when a handler declared with `receipt: true` is for the log's address and event (else null). */
  receipt?: ReceiptData | null;
}

/** A block handler's trigger: graph-node passes the block header. */
export interface BlockTrigger {
  handler: string;
  block: BlockData;
}

/** The data source whose handler runs. */
export interface DataSourceInfo {
  name: string;
  address: string;
  network: string;
  /** The context it was created with (`createWithContext`); null: none (an empty one for the mapping). */
  context: DataSourceContext | null;
  /** A file data source's IPFS path: `dataSource.address()` gives it as UTF-8 (graph-ts `stringParam()`). */
  file?: string;
}

/** What `ethereum.call` returns: the call's output, or that it reverted (graph-node's `try_` sees `reverted`). */
export type CallOutcome = { output: `0x${string}` } | { reverted: string };

/**
 * The chain as a handler reads it (`ethereum.call`, `getBalance`, `hasCode`), at the trigger's block by hash.
 * Synchronous, as host functions are; throws when the chain does not answer (the block is then tried again).
 */
export interface ChainReads {
  call(to: string, data: `0x${string}`, blockHash: string): CallOutcome;
  balance(address: string, blockHash: string): bigint;
  code(address: string, blockHash: string): `0x${string}`;
  /** Releases what it holds (a worker thread). */
  close?(): void;
}

/**
 * IPFS as a handler reads it (`ipfs.cat`, `ipfs.getBlock`), synchronously, as host functions are: the bytes, or
 * why there are none (then the mapping gets null).
 */
export interface IpfsReads {
  cat(path: string): { ok: true; bytes: Uint8Array } | { ok: false; reason: string; message: string };
  block(cid: string): { ok: true; bytes: Uint8Array } | { ok: false; reason: string; message: string };
}

/** What a handler reaches outside its instance. */
export interface MappingEnv {
  store: HostStore;
  /** The chain, for `ethereum.call` and the like; absent: those calls fail the handler with a message. */
  chain?: ChainReads;
  /** An IPFS node, for `ipfs.cat` and `ipfs.getBlock`; absent, those calls fail the handler with a message. */
  ipfs?: IpfsReads;
  dataSource: DataSourceInfo;
  /** Mapping logs, levels as graph-ts `log.Level`: 1 error, 2 warning, 3 info, 4 debug (0, critical, fails the handler). */
  log(level: number, message: string): void;
  /**
   * `dataSource.create` / `createWithContext`: a data source of template `template`, `params[0]` its address.
   * Throws a MappingError when it cannot be created (no such template, no address); absent, creating fails.
   */
  createDataSource?(template: string, params: string[], context: DataSourceContext | null): void;
  /**
   * Ids for timeseries data points and `auto` ids; one sequence per block, shared by every data source's
   * handlers in that block. When absent, a process-wide sequence for the trigger's block is used.
   */
  ids?: BlockIdSequence;
}
