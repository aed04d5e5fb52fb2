/**
 * Per-request batching: sibling resolvers (the `storefront` of each of 100 issuances) ask for their item,
 * and one query answers all the items asked for in the same turn of the event loop under the same key.
 */

type Pending<Item, Result> = { items: Item[]; waiters: { resolve: (r: Result) => void; reject: (e: unknown) => void }[] };

/** Collects requests per key and runs each key's batch once the current turn is over. */
export class Batches {
  private readonly pending = new Map<string, Pending<any, any>>();

  /** Queues `item` under `key`; `run` answers a whole batch, one result per item in order. */
  load<Item, Result>(key: string, item: Item, run: (items: Item[]) => Promise<Result[]>): Promise<Result> {
    let batch = this.pending.get(key) as Pending<Item, Result> | undefined;
    if (!batch) {
      const created: Pending<Item, Result> = { items: [], waiters: [] };
      batch = created;
      this.pending.set(key, created);
      setImmediate(() => {
        this.pending.delete(key);
        run(created.items).then(
          (results) => created.waiters.forEach((waiter, index) => waiter.resolve(results[index]!)),
          (error) => created.waiters.forEach((waiter) => waiter.reject(error)),
        );
      });
    }
    batch.items.push(item);
    return new Promise<Result>((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }
}

const byContext = new WeakMap<object, Batches>();

/** The batches of one request, keyed by its GraphQL context object. */
export function batchesOf(context: unknown): Batches {
  if (context === null || typeof context !== "object") return new Batches();
  let batches = byContext.get(context);
  if (!batches) byContext.set(context, (batches = new Batches()));
  return batches;
}
