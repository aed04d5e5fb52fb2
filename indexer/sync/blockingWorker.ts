/**
 * A worker thread that a synchronous caller can wait for. Host functions are synchronous (WASM calls them and
 * needs the answer on return) while HTTP and node-postgres are not, so the asynchronous work runs in a worker:
 * the caller posts a request, sleeps on a shared word (`Atomics.wait`) until the worker has posted its answer and
 * raised the word, and takes the answer off the port (`receiveMessageOnPort`) without returning to the event loop.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

/**
 * Runs before the worker's own source: `workerData` is the caller's data, and `serve(handle)` answers each request
 * with what `handle` returns (or its error's message as the failure), then wakes the caller.
 */
const PRELUDE = `
const { workerData: __blocking } = require("node:worker_threads");
const workerData = __blocking.data;
const __flag = new Int32Array(__blocking.signal);
function serve(handle) {
  __blocking.port.on("message", async ({ id, request }) => {
    let answer;
    try {
      answer = { id, value: await handle(request) };
    } catch (error) {
      answer = { id, failure: String((error && error.message) || error) };
    }
    __blocking.port.postMessage(answer);
    Atomics.store(__flag, 0, 1);
    Atomics.notify(__flag, 0);
  });
}
`;

/** What a request came to: the worker's value, or the message of what it threw. */
export type WorkerAnswer<T> = { value: T; failure?: undefined } | { failure: string };

interface Posted<T> {
  id: number;
  value?: T;
  failure?: string;
}

export class BlockingWorker {
  readonly #source: string;
  readonly #data: unknown;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
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
   * (the worker is then ended, so that its late answer is never taken for a later request's).
   */
  call<T>(request: unknown, timeoutMs: number): WorkerAnswer<T> | undefined {
    const port = this.#start();
    const id = ++this.#sequence;
    port.postMessage({ id, request });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Lowered before the port is drained: an answer posted after the drain raises it again and ends the wait.
      Atomics.store(this.#flag, 0, 0);
      for (let message; (message = receiveMessageOnPort(port)?.message as Posted<T> | undefined); ) {
        if (message.id === id) return message.failure !== undefined ? { failure: message.failure } : { value: message.value as T };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close();
        return undefined;
      }
      Atomics.wait(this.#flag, 0, 0, left);
    }
  }

  /** Ends the worker; a later request starts another. */
  close(): void {
    void this.#worker?.terminate();
    this.#port?.close();
    this.#worker = undefined;
    this.#port = undefined;
  }

  #start(): MessagePort {
    if (this.#port) return this.#port;
    const { port1, port2 } = new MessageChannel();
    this.#worker = new Worker(PRELUDE + this.#source, {
      eval: true,
      workerData: { data: this.#data, port: port2, signal: this.#flag.buffer },
      transferList: [port2],
    });
    // Neither keeps the process alive: a caller that forgets close() does not hang its exit.
    this.#worker.unref();
    port1.unref();
    this.#port = port1;
    return port1;
  }
}
