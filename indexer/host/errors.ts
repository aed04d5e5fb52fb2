/** Where an AssemblyScript `abort` (a failed assertion, a thrown Error, a null dereference) happened. */
export interface AbortLocation {
  file: string | null;
  line: number | null;
  column: number | null;
}

/**
 * A handler that failed deterministically: it aborted, logged a critical message, broke a store rule, or called a
 * host function the local indexer does not provide. graph-node marks the subgraph failed on such an error.
 */
export class MappingError extends Error {
  override name = "MappingError";
  /** The handler that was running, once known. */
  handler?: string;
  /** The AssemblyScript source location, for aborts. */
  location?: AbortLocation;

  constructor(message: string, options: { handler?: string; location?: AbortLocation; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.handler = options.handler;
    this.location = options.location;
  }
}

/** A WASM module the host cannot run at all (missing runtime exports, not WebAssembly). */
export class MappingModuleError extends Error {
  override name = "MappingModuleError";
}

/**
 * The chain did not answer a read a handler made (`ethereum.call` and the like): not the handler's fault, so the
 * block is tried again, as graph-node retries such a call instead of failing the subgraph.
 */
export class ChainCallError extends Error {
  override name = "ChainCallError";
}
