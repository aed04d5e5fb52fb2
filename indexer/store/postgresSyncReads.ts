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
const client = new pg.Client({ connectionString: url, types: { getTypeParser: () => asText } });
client.on("error", () => {});
const connected = client.connect();
connected.catch(() => {});
port.on("message", async (sql) => {
  let answer;
  try {
    await connected;
    const result = await client.query({ text: sql, rowMode: "array" });
    answer = { columns: result.fields.map((field) => [field.name, field.dataTypeID]), rows: result.rows };
  } catch (error) {
    answer = { failure: String((error && error.message) || error) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Answer {
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
    Atomics.store(this.#flag, 0, 0);
    port.postMessage(sql);
    const woke = Atomics.wait(this.#flag, 0, 0, this.#timeoutMs);
    const answer = receiveMessageOnPort(port)?.message as Answer | undefined;
    if (woke === "timed-out" || !answer) {
      this.close(); // a late answer must not be taken for the next statement's
      throw new StoreReadError(`PostgreSQL at ${this.#server}: no answer to a read within ${this.#timeoutMs} ms`);
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
