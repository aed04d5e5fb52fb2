/**
 * A Bloom filter of the entity keys that exist (or existed): "no" is certain, "maybe" is asked of the
 * database. It answers the handlers' most common miss, a read of an entity that does not exist yet (a
 * `store.set` of a new id reads first, to merge), without a query, in about 10 bits a key. It only grows: a
 * removed or reverted key stays a "maybe". Full, it adds a filter twice its size, so any number of keys fits.
 */
const BITS_PER_KEY = 10;
const HASHES = 7;

export class KeyFilter {
  private readonly filters: { bits: Uint32Array; capacity: number; count: number }[] = [];

  constructor(initialCapacity = 65_536) {
    this.grow(initialCapacity);
  }

  add(key: string): void {
    let filter = this.filters[this.filters.length - 1]!;
    if (filter.count >= filter.capacity) filter = this.grow(filter.capacity * 2);
    const [a, b] = hashes(key);
    const size = filter.bits.length * 32;
    for (let i = 0; i < HASHES; i++) {
      const bit = (a + i * b) % size;
      filter.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    filter.count += 1;
  }

  /** False when `key` was never added; true when it may have been. */
  mayHave(key: string): boolean {
    const [a, b] = hashes(key);
    return this.filters.some((filter) => {
      const size = filter.bits.length * 32;
      for (let i = 0; i < HASHES; i++) {
        const bit = (a + i * b) % size;
        if ((filter.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
      }
      return true;
    });
  }

  private grow(capacity: number) {
    const filter = { bits: new Uint32Array(Math.ceil((capacity * BITS_PER_KEY) / 32)), capacity, count: 0 };
    this.filters.push(filter);
    return filter;
  }
}

/** Two independent 32-bit FNV-1a hashes of `key` (different offsets), for double hashing. */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return [a >>> 0, (b | 1) >>> 0];
}
