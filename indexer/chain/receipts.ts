/** A transaction receipt as the node answers `eth_getTransactionReceipt`, read into what a mapping receives. */
import type { LogData, ReceiptData } from "../host/index.ts";

/** What the node sent, its quantities as hex; fields a node may leave out are optional. */
interface RawReceipt {
  transactionHash: string;
  transactionIndex: string;
  blockHash?: string | null;
  blockNumber?: string | null;
  cumulativeGasUsed: string;
  gasUsed: string;
  contractAddress?: string | null;
  logs: RawLog[];
  status?: string | null;
  root?: string | null;
  logsBloom: string;
}

interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockHash?: string | null;
  blockNumber?: string | null;
  transactionHash?: string | null;
  transactionIndex?: string | null;
  logIndex?: string | null;
  removed?: boolean;
}

const quantity = (hex: string | null | undefined): bigint | null => (hex === null || hex === undefined ? null : BigInt(hex));
const lower = (hex: string | null | undefined): string | null => (hex === null || hex === undefined ? null : hex.toLowerCase());

/** Reads a node's receipt; hashes and addresses lower case. */
export function toReceiptData(raw: RawReceipt): ReceiptData {
  return {
    transactionHash: raw.transactionHash.toLowerCase(),
    transactionIndex: BigInt(raw.transactionIndex),
    blockHash: lower(raw.blockHash),
    blockNumber: quantity(raw.blockNumber),
    cumulativeGasUsed: BigInt(raw.cumulativeGasUsed),
    gasUsed: BigInt(raw.gasUsed),
    contractAddress: lower(raw.contractAddress),
    logs: raw.logs.map(toLogData),
    status: quantity(raw.status),
    root: lower(raw.root),
    logsBloom: raw.logsBloom.toLowerCase(),
  };
}

function toLogData(raw: RawLog): LogData {
  return {
    address: raw.address.toLowerCase(),
    topics: raw.topics.map((topic) => topic.toLowerCase()),
    data: raw.data,
    blockHash: lower(raw.blockHash),
    blockNumber: quantity(raw.blockNumber),
    transactionHash: lower(raw.transactionHash),
    transactionIndex: quantity(raw.transactionIndex),
    logIndex: quantity(raw.logIndex),
    removed: raw.removed === true,
  };
}
