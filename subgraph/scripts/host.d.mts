// Types of host.mjs, for the TypeScript tests that import it (test/subgraph/realTransactions.ts).

/** A store value as the host keeps it: graph-ts's ValueKind and the decoded value. */
export interface StoreValue {
  kind: number;
  v: any;
}
export type Entity = Record<string, StoreValue>;

export interface ManifestSource {
  name: string;
  address: string | null;
  /** event signature (graph-cli form, with `indexed`) → handler name */
  handlers: Record<string, string>;
}

export interface RawLog {
  address: string;
  topics: readonly string[];
  data: string;
  /** Index of the log in its block (`logIndex` in JSON-RPC, `index` in ethers). */
  logIndex?: number;
  index?: number;
  transactionLogIndex?: number;
}

export interface BlockInfo {
  number: number | bigint;
  timestamp: number | bigint;
  hash?: string | number;
  parentHash?: string;
  miner?: string;
  gasUsed?: bigint;
  gasLimit?: bigint;
}

export interface TransactionInfo {
  hash: string | number;
  index?: number | bigint;
  from?: string;
  to?: string | null;
  value?: bigint;
  gasLimit?: bigint;
  gasPrice?: bigint | null;
  input?: string;
  nonce?: number | bigint;
}

export interface Host {
  store: Map<string, Map<string, Entity>>;
  problems: string[];
  counts: { handled: number; unmatched: number };
  sources: (ManifestSource & { address: string })[];
  /** Runs the handler the log triggers; returns its name, or null when the manifest has none for it. */
  handle(log: RawLog, block: BlockInfo, tx: TransactionInfo): string | null;
  handleEvent(
    contract: string,
    name: string,
    args: unknown[],
    meta: { logIndex: number; block: BlockInfo; tx: TransactionInfo; address?: string },
  ): void;
  get(type: string, id: string): Entity | undefined;
  field(type: string, id: string, name: string): any;
}

export function readManifest(path?: string): ManifestSource[];
export function createHost(options?: {
  addresses?: Record<string, string>;
  manifest?: ManifestSource[];
  buildDir?: string;
}): Host;
export const hex: (bytes: Uint8Array) => string;
export const types: Record<string, { fields: Record<string, { required: boolean }>; immutable: boolean; timeseries: boolean }>;
