/**
 * Synchronous reads on a PostgreSQL server. The WASM host's store reads are synchronous while node-postgres is
 * not, so a worker thread holds one connection of its own: the caller posts the statement, sleeps on a shared
 * word (`Atomics.wait`) until the worker has posted the rows, and takes them off the port. The worker sends
 * column values as text; they are parsed here as the store's other queries parse them.
 */
import { createRequire } from "node:module";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

import { StoreReadError } from "./storeError.ts";

// One statement at a time; every value as PostgreSQL's text, every row as an array.
const WORKER = `
const { workerData } = require("node:worker_threads");
const pg = require(workerData.pgPath);
const { url, port, signal } = workerData;
const flag = new Int32Array(signal);
const asText = (value) => value;
let current;
// A connection that failed, or broke, is dropped: the next statement opens another.
function connection() {
  if (!current) {
    const client = new pg.Client({ connectionString: url, types: { getTypeParser: () => asText } });
    const ready = client.connect().then(() => client);
    client.on("error", () => drop(client));
    ready.catch(() => drop(client));
    current = { client, ready };
  }
  return current.ready;
}
function drop(client) {
  if (current && current.client === client) current = undefined;
  client.end().catch(() => {});
}
port.on("message", async ({ id, sql }) => {
  let answer;
  try {
    const client = await connection();
    try {
      const result = await client.query({ text: sql, rowMode: "array" });
      answer = { id, columns: result.fields.map((field) => [field.name, field.dataTypeID]), rows: result.rows };
    } catch (error) {
      // A statement the server refused leaves the connection usable; a fatal error or a broken socket does not.
      if (!error || !error.severity || error.severity === "FATAL" || error.severity === "PANIC") drop(client);
      throw error;
    }
  } catch (error) {
    answer = { id, failure: String((error && error.message) || error) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Answer {
  id: number;
  columns?: [string, number][];
  rows?: (string | null)[][];
  failure?: string;
}

export class PostgresSyncReads {
  readonly #url: string;
  readonly #server: string;
  readonly #parse: (oid: number, text: string) => unknown;
  readonly #timeoutMs: number;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  #sequence = 0;

  /** `server` names it in messages (the URL without its password); `parse` turns a column's text into its value. */
  constructor(url: string, options: { server: string; parse: (oid: number, text: string) => unknown; timeoutMs?: number }) {
    this.#url = url;
    this.#server = options.server;
    this.#parse = options.parse;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Runs `sql` and blocks until its rows arrive; throws StoreReadError when the server fails or does not answer. */
  read<Row>(sql: string): Row[] {
    const port = this.#start();
    const id = ++this.#sequence;
    port.postMessage({ id, sql });
    const deadline = Date.now() + this.#timeoutMs;
    let answer: Answer | undefined;
    // The flag may be raised by a worker ended after an earlier timeout: only the answer with this id counts.
    while (!answer) {
      Atomics.store(this.#flag, 0, 0);
      for (let message; (message = receiveMessageOnPort(port)?.message as Answer | undefined); ) {
        if (message.id === id) answer = message;
      }
      if (answer) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close(); // a late answer must not be taken for the next statement's
        throw new StoreReadError(`PostgreSQL at ${this.#server}: no answer to a read within ${this.#timeoutMs} ms`);
      }
      Atomics.wait(this.#flag, 0, 0, left);
    }
    if (answer.failure !== undefined) throw new StoreReadError(`PostgreSQL at ${this.#server}: ${answer.failure}`);
    const columns = answer.columns!;
    return answer.rows!.map((values) => {
      const row: Record<string, unknown> = {};
      columns.forEach(([name, oid], i) => (row[name] = values[i] === null ? null : this.#parse(oid, values[i]!)));
      return row as Row;
    });
  }

  /** Ends the worker and its connection. */
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
      workerData: { url: this.#url, port: port2, signal: this.#flag.buffer, pgPath: createRequire(import.meta.url).resolve("pg") },
      transferList: [port2],
    });
    this.#worker.unref();
    port1.unref();
    this.#port = port1;
    return port1;
  }
}
