/**
 * A data source's mapping: its WASM compiled once, instantiated once, and each trigger run in isolation as
 * graph-node isolates it: no global state survives from one trigger to the next. Instead of a fresh instance per
 * trigger, the instance's state after its start function (linear memory and mutable globals) is snapshotted and
 * restored after every trigger; an instance whose memory grew, or whose handler failed, is dropped and the next
 * trigger gets a fresh one. Host function closures are built once per module and read the running trigger from a
 * shared HostContext. Host functions are linked by import name, whatever module name the AssemblyScript file
 * declared; an import this host lacks fails when called, not when linked.
 */
import type { Abi } from "viem";

import type { SchemaModel } from "../schema.ts";
import { StoreReadError } from "../store/storeError.ts";
import { HostContext, apiVersionAtLeast, type HostFunction, type HostFunctionGroup } from "./context.ts";
import { ChainCallError, MappingError, MappingModuleError } from "./errors.ts";
import { abortFunctions } from "./functions/abort.ts";
import { bigDecimalFunctions } from "./functions/bigDecimal.ts";
import { bigIntFunctions } from "./functions/bigInt.ts";
import { cryptoFunctions } from "./functions/crypto.ts";
import { dataSourceFunctions } from "./functions/dataSource.ts";
import { ensFunctions } from "./functions/ens.ts";
import { ethereumFunctions } from "./functions/ethereum.ts";
import { ipfsFunctions } from "./functions/ipfs.ts";
import { jsonFunctions } from "./functions/json.ts";
import { logFunctions } from "./functions/log.ts";
import { storeFunctions } from "./functions/store.ts";
import { typeConversionFunctions } from "./functions/typeConversion.ts";
import { yamlFunctions } from "./functions/yaml.ts";
import { exposeMutableGlobals, UnsupportedModuleError } from "./exposeGlobals.ts";
import { BlockIdSequence } from "./idSequence.ts";
import { InstanceSnapshot } from "./instanceSnapshot.ts";
import { AscHeap } from "./memory.ts";
import { insideTimeLimit, TimeLimitExceeded, withinTimeLimit } from "./timeLimit.ts";
import { writeCall, type CallTrigger } from "./call.ts";
import { writeBlock, writeEvent } from "./trigger.ts";
import type { BlockData, BlockTrigger, EventTrigger, MappingEnv } from "./types.ts";

const GROUPS: HostFunctionGroup[] = [
  abortFunctions,
  storeFunctions,
  bigIntFunctions,
  bigDecimalFunctions,
  typeConversionFunctions,
  cryptoFunctions,
  jsonFunctions,
  logFunctions,
  ethereumFunctions,
  dataSourceFunctions,
  ensFunctions,
  ipfsFunctions,
  yamlFunctions,
];

/** Every host function name this host provides. */
const PROVIDED: ReadonlySet<string> = new Set(
  GROUPS.flatMap((group) => Object.keys(group(undefined as unknown as HostContext))),
);

/** The provided function an import name stands for: `store.set`, `index.store.set` and `set` alike. */
export function resolveImport(name: string): string | undefined {
  if (PROVIDED.has(name)) return name;
  const parts = name.split(".");
  for (let start = 1; start < parts.length; start++) {
    const candidate = parts.slice(start).join(".");
    if (PROVIDED.has(candidate)) return candidate;
  }
  return undefined;
}

export interface MappingModuleOptions {
  /** The data source's name, for messages. */
  name: string;
  /** The manifest's `mapping.apiVersion` (0.0.5 or later). */
  apiVersion: string;
  schema: SchemaModel;
  /** The data source's ABIs by their `mapping.abis` names (what `ethereum.call` encodes and decodes with). */
  abis?: ReadonlyMap<string, Abi>;
  /** How long one handler may run before it fails (ms); null: no limit. Default 60 s. */
  timeoutMs?: number | null;
}

export const DEFAULT_HANDLER_TIMEOUT_MS = 60_000;

/** The snapshot of an instance whose state cannot be restored: it is never reused. */
const NO_SNAPSHOT = { restore: () => false } as unknown as InstanceSnapshot;

export class MappingModule {
  readonly name: string;
  readonly apiVersion: string;
  readonly schema: SchemaModel;
  readonly abis: ReadonlyMap<string, Abi>;
  readonly timeoutMs: number | null;
  readonly #module: WebAssembly.Module;
  readonly #imports: { module: string; name: string; provided: string | undefined }[];
  /** The export names of the module's mutable globals; null when they could not be exposed (then every trigger gets a fresh instance). */
  readonly #globals: readonly string[] | null;
  /** The context host functions read, and the import object built on it, made with the first trigger. */
  #context: HostContext | undefined;
  #importObject: WebAssembly.Imports | undefined;
  /** The instance triggers run in, with its state after start; undefined until needed again. */
  #live: { exports: WebAssembly.Exports; snapshot: InstanceSnapshot } | undefined;
  /** How many instances were made (one, plus one after each trigger that grew memory or failed). */
  instantiations = 0;

  private constructor(module: WebAssembly.Module, globals: readonly string[] | null, options: MappingModuleOptions) {
    this.#module = module;
    this.#globals = globals;
    this.name = options.name;
    this.apiVersion = options.apiVersion;
    this.schema = options.schema;
    this.abis = options.abis ?? new Map();
    this.timeoutMs = options.timeoutMs === undefined ? DEFAULT_HANDLER_TIMEOUT_MS : options.timeoutMs;
    const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
    const missing = ["memory", "__new", "id_of_type"].filter((name) => !exported.has(name));
    if (missing.length > 0) {
      throw new MappingModuleError(`${options.name}: the WASM module does not export ${missing.join(", ")}: build it with graph-cli (asc --exportRuntime)`);
    }
    this.#imports = WebAssembly.Module.imports(module).map((entry) => {
      if (entry.kind !== "function") {
        throw new MappingModuleError(`${options.name}: the WASM module imports ${entry.kind} \`${entry.module}.${entry.name}\`; only functions can be provided`);
      }
      return { module: entry.module, name: entry.name, provided: resolveImport(entry.name) };
    });
  }

  /** Compiles a data source's WASM (as `graph build` writes it). */
  static compile(wasm: Uint8Array, options: MappingModuleOptions): MappingModule {
    if (!apiVersionAtLeast(options.apiVersion, "0.0.5")) {
      throw new MappingModuleError(`${options.name}: apiVersion ${options.apiVersion} uses the memory layout before 0.0.5, which this host does not support`);
    }
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
    } catch (error) {
      throw new MappingModuleError(`${options.name}: the mapping is not valid WebAssembly: ${(error as Error).message}`, { cause: error });
    }
    let globals: string[] | null = null;
    try {
      const exposed = exposeMutableGlobals(wasm);
      globals = exposed.globals;
      if (exposed.wasm !== wasm) module = new WebAssembly.Module(exposed.wasm as Uint8Array<ArrayBuffer>);
    } catch (error) {
      if (!(error instanceof UnsupportedModuleError)) throw error;
    }
    return new MappingModule(module, globals, options);
  }

  /** Import names the module declares that this host does not provide (they fail only if called). */
  get missingImports(): string[] {
    return this.#imports.filter((i) => !i.provided).map((i) => i.name);
  }

  /** Runs one event handler in isolation (a restored instance); throws MappingError (with handler, message, and the AS abort location). */
  runEvent(trigger: EventTrigger, env: MappingEnv): void {
    this.#run(trigger.handler, trigger.block, env, (heap) => writeEvent(heap, trigger, this.apiVersion));
  }

  /** Runs one block handler (it receives the `ethereum.Block`) in isolation; throws MappingError. */
  runBlock(trigger: BlockTrigger, env: MappingEnv): void {
    this.#run(trigger.handler, trigger.block, env, (heap) => writeBlock(heap, trigger.block, this.apiVersion));
  }

  /** Runs one call handler (it receives the `ethereum.Call`) in isolation; throws MappingError. */
  runCall(trigger: CallTrigger, env: MappingEnv): void {
    this.#run(trigger.handler, trigger.block, env, (heap) => writeCall(heap, trigger, this.apiVersion));
  }

  /**
   * Runs a file data source's handler on its file's content (it receives `Bytes`), at the block being indexed
   * when the file was found; throws MappingError.
   */
  runFile(handler: string, content: Uint8Array, block: BlockData, env: MappingEnv): void {
    this.#run(handler, block, env, (heap) => heap.writeBytes(content));
  }

  #run(handlerName: string, block: BlockData, env: MappingEnv, writeArgument: (heap: AscHeap) => number): void {
    const context = this.#enter(env, block);
    try {
      // The instance is taken while the trigger runs and given back only once restored: a handler that fails,
      // grows memory, or is stopped by a time limit (which skips every catch and finally) leaves none behind.
      const live = this.#live ?? this.#instantiate(context);
      this.#live = undefined;
      const handler = live.exports[handlerName];
      if (typeof handler !== "function") {
        throw new MappingError(`the mapping does not export a handler \`${handlerName}\``);
      }
      const argument = writeArgument(context.heap);
      this.#call(() => (handler as (argument: number) => void)(argument), handlerName);
      if (live.snapshot.restore()) this.#live = live;
    } catch (error) {
      throw this.#failure(error, handlerName);
    }
  }

  /** The shared context, pointed at this trigger. */
  #enter(env: MappingEnv, block: BlockData): HostContext {
    const header = { number: block.number, hash: block.hash, timestamp: block.timestamp };
    const ids = env.ids ?? BlockIdSequence.forBlock(Number(block.number));
    if (!this.#context) {
      this.#context = new HostContext({ schema: this.schema, apiVersion: this.apiVersion, env, block: header, abis: this.abis, ids });
      this.#context.invoke = (name, args) => this.#invoke(name, args);
    } else {
      this.#context.env = env;
      this.#context.block = header;
      this.#context.ids = ids;
    }
    return this.#context;
  }

  /**
   * Runs `work` (the handler) under the time limit: V8 stops a script that outruns its `timeout`, WASM loops
   * included, so a handler that never returns fails instead of hanging the indexer. Inside a timed section (the
   * indexer runs a block's triggers in one) the section's limit applies.
   */
  #call(work: () => void, handlerName: string): void {
    if (this.timeoutMs === null || insideTimeLimit()) return work();
    try {
      withinTimeLimit(this.timeoutMs, work);
    } catch (error) {
      if (error instanceof TimeLimitExceeded) {
        throw new MappingError(`handler \`${handlerName}\` did not return within ${this.timeoutMs} ms (the handler timeout)`);
      }
      throw error;
    }
  }

  /** Runs export `name` in a fresh instance on the shared context (the running trigger's memory is put back after). */
  #invoke(name: string, args: (heap: AscHeap) => number[]): void {
    const context = this.#context!;
    const outer = context.heap;
    try {
      const instance = new WebAssembly.Instance(this.#module, this.#importObject!);
      this.instantiations += 1;
      context.heap = new AscHeap(instance.exports);
      const start = instance.exports._start;
      if (typeof start === "function") start();
      const callback = instance.exports[name];
      if (typeof callback !== "function") throw new MappingError(`the mapping does not export a function \`${name}\``);
      (callback as (...pointers: number[]) => void)(...args(context.heap));
    } finally {
      context.heap = outer;
    }
  }

  /** A new instance, started, with the snapshot of its state that each trigger is run from. */
  #instantiate(context: HostContext): { exports: WebAssembly.Exports; snapshot: InstanceSnapshot } {
    this.#importObject ??= this.#link(context);
    const instance = new WebAssembly.Instance(this.#module, this.#importObject);
    this.instantiations += 1;
    context.heap = new AscHeap(instance.exports);
    const start = instance.exports._start;
    if (typeof start === "function") start();
    // Without exposed globals no snapshot can be restored: the instance then serves one trigger.
    const snapshot = this.#globals ? new InstanceSnapshot(instance.exports, this.#globals) : NO_SNAPSHOT;
    return { exports: instance.exports, snapshot };
  }

  /** The import object: every host function, built once on the shared context. */
  #link(context: HostContext): WebAssembly.Imports {
    const functions: Record<string, HostFunction> = Object.assign({}, ...GROUPS.map((group) => group(context)));
    const imports: Record<string, Record<string, HostFunction>> = {};
    for (const entry of this.#imports) {
      imports[entry.module] ??= {};
      imports[entry.module]![entry.name] = entry.provided
        ? functions[entry.provided]!
        : () => {
            throw new MappingError(`host function \`${entry.name}\` (imported from \`${entry.module}\`) is not provided by the local indexer`);
          };
    }
    return imports;
  }

  /** The error a failed run throws: a MappingError naming the handler (a module that cannot run stays a MappingModuleError). */
  #failure(error: unknown, handler: string): Error {
    // A chain or a database that does not answer is an outage to retry, not the handler's failure.
    if (error instanceof MappingModuleError || error instanceof ChainCallError || error instanceof StoreReadError) return error;
    const where = `in handler \`${handler}\` of data source \`${this.name}\``;
    if (error instanceof MappingError) {
      return new MappingError(`${error.message} (${where})`, { handler, location: error.location, cause: error });
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new MappingError(`${message} (${where})`, { handler, cause: error });
  }
}
