/**
 * The ids graph-node generates for timeseries data points (and `store.set` with id `auto`): the block number in
 * the upper 32 bits and a per-block sequence, starting at 0, in the lower 32 bits. Int8 ids are that number;
 * Bytes ids are the block number and the sequence as 4 big-endian bytes each.
 */
export class BlockIdSequence {
  readonly block: number;
  #next = 0;

  constructor(block: number) {
    this.block = block;
  }

  /** The next sequence number of this block. */
  next(): number {
    return this.#next++;
  }

  /** The next id as an Int8. */
  nextInt8(): bigint {
    return (BigInt(this.block) << 32n) + BigInt(this.next());
  }

  /** The next id as Bytes (0x hex). */
  nextBytes(): string {
    const hex = (n: number): string => n.toString(16).padStart(8, "0");
    return `0x${hex(this.block)}${hex(this.next())}`;
  }

  static #current: BlockIdSequence | undefined;

  /** A process-wide sequence for `block`, restarted when the block changes (for callers that pass none). */
  static forBlock(block: number): BlockIdSequence {
    if (BlockIdSequence.#current?.block !== block) BlockIdSequence.#current = new BlockIdSequence(block);
    return BlockIdSequence.#current;
  }
}
