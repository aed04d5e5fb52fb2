import type { FileHandle } from "node:fs/promises";

import type { CheckoutJournal, JournalEntry } from "./checkoutJournal.js";

/** A journal line: bigints as decimal strings, tagged so that they read back as bigints. */
function serialize(entry: JournalEntry): string {
  return `${JSON.stringify(entry, (_key, value) => (typeof value === "bigint" ? `${value}n` : value))}\n`;
}

function parse(line: string): JournalEntry {
  return JSON.parse(line, (_key, value) => (typeof value === "string" && /^\d+n$/.test(value) ? BigInt(value.slice(0, -1)) : value)) as JournalEntry;
}

/**
 * An append-only file of JSON lines. Each `append` is written and `fdatasync`ed before it resolves;
 * appends that arrive while a write is under way are written together by the next one (group commit), so a
 * busy sender pays one sync per write, not one per order. A line torn by a crash mid-write is ignored on
 * read (its `append` had not resolved, so its caller never heard "accepted").
 *
 * @example
 * const sender = await createCheckoutSender(dcrm, { journal: fileJournal("/var/lib/shop/checkout.jsonl") });
 */
export function fileJournal(path: string): CheckoutJournal {
  let handle: Promise<FileHandle> | undefined;
  let waiting: { text: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let writing = false;

  async function open(): Promise<FileHandle> {
    const { mkdir, open: openFile } = await import("node:fs/promises");
    const { dirname } = await import("node:path");
    await mkdir(dirname(path), { recursive: true });
    const file = await openFile(path, "a");
    // The file's directory entry must be durable too, or a crash could lose a freshly created journal.
    const directory = await openFile(dirname(path), "r");
    await directory.sync().finally(() => directory.close());
    return file;
  }

  async function writeWaiting(): Promise<void> {
    writing = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        const file = await (handle ??= open());
        await file.appendFile(batch.map((item) => item.text).join(""));
        await file.datasync();
        for (const item of batch) item.resolve();
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    writing = false;
  }

  return {
    append(entries) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ text: entries.map(serialize).join(""), resolve, reject });
        if (!writing) void writeWaiting();
      });
    },
    async read() {
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
    },
    async close() {
      while (writing || waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      if (handle) await (await handle).close();
      handle = undefined;
    },
  };
}
