/**
 * The state of a WASM instance right after its start function: a copy of its linear memory and the values of
 * its mutable globals (exported by `exposeMutableGlobals`). Restoring it after a trigger gives the next
 * trigger the same instance a fresh instantiation would give, for the price of one memory copy.
 *
 * Memory cannot shrink: an instance whose memory grew during a trigger cannot be restored (its page count is
 * state the next trigger could see), so it is dropped and the next trigger gets a fresh instance.
 */
export class InstanceSnapshot {
  readonly #memory: WebAssembly.Memory;
  readonly #bytes: Uint8Array;
  readonly #globals: WebAssembly.Global[];
  readonly #values: (number | bigint)[];

  constructor(exports: WebAssembly.Exports, globalNames: readonly string[]) {
    this.#memory = exports.memory as WebAssembly.Memory;
    this.#bytes = new Uint8Array(this.#memory.buffer.slice(0));
    this.#globals = globalNames.map((name) => exports[name] as WebAssembly.Global);
    this.#values = this.#globals.map((global) => global.value as number | bigint);
  }

  /** Puts memory and globals back as they were; false when memory grew (the instance must be dropped). */
  restore(): boolean {
    const buffer = this.#memory.buffer;
    if (buffer.byteLength !== this.#bytes.length) return false;
    new Uint8Array(buffer).set(this.#bytes);
    for (let i = 0; i < this.#globals.length; i++) this.#globals[i]!.value = this.#values[i]!;
    return true;
  }
}
