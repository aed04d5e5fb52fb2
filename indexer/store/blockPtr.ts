/** A block as the store records it: its number, hash, parent's hash (lowercase 0x hex) and timestamp in seconds. */
export interface BlockPtr {
  number: number;
  hash: string;
  parentHash: string;
  /** Seconds since the epoch. */
  timestamp: number;
}
