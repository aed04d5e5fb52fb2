/**
 * Synchronous reads on a PostgreSQL server. The WASM host's store reads are synchronous while node-postgres is
 * not, so a worker thread holds one connection of its own and runs each statement while the caller waits for it
 * (`sync/blockingWorker.ts`). The worker sends column values as text; they are parsed here as the store's other
 * queries parse them.
 */
import { createRequire } from "node:module";

import { BlockingWorker } from "../sync/blockingWorker.ts";
import { StoreReadError } from "./storeError.ts";

// One statement at a time; every value as PostgreSQL's text, every row as an array.
const WORKER = `
const pg = require(workerData.pgPath);
const { url } = workerData;
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
serve(async (sql) => {
  const client = await connection();
  try {
    const result = await client.query({ text: sql, rowMode: "array" });
    return { columns: result.fields.map((field) => [field.name, field.dataTypeID]), rows: result.rows };
  } catch (error) {
    // A statement the server refused leaves the connection usable; a fatal error or a broken socket does not.
    if (!error || !error.severity || error.severity === "FATAL" || error.severity === "PANIC") drop(client);
    throw error;
  }
});
`;

interface Rows {
  columns: [string, number][];
  rows: (string | null)[][];
}

export class PostgresSyncReads {
  readonly #server: string;
  readonly #parse: (oid: number, text: string) => unknown;
  readonly #timeoutMs: number;
  readonly #worker: BlockingWorker;

  /** `server` names it in messages (the URL without its password); `parse` turns a column's text into its value. */
  constructor(url: string, options: { server: string; parse: (oid: number, text: string) => unknown; timeoutMs?: number }) {
    this.#server = options.server;
    this.#parse = options.parse;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#worker = new BlockingWorker(WORKER, { url, pgPath: createRequire(import.meta.url).resolve("pg") });
  }

  /** Runs `sql` and blocks until its rows arrive; throws StoreReadError when the server fails or does not answer. */
  read<Row>(sql: string): Row[] {
    // A read that times out ends the worker, so that its late answer is never taken for the next statement's.
    const answer = this.#worker.call<Rows>(sql, this.#timeoutMs);
    if (!answer) throw new StoreReadError(`PostgreSQL at ${this.#server}: no answer to a read within ${this.#timeoutMs} ms`);
    if (answer.failure !== undefined) throw new StoreReadError(`PostgreSQL at ${this.#server}: ${answer.failure}`);
    const { columns, rows } = answer.value;
    return rows.map((values) => {
      const row: Record<string, unknown> = {};
      columns.forEach(([name, oid], i) => (row[name] = values[i] === null ? null : this.#parse(oid, values[i]!)));
      return row as Row;
    });
  }

  /** Ends the worker and its connection. */
  close(): void {
    this.#worker.close();
  }
}
