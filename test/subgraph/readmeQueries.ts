/**
 * The marketer's questions: each query lives in `subgraph/queries/<name>.graphql` (the SDK embeds the same
 * files as typed queries), and subgraph/README.md shows it. Each `### N.` section under "The marketer's
 * questions" names its file on a line `Query: [`queries/<name>.graphql`](…)`, repeats the file in a
 * ```graphql block, optionally has a ```json block after a line `Variables:`, and a ```json block after a
 * line `Output:`, the answer of a real run.
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export interface ReadmeQuery {
  title: string;
  /** The query file, relative to the subgraph folder (`queries/<name>.graphql`). */
  file: string;
  /** The query, from its file. */
  query: string;
  /** The query as the README shows it (it must be the file's text). */
  shown: string;
  variables?: string;
  output?: string;
}

const SECTION = /^### (\d+\. .+)$/gm;
const BLOCK = /(?:^(Variables|Output):\s*\n\n?)?^```(graphql|json)\n([\s\S]*?)^```$/gm;
const FILE = /^Query: \[`(queries\/[\w-]+\.graphql)`\]/m;

function sectionsOf(text: string): { title: string; start: number; end: number }[] {
  const part = text.indexOf("## The marketer's questions");
  if (part < 0) throw new Error("subgraph/README.md has no section \"The marketer's questions\"");
  const headings = [...text.matchAll(SECTION)].filter((m) => m.index! > part);
  return headings.map((m, i) => ({
    title: m[1]!,
    start: m.index!,
    end: i + 1 < headings.length ? headings[i + 1]!.index! : nextHeading(text, m.index! + m[0].length),
  }));
}

function nextHeading(text: string, from: number): number {
  const next = text.slice(from).search(/^## /m);
  return next < 0 ? text.length : from + next;
}

export async function readReadmeQueries(path: string): Promise<ReadmeQuery[]> {
  const text = await readFile(path, "utf8");
  return Promise.all(
    sectionsOf(text).map(async ({ title, start, end }) => {
      const body = text.slice(start, end);
      const file = body.match(FILE)?.[1];
      if (!file) throw new Error(`README section "${title}" names no query file (a line Query: [\`queries/<name>.graphql\`](queries/<name>.graphql))`);
      const entry: ReadmeQuery = { title, file, query: await readFile(join(dirname(path), file), "utf8"), shown: "" };
      for (const block of body.matchAll(BLOCK)) {
        const [, label, language, blockBody] = block;
        if (language === "graphql" && !entry.shown) entry.shown = blockBody!;
        else if (label === "Variables") entry.variables = blockBody!.trim();
        else if (label === "Output") entry.output = blockBody!.trim();
      }
      if (!entry.shown) throw new Error(`README section "${title}" shows no graphql query`);
      return entry;
    }),
  );
}

/**
 * Replaces each section's `Output:` block with `outputs[i]` (sections in order) and its graphql block with
 * its query file's text.
 */
export async function writeReadmeOutputs(path: string, outputs: string[]): Promise<void> {
  let text = await readFile(path, "utf8");
  const sections = sectionsOf(text);
  const queries = await readReadmeQueries(path);
  if (sections.length !== outputs.length) throw new Error(`${sections.length} README sections, ${outputs.length} outputs`);
  // From the last section back, so earlier offsets stay valid.
  for (let i = sections.length - 1; i >= 0; i--) {
    const { start, end, title } = sections[i]!;
    const body = text.slice(start, end);
    const block = /^Output:\s*\n\n?```json\n[\s\S]*?^```$/m;
    if (!block.test(body)) throw new Error(`README section "${title}" has no Output: block to replace`);
    // Functions, so that `$` in an answer or a query is not read as a replacement pattern.
    const replaced = body
      .replace(block, () => `Output:\n\n\`\`\`json\n${outputs[i]}\n\`\`\``)
      .replace(/^```graphql\n[\s\S]*?^```$/m, () => `\`\`\`graphql\n${queries[i]!.query}\`\`\``);
    text = text.slice(0, start) + replaced + text.slice(end);
  }
  await writeFile(path, text);
}
