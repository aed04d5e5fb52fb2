/**
 * The marketer's questions as subgraph/README.md documents them: each `### N.` section under "The marketer's
 * questions" holds a ```graphql query, optionally a ```json block after a line `Variables:`, and a ```json
 * block after a line `Output:`, the answer of a real run.
 */
import { readFile, writeFile } from "node:fs/promises";

export interface ReadmeQuery {
  title: string;
  query: string;
  variables?: string;
  output?: string;
}

const SECTION = /^### (\d+\. .+)$/gm;
const BLOCK = /(?:^(Variables|Output):\s*\n\n?)?^```(graphql|json)\n([\s\S]*?)^```$/gm;

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
  return sectionsOf(text).map(({ title, start, end }) => {
    const entry: ReadmeQuery = { title, query: "" };
    for (const block of text.slice(start, end).matchAll(BLOCK)) {
      const [, label, language, body] = block;
      if (language === "graphql" && !entry.query) entry.query = body!;
      else if (label === "Variables") entry.variables = body!.trim();
      else if (label === "Output") entry.output = body!.trim();
    }
    if (!entry.query) throw new Error(`README section "${title}" has no graphql query`);
    return entry;
  });
}

/** Replaces each section's `Output:` block with `outputs[i]` (sections in order). */
export async function writeReadmeOutputs(path: string, outputs: string[]): Promise<void> {
  let text = await readFile(path, "utf8");
  const sections = sectionsOf(text);
  if (sections.length !== outputs.length) throw new Error(`${sections.length} README sections, ${outputs.length} outputs`);
  // From the last section back, so earlier offsets stay valid.
  for (let i = sections.length - 1; i >= 0; i--) {
    const { start, end, title } = sections[i]!;
    const body = text.slice(start, end);
    const block = /^Output:\s*\n\n?```json\n[\s\S]*?^```$/m;
    if (!block.test(body)) throw new Error(`README section "${title}" has no Output: block to replace`);
    // A function, so that `$` in an answer is not read as a replacement pattern.
    const replaced = body.replace(block, () => `Output:\n\n\`\`\`json\n${outputs[i]}\n\`\`\``);
    text = text.slice(0, start) + replaced + text.slice(end);
  }
  await writeFile(path, text);
}
