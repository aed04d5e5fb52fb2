/** `log.log`: mapping logs go to the environment; a critical one fails the handler, as in graph-node. */
import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";

/** graph-ts `log.Level.CRITICAL`. */
export const CRITICAL = 0;

export const logFunctions: HostFunctionGroup = (context) => ({
  "log.log": (level: number, messagePtr: number) => {
    const message = context.heap.readString(messagePtr);
    if (level === CRITICAL) throw new MappingError(`Critical error logged in mapping with log message: ${message}`);
    context.env.log(level, message);
  },
});
