/**
 * IPFS content as the indexer reads it: `cat` for file data sources (asynchronous), `catSync` and `blockSync`
 * for the `ipfs.cat` and `ipfs.getBlock` host functions (which must answer before they return, so a worker
 * thread does the HTTP while the handler's thread waits for it: `sync/blockingWorker.ts`).
 *
 * As graph-node: each request is given `GRAPH_IPFS_TIMEOUT` seconds (60) and a file over
 * `GRAPH_MAX_IPFS_FILE_BYTES` (25 MiB) is refused; files up to `GRAPH_MAX_IPFS_CACHE_FILE_SIZE` bytes (1 MiB)
 * are kept, the last `GRAPH_MAX_IPFS_CACHE_SIZE` (50) of them. Content whose CID says what it must hash to
 * (`cid.ts`) and does not is refused as if it were missing.
 */
import { BlockingWorker } from "../sync/blockingWorker.ts";
import { blockMatches, contentMatches, parseIpfsPath } from "./cid.ts";
import { ipfsEndpoint, ipfsRequest, type IpfsEndpoint } from "./endpoint.ts";
import { fetchLimited, type FetchOutcome } from "./fetchLimited.ts";

export interface IpfsClientOptions {
  /** A node's HTTP API (`http://127.0.0.1:5001`) or a gateway (`https://host/ipfs`). */
  url: string;
  /** Per request (ms); default `GRAPH_IPFS_TIMEOUT` seconds, else 60 s. */
  timeoutMs?: number;
  /**
   * How long `ipfs.cat`/`ipfs.getBlock` in a handler wait (ms); default the smaller of `timeoutMs` and 30 s, so
   * that one slow file cannot use up the handler's whole time limit (60 s by default).
   */
  syncTimeoutMs?: number;
  /** How long a miss (not found, too slow, unreachable) of a handler's read is remembered (ms); default 10 s. */
  missMs?: number;
  /** The largest file read (bytes); default `GRAPH_MAX_IPFS_FILE_BYTES`, else 25 MiB. */
  maxFileBytes?: number;
  /** How many files are kept; default `GRAPH_MAX_IPFS_CACHE_SIZE`, else 50. */
  cacheFiles?: number;
  /** The largest file kept (bytes); default `GRAPH_MAX_IPFS_CACHE_FILE_SIZE`, else 1 MiB. */
  cacheFileBytes?: number;
}

/** What asking for content came to: the bytes, or why there are none (`mismatch`: they are not what the CID names). */
export type IpfsOutcome = FetchOutcome | { ok: false; reason: "mismatch" | "bad path"; message: string };

export class IpfsClient {
  readonly endpoint: IpfsEndpoint;
  readonly timeoutMs: number;
  readonly maxFileBytes: number;
  readonly syncTimeoutMs: number;
  readonly #missMs: number;
  /** Misses of handlers' reads, by cache key, until when they are answered without asking again. */
  readonly #misses = new Map<string, { outcome: IpfsOutcome; until: number }>();
  readonly #cacheFiles: number;
  readonly #cacheFileBytes: number;
  readonly #cache = new Map<string, Uint8Array>();
  readonly #worker: BlockingWorker;
  /** Aborts every asynchronous fetch in flight when the client is closed. */
  readonly #closing = new AbortController();

  constructor(options: IpfsClientOptions) {
    this.endpoint = ipfsEndpoint(options.url);
    this.timeoutMs = options.timeoutMs ?? fromEnv("GRAPH_IPFS_TIMEOUT", 60) * 1000;
    this.maxFileBytes = options.maxFileBytes ?? fromEnv("GRAPH_MAX_IPFS_FILE_BYTES", 25 * 1024 * 1024);
    this.#cacheFiles = options.cacheFiles ?? fromEnv("GRAPH_MAX_IPFS_CACHE_SIZE", 50);
    this.#cacheFileBytes = options.cacheFileBytes ?? fromEnv("GRAPH_MAX_IPFS_CACHE_FILE_SIZE", 1024 * 1024);
    this.syncTimeoutMs = options.syncTimeoutMs ?? Math.min(this.timeoutMs, SYNC_TIMEOUT_MS);
    this.#missMs = options.missMs ?? 10_000;
    this.#worker = new BlockingWorker(WORKER, { timeoutMs: this.syncTimeoutMs, maxBytes: this.maxFileBytes });
  }

  /** The content at `path` (`<cid>[/path]`). */
  async cat(path: string): Promise<IpfsOutcome> {
    const cached = this.#cached(`cat ${path}`);
    if (cached) return { ok: true, bytes: cached };
    const bad = badPath(path);
    if (bad) return bad;
    return this.#keep(`cat ${path}`, path, await fetchLimited(ipfsRequest(this.endpoint, "cat", path), this.timeoutMs, this.maxFileBytes, this.#closing.signal));
  }

  /** The content at `path`, waiting for it on this thread (for host functions). */
  catSync(path: string): IpfsOutcome {
    const cached = this.#cached(`cat ${path}`);
    if (cached) return { ok: true, bytes: cached };
    return badPath(path) ?? this.#unlessMissed(`cat ${path}`, () => this.#keep(`cat ${path}`, path, this.#fetchSync(ipfsRequest(this.endpoint, "cat", path))));
  }

  /** The raw bytes of the block `cid`, checked against it, waiting for them on this thread (for `ipfs.getBlock`). */
  blockSync(cid: string): IpfsOutcome {
    const cached = this.#cached(`block ${cid}`);
    if (cached) return { ok: true, bytes: cached };
    const bad = badPath(cid);
    if (bad) return bad;
    return this.#unlessMissed(`block ${cid}`, () => this.#keep(`block ${cid}`, cid, this.#fetchSync(ipfsRequest(this.endpoint, "block", cid)), blockMatches));
  }

  /** Ends the worker thread and aborts the fetches in flight (they answer `unreachable`). */
  close(): void {
    this.#closing.abort();
    this.#worker.close();
  }

  /** `read()`, unless the same read missed less than `missMs` ago: then that miss again, without waiting. */
  #unlessMissed(key: string, read: () => IpfsOutcome): IpfsOutcome {
    const missed = this.#misses.get(key);
    if (missed && missed.until > Date.now()) return missed.outcome;
    this.#misses.delete(key);
    const outcome = read();
    if (!outcome.ok && (outcome.reason === "not found" || outcome.reason === "timeout" || outcome.reason === "unreachable") && this.#missMs > 0) {
      this.#misses.set(key, { outcome, until: Date.now() + this.#missMs });
    }
    return outcome;
  }

  #cached(key: string): Uint8Array | undefined {
    const bytes = this.#cache.get(key);
    if (bytes) {
      this.#cache.delete(key);
      this.#cache.set(key, bytes);
    }
    return bytes;
  }

  #keep(key: string, path: string, outcome: FetchOutcome, matches = contentMatches): IpfsOutcome {
    if (!outcome.ok) return outcome;
    if (matches(path, outcome.bytes) === false) {
      return { ok: false, reason: "mismatch", message: `the ${outcome.bytes.length} bytes received are not what ${path} names` };
    }
    if (outcome.bytes.length <= this.#cacheFileBytes && this.#cacheFiles > 0) {
      this.#cache.set(key, outcome.bytes);
      if (this.#cache.size > this.#cacheFiles) this.#cache.delete(this.#cache.keys().next().value!);
    }
    return outcome;
  }

  #fetchSync(request: { url: string; method: string }): FetchOutcome {
    // The worker's own timeout answers first; this one only guards against a worker that hangs or died. A wait
    // that ends without the answer (this one, or a handler's time limit) ends the worker: a late answer is never
    // taken for a later request's (the answers carry the request's id).
    const answer = this.#worker.call<FetchOutcome>(request, this.syncTimeoutMs + 5_000);
    if (!answer) return { ok: false, reason: "timeout", message: `no answer within ${this.syncTimeoutMs} ms` };
    if (answer.failure !== undefined) return { ok: false, reason: "unreachable", message: answer.failure };
    return answer.value;
  }
}

/** The longest a handler's IPFS read waits by default: half the default handler time limit. */
const SYNC_TIMEOUT_MS = 30_000;

// The worker: each request fetched under the client's limits.
const WORKER = `
const fetchLimited = ${fetchLimited.toString()};
serve((request) => fetchLimited(request, workerData.timeoutMs, workerData.maxBytes));
`;

function badPath(path: string): IpfsOutcome | null {
  try {
    parseIpfsPath(path);
    return null;
  } catch (error) {
    return { ok: false, reason: "bad path", message: (error as Error).message };
  }
}

function fromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name}=${text} is not a non-negative number`);
  return value;
}
