/**
 * The state host functions share while triggers run in one instance: the instance's memory, and the running
 * trigger's environment, block and id sequence (set anew for each trigger, so host functions are built once).
 */
import type { Abi } from "viem";

import type { SchemaModel } from "../schema.ts";
import { MappingError } from "./errors.ts";
import type { BlockIdSequence } from "./idSequence.ts";
import type { AscHeap } from "./memory.ts";
import type { MappingEnv } from "./types.ts";

export class HostContext {
  readonly schema: SchemaModel;
  readonly apiVersion: string;
  env: MappingEnv;
  /** The trigger's block: its number, hash and timestamp in seconds. */
  block: { number: bigint; hash: string; timestamp: bigint };
  /** The data source's ABIs by the names `mapping.abis` gives them, for `ethereum.call`. */
  readonly abis: ReadonlyMap<string, Abi>;
  ids: BlockIdSequence;
  /**
   * Calls the module's export `name` in a fresh instance of it (`ipfs.map`'s callbacks), with the arguments
   * `args` writes into that instance's memory; the running trigger's instance and memory are back on return.
   */
  invoke: ((name: string, args: (heap: AscHeap) => number[]) => void) | undefined;
  #heap: AscHeap | undefined;

  constructor(options: {
    schema: SchemaModel;
    apiVersion: string;
    env: MappingEnv;
    block: { number: bigint; hash: string; timestamp: bigint };
    ids: BlockIdSequence;
    abis?: ReadonlyMap<string, Abi>;
  }) {
    this.schema = options.schema;
    this.abis = options.abis ?? new Map();
    this.apiVersion = options.apiVersion;
    this.env = options.env;
    this.block = options.block;
    this.ids = options.ids;
  }

  /** The instance's memory; set once the instance exists (host functions only run after that). */
  get heap(): AscHeap {
    if (!this.#heap) throw new MappingError("a host function was called before the instance's memory was ready");
    return this.#heap;
  }
  set heap(heap: AscHeap) {
    this.#heap = heap;
  }
}

/** A host function as WASM calls it: numbers (pointers, i32) and bigints (i64) in and out. */
export type HostFunction = (...args: any[]) => number | bigint | void;

/** A graph-node host function group: its functions by import name (`store.set`, `bigInt.plus`, …). */
export type HostFunctionGroup = (context: HostContext) => Record<string, HostFunction>;

/** True when `version` (x.y.z) is at least `minimum`. */
export function apiVersionAtLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map(Number);
  const b = minimum.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
