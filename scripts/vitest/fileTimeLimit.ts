/**
 * A time limit per test file for vitest (a setup file: it runs in each file's worker before the file).
 * vitest limits each test and hook, but nothing limits a file as a whole: a file whose tests each wait out
 * their timeout on the same stuck resource, or a worker that never exits after its last test, would run on
 * with no output. When a file is still running after `DCRM_TEST_FILE_TIMEOUT_MS` (10 minutes by default), this
 * prints the file, the test that was running and what the worker was waiting on, and kills the worker, which
 * vitest reports as a failure of the run.
 */
import { writeSync } from "node:fs";

import { afterEach, beforeEach, expect } from "vitest";

const limitMs = Number(process.env.DCRM_TEST_FILE_TIMEOUT_MS ?? 600_000);
const file = expect.getState().testPath ?? "(unknown file)";
let current = "(between tests)";

beforeEach((context) => {
  current = context.task.name;
});
afterEach(() => {
  current = "(between tests)";
});

// Unreferenced: a file that ends in time lets its worker exit as usual.
setTimeout(() => {
  const waitingOn = process.getActiveResourcesInfo().filter((resource) => resource !== "TTYWrap");
  // Written straight to the descriptor and the worker killed: vitest intercepts console output and
  // process.exit in its workers, and a worker stuck this way may never flush or exit otherwise.
  writeSync(
    2,
    `\n${file}: still running after ${limitMs / 1000} s, in test "${current}"; the worker was waiting on: ${waitingOn.join(", ") || "nothing"}. Stopping this file.\n`,
  );
  process.kill(process.pid, "SIGKILL");
}, limitMs).unref();
