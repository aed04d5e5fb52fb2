import type { FileHandle } from "node:fs/promises";

import { type CheckoutJournal, type JournalEntry, orderKey } from "./checkoutJournal.js";

/** A journal line: bigints as decimal strings, tagged so that they read back as bigints. */
function serialize(entry: JournalEntry): string {
  return `${JSON.stringify(entry, (_key, value) => (typeof value === "bigint" ? `${value}n` : value))}\n`;
}

function parse(line: string): JournalEntry {
  return JSON.parse(line, (_key, value) => (typeof value === "string" && /^\d+n$/.test(value) ? BigInt(value.slice(0, -1)) : value)) as JournalEntry;
}

/** Options of {@link fileJournal}. */
export interface FileJournalOptions {
  /**
   * Compact when the file holds this many lines and at least four times as many as the orders still open
   * (default 10,000): settled orders then take no room, and the file's size follows the orders in flight.
   */
  compactAfterLines?: number;
}

/**
 * An append-only file of JSON lines. Each `append` is written and `fdatasync`ed before it resolves;
 * appends that arrive while a write is under way are written together by the next one (group commit), so a
 * busy sender pays one sync per write, not one per order. A line torn by a crash mid-write is ignored on
 * read (its `append` had not resolved, so its caller never heard "accepted").
 *
 * The journal compacts itself: once it is long and mostly settled, the orders still open are written to
 * `<path>.compact`, synced, and renamed over the journal (then the folder is synced), between two group
 * writes. A crash at any point leaves either the old file or the new one whole; a leftover `.compact` file is
 * never read and is overwritten by the next compaction.
 *
 * @example
 * const sender = await createCheckoutSender(dcrm, { journal: fileJournal("/var/lib/shop/checkout.jsonl") });
 */
export function fileJournal(path: string, options: FileJournalOptions = {}): CheckoutJournal {
  const compactAfterLines = options.compactAfterLines ?? 10_000;
  let handle: Promise<FileHandle> | undefined;
  let waiting: { entries: readonly JournalEntry[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let writing = false;
  /** The open orders' accepted lines, by order, and the lines in the file: known once the file was read. */
  let open: Map<string, string> | undefined;
  let lines = 0;

  async function syncFolder(): Promise<void> {
    const { open: openFile } = await import("node:fs/promises");
    const { dirname } = await import("node:path");
    const directory = await openFile(dirname(path), "r");
    await directory.sync().finally(() => directory.close());
  }

  async function openForAppend(): Promise<FileHandle> {
    const { mkdir, open: openFile } = await import("node:fs/promises");
    const { dirname } = await import("node:path");
    await mkdir(dirname(path), { recursive: true });
    const file = await openFile(path, "a");
    // The file's directory entry must be durable too, or a crash could lose a freshly created journal.
    await syncFolder();
    return file;
  }

  /** Notes what `entries` change in the open orders. */
  function track(entries: readonly JournalEntry[], text: readonly string[]): void {
    entries.forEach((entry, i) => {
      if (entry.kind === "accepted") open!.set(orderKey(entry.order.storefront, entry.order.orderId), text[i]!);
      else open!.delete(orderKey(entry.storefront, entry.orderId));
    });
    lines += entries.length;
  }

  /** Rewrites the journal as its open orders only: written beside it, synced, renamed over it. */
  async function compact(): Promise<void> {
    const { open: openFile, rename } = await import("node:fs/promises");
    const temporary = `${path}.compact`;
    const file = await openFile(temporary, "w");
    try {
      await file.writeFile([...open!.values()].join(""));
      await file.sync();
    } finally {
      await file.close();
    }
    if (handle) await (await handle).close();
    handle = undefined;
    await rename(temporary, path);
    await syncFolder();
    lines = open!.size;
  }

  async function writeWaiting(): Promise<void> {
    writing = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        if (!open) await load();
        const entries = batch.flatMap((item) => item.entries);
        const text = entries.map(serialize);
        const file = await (handle ??= openForAppend());
        await file.appendFile(text.join(""));
        await file.datasync();
        track(entries, text);
        for (const item of batch) item.resolve();
      } catch (error) {
        for (const item of batch) item.reject(error);
        continue;
      }
      if (lines >= compactAfterLines && lines >= 4 * open!.size) {
        // The appends above are durable either way; a failed compaction leaves the journal as it was.
        await compact().catch(() => {});
      }
    }
    writing = false;
  }

  async function readEntries(): Promise<JournalEntry[]> {
    const { readFile } = await import("node:fs/promises");
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const entries: JournalEntry[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        entries.push(parse(line));
      } catch {
        // A torn last line: its append never resolved.
      }
    }
    return entries;
  }

  /** Reads the file once to know its open orders and length (before the first write, or by `read`). */
  async function load(): Promise<JournalEntry[]> {
    const entries = await readEntries();
    open = new Map();
    lines = 0;
    track(entries, entries.map(serialize));
    return entries;
  }

  return {
    append(entries) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ entries, resolve, reject });
        if (!writing) void writeWaiting();
      });
    },
    async read() {
      while (writing) await new Promise((resolve) => setTimeout(resolve, 5));
      return load();
    },
    async close() {
      while (writing || waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      if (handle) await (await handle).close();
      handle = undefined;
    },
  };
}
