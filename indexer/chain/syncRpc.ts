/**
 * JSON-RPC requests a handler can wait for. Host functions are synchronous (WASM calls them and needs the
 * answer on return) while HTTP is not, so a worker thread sends each request while the calling thread waits
 * for it (`sync/blockingWorker.ts`).
 */
import { BlockingWorker } from "../sync/blockingWorker.ts";

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

// The worker: one request at a time; an HTTP failure or a non-2xx answer is a failure.
const WORKER = `
const { url, timeoutMs } = workerData;
serve(async (body) => {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (!response.ok) throw new Error("HTTP " + response.status + " " + text.slice(0, 200));
  return text;
});
`;

export class SyncRpc {
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #worker: BlockingWorker;
  #nextId = 1;

  constructor(url: string, options: { timeoutMs?: number } = {}) {
    this.url = url;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#worker = new BlockingWorker(WORKER, { url, timeoutMs: this.#timeoutMs });
  }

  /** Sends `method` with `params` and blocks until the node answers; throws RpcResponseError or RpcTransportError. */
  request(method: string, params: unknown[]): unknown {
    // The worker's own timeout answers first; this one only guards against a worker that died.
    const answer = this.#worker.call<string>(JSON.stringify({ jsonrpc: "2.0", id: this.#nextId++, method, params }), this.#timeoutMs + 5_000);
    if (!answer) throw new RpcTransportError(`${method} to ${this.url}: no answer within ${this.#timeoutMs} ms`);
    if (answer.failure !== undefined) throw new RpcTransportError(`${method} to ${this.url}: ${answer.failure}`);
    let body: { result?: unknown; error?: { code: number; message: string; data?: unknown } };
    try {
      body = JSON.parse(answer.value);
    } catch {
      throw new RpcTransportError(`${method} to ${this.url}: the answer is not JSON`);
    }
    if (body.error) throw new RpcResponseError(body.error);
    return body.result;
  }

  /** Ends the worker. */
  close(): void {
    this.#worker.close();
  }
}
