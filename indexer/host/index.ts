/** The WASM host: runs graph-cli AssemblyScript mappings (apiVersion ≥ 0.0.5) as graph-node does. */
export { DEFAULT_HANDLER_TIMEOUT_MS, MappingModule, type MappingModuleOptions } from "./module.ts";
export { TimeLimitExceeded, withinTimeLimit } from "./timeLimit.ts";
export { ChainCallError, MappingError, MappingModuleError, type AbortLocation } from "./errors.ts";
export { BlockIdSequence } from "./idSequence.ts";
export type { BlockData, BlockTrigger, CallOutcome, ChainReads, DataSourceInfo, EventTrigger, IpfsReads, LogData, MappingEnv, ReceiptData, TransactionData } from "./types.ts";
export { parseContext, serializeContext, type DataSourceContext } from "./dataSourceContext.ts";
export type { CallTrigger } from "./call.ts";
