/** A worker a synchronous caller waits for: answers, failures, timeouts, and no late answer taken for another's. */
import { afterEach, describe, expect, it } from "vitest";

import { BlockingWorker } from "./blockingWorker.ts";

// Answers after `delay` ms (so the answer really comes from another turn of the worker's event loop).
const ECHO = `
serve(async ({ value, delay, fail }) => {
  await new Promise((resolve) => setTimeout(resolve, delay || 0));
  if (fail) throw new Error(fail);
  return { value, prefix: workerData.prefix };
});
`;

describe("BlockingWorker", () => {
  let worker: BlockingWorker | undefined;
  afterEach(() => worker?.close());

  it("returns the worker's answer to the blocked caller, with the worker's data", () => {
    worker = new BlockingWorker(ECHO, { prefix: "p" });
    let later = false;
    setImmediate(() => (later = true));
    expect(worker.call({ value: 1, delay: 20 }, 10_000)).toEqual({ value: { value: 1, prefix: "p" } });
    expect(worker.call({ value: [2, "x"] }, 10_000)).toEqual({ value: { value: [2, "x"], prefix: "p" } });
    // The caller never gave up its thread: the event loop did not run meanwhile.
    expect(later).toBe(false);
  });

  it("returns what the worker threw as a failure", () => {
    worker = new BlockingWorker(ECHO, {});
    expect(worker.call({ fail: "no such table" }, 10_000)).toEqual({ failure: "no such table" });
    expect(worker.call({ value: 3 }, 10_000)).toEqual({ value: { value: 3 } });
  });

  it("gives up after the timeout, and never takes the late answer for the next request's", () => {
    worker = new BlockingWorker(ECHO, {});
    expect(worker.call({ value: "warm" }, 10_000)).toEqual({ value: { value: "warm" } });
    expect(worker.call({ value: "slow", delay: 2_000 }, 100)).toBeUndefined();
    expect(worker.call({ value: "next" }, 10_000)).toEqual({ value: { value: "next" } });
  });
});
