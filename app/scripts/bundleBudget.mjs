// What the built dashboard costs a browser: the initial JavaScript (the entry script and the chunks
// index.html preloads, all fetched before the first page shows) and every chunk, raw and gzip-compressed.
// `checkBudget` fails the build when the initial JavaScript outgrows INITIAL_GZIP_BUDGET.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The most gzip-compressed initial JavaScript the first page load may fetch, in bytes (see app/README.md). */
export const INITIAL_GZIP_BUDGET = 230_000;

const gzipSize = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** The chunks of `distDir` with their sizes; `initial` marks those index.html loads up front. */
export function measureBundle(distDir) {
  const html = readFileSync(join(distDir, "index.html"), "utf8");
  const initial = new Set([...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((match) => match[1]));
  const chunks = readdirSync(join(distDir, "assets"))
    .filter((name) => name.endsWith(".js"))
    .map((name) => {
      const bytes = readFileSync(join(distDir, "assets", name));
      return { name, initial: initial.has(`assets/${name}`), raw: bytes.length, gzip: gzipSize(bytes) };
    })
    .sort((a, b) => b.gzip - a.gzip);
  const sum = (list, key) => list.reduce((total, chunk) => total + chunk[key], 0);
  const first = chunks.filter((chunk) => chunk.initial);
  return { chunks, initial: { raw: sum(first, "raw"), gzip: sum(first, "gzip") }, total: { raw: sum(chunks, "raw"), gzip: sum(chunks, "gzip") } };
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

/** Prints the sizes; returns false (after saying why) when the initial JavaScript is over the budget. */
export function checkBudget(distDir, budget = INITIAL_GZIP_BUDGET) {
  const { initial, total } = measureBundle(distDir);
  console.log(`app:build: initial JS ${kB(initial.raw)} (gzip ${kB(initial.gzip)}, budget ${kB(budget)}); all JS ${kB(total.raw)} (gzip ${kB(total.gzip)})`);
  if (initial.gzip <= budget) return true;
  console.error(`app:build: the initial JavaScript is ${kB(initial.gzip)} gzip, over its budget of ${kB(budget)}: load what the first page does not need lazily`);
  return false;
}
