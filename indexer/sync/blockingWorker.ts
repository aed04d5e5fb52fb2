/**
 * A worker thread that a synchronous caller can wait for. Host functions are synchronous (WASM calls them and
 * needs the answer on return) while HTTP and node-postgres are not, so the asynchronous work runs in a worker:
 * the caller posts a request, sleeps on a shared word (`Atomics.wait`) until the worker has posted its answer and
 * raised the word, and takes the answer off the port (`receiveMessageOnPort`) without returning to the event loop.
 *
 * A worker that throws outside a request's handler, rejects a promise nobody awaits, or exits, is dead: it says so
 * through a second shared word and a failure for the request it was serving, so the caller fails at once (its
 * event loop, where the worker's `error` and `exit` events arrive, is not running while it waits). The next
 * request starts a fresh worker.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

// Slots of the shared words: raised when the worker posted a message; raised once the worker is dead.
const POSTED = 0;
const DEAD = 1;

/**
 * Runs the worker's own source as a function of `require`, `workerData` (the caller's data) and `serve(handle)`,
 * which answers each request with what `handle` returns (or its error's message as the failure), then wakes the
 * caller. Whatever kills the worker (its source not compiling or throwing, an uncaught exception, an unhandled
 * rejection, an exit) fails the requests in flight with its cause and raises the dead word.
 */
const PRELUDE = `
const { workerData: __blocking } = require("node:worker_threads");
const __words = new Int32Array(__blocking.signal);
const __inFlight = new Set();
let __dead = false;
function __post(message) {
  __blocking.port.postMessage(message);
  Atomics.store(__words, ${POSTED}, 1);
  Atomics.notify(__words, ${POSTED});
}
function __describe(error) {
  return error instanceof Error ? error.name + ": " + error.message : String(error);
}
function __die(cause) {
  if (__dead) return;
  __dead = true;
  const failure = "the worker thread died: " + cause;
  for (const id of __inFlight) __post({ id, failure, dead: true });
  if (__inFlight.size === 0) __post({ failure, dead: true });
  __inFlight.clear();
  Atomics.store(__words, ${DEAD}, 1);
  Atomics.notify(__words, ${POSTED});
}
process.on("uncaughtException", (error) => __die(__describe(error)));
process.on("unhandledRejection", (reason) => __die("unhandled rejection: " + __describe(reason)));
process.on("exit", (code) => __die("it exited with code " + code));
function serve(handle) {
  __blocking.port.on("message", async ({ id, request }) => {
    if (__dead) return;
    __inFlight.add(id);
    let answer;
    try {
      answer = { id, value: await handle(request) };
    } catch (error) {
      answer = { id, failure: String((error && error.message) || error) };
    }
    if (!__inFlight.delete(id)) return;
    __post(answer);
  });
}
try {
  new Function("require", "workerData", "serve", __blocking.source)(require, __blocking.data, serve);
} catch (error) {
  __die("its source failed: " + __describe(error));
}
`;

/** What a request came to: the worker's value, or the message of what it threw (or of what killed it). */
export type WorkerAnswer<T> = { value: T; failure?: undefined } | { failure: string };

interface Posted<T> {
  id?: number;
  value?: T;
  failure?: string;
  dead?: true;
}

interface Running {
  worker: Worker;
  port: MessagePort;
  words: Int32Array;
  /** Why the worker died, once its `error` or `exit` event has said so. */
  death?: string;
}

export class BlockingWorker {
  readonly #source: string;
  readonly #data: unknown;
  #running: Running | undefined;
  #sequence = 0;

  /**
   * `source`: the worker's CommonJS source, which calls `serve(async (request) => value)` and reads its
   * `workerData` (here `data`, which must be cloneable). The worker starts on the first request.
   */
  constructor(source: string, data: unknown) {
    this.#source = source;
    this.#data = data;
  }

  /**
   * Posts `request` and blocks until the worker answers it; undefined when no answer came within `timeoutMs`
   * (the worker is then ended, so that a worker stuck on the request does not hold up the next, and its late
   * answer is never taken for another's). A worker that died fails the request at once, naming the cause.
   */
  call<T>(request: unknown, timeoutMs: number): WorkerAnswer<T> | undefined {
    const { port, words } = this.#start();
    const id = ++this.#sequence;
    port.postMessage({ id, request });
    const deadline = Date.now() + timeoutMs;
    let death: string | undefined;
    for (;;) {
      // Lowered before the port is drained: an answer posted after the drain raises it again and ends the wait.
      Atomics.store(words, POSTED, 0);
      // Read before the drain: the worker raises it after posting why it died, so the drain finds the reason.
      const dead = Atomics.load(words, DEAD) === 1;
      for (let message; (message = receiveMessageOnPort(port)?.message as Posted<T> | undefined); ) {
        if (message.dead) death ??= message.failure;
        if (message.id !== id) continue;
        if (message.dead) this.close();
        return message.failure !== undefined ? { failure: message.failure } : { value: message.value as T };
      }
      if (dead) {
        this.close();
        return { failure: death ?? "the worker thread died" };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close();
        return undefined;
      }
      Atomics.wait(words, POSTED, 0, left);
    }
  }

  /** Ends the worker; a later request starts another. */
  close(): void {
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    void running.worker.terminate();
    running.port.close();
  }

  #start(): Running {
    const current = this.#running;
    if (current && current.death === undefined && Atomics.load(current.words, DEAD) === 0) return current;
    this.close();
    const { port1, port2 } = new MessageChannel();
    // Words of its own: a worker being ended can still raise its words, and must not wake or kill the next one.
    const words = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(PRELUDE, {
      eval: true,
      workerData: { source: this.#source, data: this.#data, port: port2, signal: words.buffer },
      transferList: [port2],
    });
    const running: Running = { worker, port: port1, words };
    // Heard only between requests (a waiting caller runs no events); without them a dying worker's `error`
    // event would end the process.
    worker.on("error", (error) => (running.death ??= `the worker thread died: ${error.name}: ${error.message}`));
    worker.on("exit", (code) => (running.death ??= `the worker thread died: it exited with code ${code}`));
    // Neither keeps the process alive: a caller that forgets close() does not hang its exit.
    worker.unref();
    port1.unref();
    this.#running = running;
    return running;
  }
}
