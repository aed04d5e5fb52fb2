/**
 * JSON-RPC requests a handler can wait for. Host functions are synchronous (WASM calls them and needs the
 * answer on return) while HTTP is not, so a worker thread sends each request and the calling thread sleeps on a
 * shared word (`Atomics.wait`) until the worker has posted the answer, which it then takes off the port.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

/** The node answered with a JSON-RPC error object. */
export class RpcResponseError extends Error {
  override name = "RpcResponseError";
  readonly code: number;
  readonly data: unknown;

  constructor(error: { code: number; message: string; data?: unknown }) {
    super(error.message);
    this.code = error.code;
    this.data = error.data;
  }
}

/** The request got no answer: the node is down, unreachable or too slow. */
export class RpcTransportError extends Error {
  override name = "RpcTransportError";
}

// The worker: one request at a time; the answer goes on the port, then the shared word wakes the caller.
const WORKER = `
const { workerData } = require("node:worker_threads");
const { url, port, signal, timeoutMs } = workerData;
const flag = new Int32Array(signal);
port.on("message", async (body) => {
  let answer;
  try {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    answer = response.ok ? { text } : { failure: "HTTP " + response.status + " " + text.slice(0, 200) };
  } catch (error) {
    answer = { failure: String(error && error.message || error) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

export class SyncRpc {
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  #nextId = 1;

  constructor(url: string, options: { timeoutMs?: number } = {}) {
    this.url = url;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Sends `method` with `params` and blocks until the node answers; throws RpcResponseError or RpcTransportError. */
  request(method: string, params: unknown[]): unknown {
    const port = this.#start();
    Atomics.store(this.#flag, 0, 0);
    port.postMessage(JSON.stringify({ jsonrpc: "2.0", id: this.#nextId++, method, params }));
    // The worker's own timeout answers first; this one only guards against a worker that died.
    const woke = Atomics.wait(this.#flag, 0, 0, this.#timeoutMs + 5_000);
    const message = receiveMessageOnPort(port)?.message as { text?: string; failure?: string } | undefined;
    if (woke === "timed-out" || !message) throw new RpcTransportError(`${method} to ${this.url}: no answer within ${this.#timeoutMs} ms`);
    if (message.failure !== undefined) throw new RpcTransportError(`${method} to ${this.url}: ${message.failure}`);
    let body: { result?: unknown; error?: { code: number; message: string; data?: unknown } };
    try {
      body = JSON.parse(message.text!);
    } catch {
      throw new RpcTransportError(`${method} to ${this.url}: the answer is not JSON`);
    }
    if (body.error) throw new RpcResponseError(body.error);
    return body.result;
  }

  /** Ends the worker. */
  close(): void {
    void this.#worker?.terminate();
    this.#port?.close();
    this.#worker = undefined;
    this.#port = undefined;
  }

  #start(): MessagePort {
    if (this.#port) return this.#port;
    const { port1, port2 } = new MessageChannel();
    this.#worker = new Worker(WORKER, {
      eval: true,
      workerData: { url: this.url, port: port2, signal: this.#flag.buffer, timeoutMs: this.#timeoutMs },
      transferList: [port2],
    });
    this.#worker.unref();
    port1.unref();
    this.#port = port1;
    return port1;
  }
}
