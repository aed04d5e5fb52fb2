/**
 * A worker a synchronous caller waits for: answers, failures, timeouts, workers that die, and no answer taken
 * for another request's.
 */
import { afterEach, describe, expect, it } from "vitest";

import { BlockingWorker } from "./blockingWorker.ts";

// Answers after `delay` ms (so the answer really comes from another turn of the worker's event loop), counting
// the requests this worker served. `late` first posts an answer to the request before this one, as a worker that
// answered it late would; `spin` never answers.
const ECHO = `
const { port } = require("node:worker_threads").workerData;
let served = 0;
serve(async ({ value, delay, fail, late, spin }) => {
  served += 1;
  if (late) port.postMessage({ id: served - 1, value: { value: "late" } });
  if (spin) for (;;);
  await new Promise((resolve) => setTimeout(resolve, delay || 0));
  if (fail) throw new Error(fail);
  return { value, prefix: workerData.prefix, served };
});
`;

// Dies in each way a worker can: throws or rejects outside a handler, exits; `after` dies once it has answered
// and then raises word 0 of the shared `died` (after the prelude's own listener, which ran first, has seen it).
const DYING = `
const died = new Int32Array(workerData.died);
process.on("uncaughtException", () => { Atomics.store(died, 0, 1); Atomics.notify(died, 0); });
serve(async ({ how }) => {
  if (how === "throw") setTimeout(() => { throw new Error("boom in a timer"); });
  if (how === "reject") Promise.reject(new Error("nobody awaits this"));
  if (how === "exit") process.exit(3);
  if (how === "after") setTimeout(() => { throw new Error("boom after answering"); });
  if (how === "after" || how === undefined) return "answered";
  return new Promise(() => {});
});
`;

// Longer than any test should take: a caller that fails "at once" never gets near it, one that waits for it
// returns undefined.
const LONG = 20_000;

describe("BlockingWorker", () => {
  let worker: BlockingWorker | undefined;
  afterEach(() => worker?.close());

  it("returns the worker's answer to the blocked caller, with the worker's data, from one worker", () => {
    worker = new BlockingWorker(ECHO, { prefix: "p" });
    expect(worker.call({ value: 1, delay: 20 }, 10_000)).toEqual({ value: { value: 1, prefix: "p", served: 1 } });
    expect(worker.call({ value: [2, "x"] }, 10_000)).toEqual({ value: { value: [2, "x"], prefix: "p", served: 2 } });
  });

  it("returns what the worker threw as a failure", () => {
    worker = new BlockingWorker(ECHO, {});
    expect(worker.call({ fail: "no such table" }, 10_000)).toEqual({ failure: "no such table" });
    expect(worker.call({ value: 3 }, 10_000)).toEqual({ value: { value: 3, served: 2 } });
  });

  it("gives up after the timeout and ends a worker stuck on the request, so the next one is answered", () => {
    worker = new BlockingWorker(ECHO, {});
    expect(worker.call({ value: "warm" }, 10_000)).toEqual({ value: { value: "warm", served: 1 } });
    expect(worker.call({ spin: true }, 100)).toBeUndefined();
    // Only a fresh worker can answer: the stuck one never will.
    expect(worker.call({ value: "next" }, LONG)).toEqual({ value: { value: "next", served: 1 } });
  });

  it("never takes an answer to another request for the one it waits for", () => {
    worker = new BlockingWorker(ECHO, {});
    expect(worker.call({ value: "first" }, 10_000)).toEqual({ value: { value: "first", served: 1 } });
    expect(worker.call({ value: "second", late: true }, 10_000)).toEqual({ value: { value: "second", served: 2 } });
    expect(worker.call({ value: "third" }, 10_000)).toEqual({ value: { value: "third", served: 3 } });
  });

  it("fails at once, naming the cause, when the worker's source throws; the next request starts afresh", () => {
    worker = new BlockingWorker('throw new Error("boom")', {});
    const failure = { failure: "the worker thread died: its source failed: Error: boom" };
    expect(worker.call({}, LONG)).toEqual(failure);
    expect(worker.call({}, LONG)).toEqual(failure);
  });

  it("fails at once, naming the cause, when the worker's source does not compile", () => {
    worker = new BlockingWorker("serve(async () => 1;", {});
    expect(worker.call({}, LONG)?.failure).toMatch(/^the worker thread died: its source failed: SyntaxError: /);
  });

  it.each([
    ["throw", "the worker thread died: Error: boom in a timer"],
    ["reject", "the worker thread died: unhandled rejection: Error: nobody awaits this"],
    ["exit", "the worker thread died: it exited with code 3"],
  ])("fails the request in flight at once when the worker dies (%s), then serves the next with a fresh one", (how, message) => {
    worker = new BlockingWorker(DYING, { died: new SharedArrayBuffer(4) });
    expect(worker.call({}, LONG)).toEqual({ value: "answered" });
    expect(worker.call({ how }, LONG)).toEqual({ failure: message });
    expect(worker.call({}, LONG)).toEqual({ value: "answered" });
  });

  it("starts a fresh worker for the next request when the worker died between requests", () => {
    const died = new SharedArrayBuffer(4);
    worker = new BlockingWorker(DYING, { died });
    expect(worker.call({ how: "after" }, LONG)).toEqual({ value: "answered" });
    const word = new Int32Array(died);
    Atomics.wait(word, 0, 0, LONG);
    expect(Atomics.load(word, 0)).toBe(1);
    expect(worker.call({}, LONG)).toEqual({ value: "answered" });
  });
});
