/**
 * Time limits for handlers, enforced by V8's script timeout (it stops WASM loops too). Each timed section costs a
 * watchdog thread, which is more than a whole handler costs; so the indexer runs many triggers inside one timed
 * section, and a handler run inside an open section needs no section of its own.
 */
import { createContext, Script } from "node:vm";

/** The one-line script timed work runs through, so that the script timeout applies to it. */
const RUN = new Script("work()");
const CONTEXT = createContext({ work: undefined }) as { work: (() => void) | undefined };

let open = false;

/** A timed section that ran out of time; V8 stopped the work wherever it was. */
export class TimeLimitExceeded extends Error {
  override name = "TimeLimitExceeded";
}

/** Whether a timed section is running: work inside it is already under a time limit. */
export function insideTimeLimit(): boolean {
  return open;
}

/** Runs `work` and stops it after `timeoutMs` (throwing TimeLimitExceeded). */
export function withinTimeLimit(timeoutMs: number, work: () => void): void {
  if (open) throw new Error("timed sections do not nest");
  open = true;
  CONTEXT.work = work;
  try {
    RUN.runInContext(CONTEXT, { timeout: timeoutMs });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") throw new TimeLimitExceeded(`stopped after ${timeoutMs} ms`);
    throw error;
  } finally {
    CONTEXT.work = undefined;
    open = false;
  }
}
