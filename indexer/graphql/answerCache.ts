/**
 * Answers kept per block, as graph-node keeps them: the answer to one request (query, variables, operation
 * name) cannot change until the store moves, so it is kept under the store's state when it was computed
 * (its head block, hash and error state: `StoreState`) and forgotten as soon as any request sees another
 * state (a new block, a revert, a reorg, a failure). Bounded in entries and bytes, least recently used
 * first out. Only answers without errors are kept; concurrent requests for the same missing answer share
 * one execution.
 */

/** One answer as it went out. */
export interface Answer {
  status: number;
  /** Response headers but content-length. */
  headers: [string, string][];
  body: Buffer;
}

/** How much the cache may hold. */
export interface AnswerCacheLimits {
  /** Most answers kept; default 10,000. */
  maxEntries?: number;
  /** Most bytes kept (request keys and answer bodies); default 64 MiB. */
  maxBytes?: number;
}

export const DEFAULT_MAX_ENTRIES = 10_000;
export const DEFAULT_MAX_BYTES = 64 * 2 ** 20;

export class AnswerCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  private state: string | undefined;
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  private readonly answers = new Map<string, Answer>();
  private readonly running = new Map<string, Promise<Answer>>();
  private heldBytes = 0;

  constructor(limits: AnswerCacheLimits = {}) {
    this.maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** Answers kept now. */
  get size(): number {
    return this.answers.size;
  }

  /** Bytes kept now. */
  get bytes(): number {
    return this.heldBytes;
  }

  /**
   * The answer to `request` in store state `state`: the kept one, the one being computed, or a new one from
   * `compute`, kept when it has no errors and the state has not moved on meanwhile.
   */
  async answer(state: string, request: string, compute: () => Promise<Answer>): Promise<Answer> {
    this.moveTo(state);
    const kept = this.answers.get(request);
    if (kept) {
      this.answers.delete(request);
      this.answers.set(request, kept);
      return kept;
    }
    const runKey = `${state}\n${request}`;
    const running = this.running.get(runKey);
    if (running) return running;
    const computing = compute().finally(() => this.running.delete(runKey));
    this.running.set(runKey, computing);
    const answer = await computing;
    if (this.state === state && answer.status === 200 && !hasErrors(answer)) this.keep(request, answer);
    return answer;
  }

  /** Forgets every answer when the store's state is not the one they were computed in. */
  private moveTo(state: string): void {
    if (state === this.state) return;
    this.state = state;
    this.answers.clear();
    this.heldBytes = 0;
  }

  private keep(request: string, answer: Answer): void {
    const cost = sizeOf(request, answer);
    if (cost > this.maxBytes || this.maxEntries === 0) return;
    const previous = this.answers.get(request);
    if (previous) {
      this.answers.delete(request);
      this.heldBytes -= sizeOf(request, previous);
    }
    this.answers.set(request, answer);
    this.heldBytes += cost;
    for (const [oldest, old] of this.answers) {
      if (this.answers.size <= this.maxEntries && this.heldBytes <= this.maxBytes) break;
      this.answers.delete(oldest);
      this.heldBytes -= sizeOf(oldest, old);
    }
  }
}

/** A request key's bytes (UTF-16 in memory) and its answer's. */
const sizeOf = (request: string, answer: Answer): number => request.length * 2 + answer.body.length;

/** Whether a JSON answer names `errors` at its top level (GraphQL puts them before or after `data`). */
function hasErrors(answer: Answer): boolean {
  try {
    const parsed = JSON.parse(answer.body.toString("utf8")) as { errors?: unknown };
    return parsed.errors !== undefined;
  } catch {
    return true;
  }
}
