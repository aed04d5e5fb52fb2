/**
 * A data source's mapping: its WASM compiled once, and each trigger run in a fresh instance (as graph-node does,
 * so no global state survives from one trigger to the next). Host functions are linked by import name, whatever
 * module name the AssemblyScript file declared; an import this host lacks fails when called, not when linked.
 */
import type { SchemaModel } from "../schema.ts";
import { HostContext, apiVersionAtLeast, type HostFunction, type HostFunctionGroup } from "./context.ts";
import { MappingError, MappingModuleError } from "./errors.ts";
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
import { BlockIdSequence } from "./idSequence.ts";
import { AscHeap } from "./memory.ts";
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
}

export class MappingModule {
  readonly name: string;
  readonly apiVersion: string;
  readonly schema: SchemaModel;
  readonly #module: WebAssembly.Module;
  readonly #imports: { module: string; name: string; provided: string | undefined }[];

  private constructor(module: WebAssembly.Module, options: MappingModuleOptions) {
    this.#module = module;
    this.name = options.name;
    this.apiVersion = options.apiVersion;
    this.schema = options.schema;
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
    return new MappingModule(module, options);
  }

  /** Import names the module declares that this host does not provide (they fail only if called). */
  get missingImports(): string[] {
    return this.#imports.filter((i) => !i.provided).map((i) => i.name);
  }

  /** Runs one event handler in a fresh instance; throws MappingError (with handler, message, and the AS abort location). */
  runEvent(trigger: EventTrigger, env: MappingEnv): void {
    this.#run(trigger.handler, trigger.block, env, (heap) => writeEvent(heap, trigger, this.apiVersion));
  }

  /** Runs one block handler (it receives the `ethereum.Block`) in a fresh instance; throws MappingError. */
  runBlock(trigger: BlockTrigger, env: MappingEnv): void {
    this.#run(trigger.handler, trigger.block, env, (heap) => writeBlock(heap, trigger.block, this.apiVersion));
  }

  #run(handlerName: string, block: BlockData, env: MappingEnv, writeArgument: (heap: AscHeap) => number): void {
    const context = new HostContext({
      schema: this.schema,
      apiVersion: this.apiVersion,
      env,
      block: { number: block.number, timestamp: block.timestamp },
      ids: env.ids ?? BlockIdSequence.forBlock(Number(block.number)),
    });
    try {
      const exports = this.#instantiate(context);
      const handler = exports[handlerName];
      if (typeof handler !== "function") {
        throw new MappingError(`the mapping does not export a handler \`${handlerName}\``);
      }
      const argument = writeArgument(context.heap);
      (handler as (argument: number) => void)(argument);
    } catch (error) {
      throw this.#failure(error, handlerName);
    }
  }

  #instantiate(context: HostContext): WebAssembly.Exports {
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
    const instance = new WebAssembly.Instance(this.#module, imports);
    context.heap = new AscHeap(instance.exports);
    const start = instance.exports._start;
    if (typeof start === "function") start();
    return instance.exports;
  }

  /** The error a failed run throws: a MappingError naming the handler (a module that cannot run stays a MappingModuleError). */
  #failure(error: unknown, handler: string): Error {
    if (error instanceof MappingModuleError) return error;
    const where = `in handler \`${handler}\` of data source \`${this.name}\``;
    if (error instanceof MappingError) {
      return new MappingError(`${error.message} (${where})`, { handler, location: error.location, cause: error });
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new MappingError(`${message} (${where})`, { handler, cause: error });
  }
}
