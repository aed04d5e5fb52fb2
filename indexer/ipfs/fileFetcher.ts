/**
 * The files that file data sources wait for, fetched in the background as graph-node's IPFS monitor fetches
 * them: each path once however many data sources wait for it, asked again after a miss (not found, too slow,
 * unreachable) with a wait that doubles up to `maxRetryMs`. A file over the size limit, content that is not
 * what its CID names, or a path that is not an IPFS path cannot change: it is logged and not asked again.
 * What is found is held only while it is still wanted: once the data sources that waited for it have run (or
 * are gone with a revert), the next `want` leaves it out and its content is released.
 */
import type { IpfsClient } from "./client.ts";

export interface FileFetcherOptions {
  /** The first wait after a miss (ms); default 1 s. */
  retryMs?: number;
  /** The longest wait between two tries (ms); default 60 s. */
  maxRetryMs?: number;
  log?: (line: string) => void;
}

export class FileFetcher {
  readonly #client: IpfsClient;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  readonly #log: (line: string) => void;
  /** Paths waited for, and the timer of the next try of each that is not in flight. */
  readonly #wanted = new Map<string, { timer?: NodeJS.Timeout; wait: number }>();
  readonly #found = new Map<string, Uint8Array>();
  #closed = false;

  constructor(client: IpfsClient, options: FileFetcherOptions = {}) {
    this.#client = client;
    this.#retryMs = options.retryMs ?? 1_000;
    this.#maxRetryMs = options.maxRetryMs ?? 60_000;
    this.#log = options.log ?? (() => {});
  }

  /** Waits for exactly `paths`: starts fetching the new ones, stops asking for the others and releases their content. */
  want(paths: Iterable<string>): void {
    const keep = new Set(paths);
    for (const [path, state] of this.#wanted) {
      if (keep.has(path)) continue;
      clearTimeout(state.timer);
      this.#wanted.delete(path);
    }
    for (const path of this.#found.keys()) if (!keep.has(path)) this.#found.delete(path);
    for (const path of keep) {
      if (this.#wanted.has(path) || this.#found.has(path) || this.#closed) continue;
      this.#wanted.set(path, { wait: this.#retryMs });
      void this.#fetch(path);
    }
  }

  /** The content of `path` once found. */
  content(path: string): Uint8Array | undefined {
    return this.#found.get(path);
  }

  /** Whether any file still wanted has been found (and its data sources have not run yet). */
  get anyFound(): boolean {
    return this.#found.size > 0;
  }

  /** Stops every try. */
  close(): void {
    this.#closed = true;
    for (const state of this.#wanted.values()) clearTimeout(state.timer);
    this.#wanted.clear();
    this.#found.clear();
  }

  async #fetch(path: string): Promise<void> {
    const outcome = await this.#client.cat(path);
    const state = this.#wanted.get(path);
    if (!state || this.#closed) return; // no longer waited for
    if (outcome.ok) {
      this.#wanted.delete(path);
      this.#found.set(path, outcome.bytes);
      return;
    }
    if (outcome.reason === "too large" || outcome.reason === "mismatch" || outcome.reason === "bad path") {
      this.#log(`IPFS file ${path} will not be read: ${outcome.message}`);
      return; // still waited for, never asked again
    }
    this.#log(`DEBUG IPFS file ${path}: ${outcome.reason} (${outcome.message}); asking again in ${state.wait / 1000} s`);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.#fetch(path);
    }, state.wait);
    state.timer.unref();
    state.wait = Math.min(this.#maxRetryMs, state.wait * 2);
  }
}
