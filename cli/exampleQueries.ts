/** The marketer's questions in subgraph/queries/*.graphql, opened in GraphiQL's tabs. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { ExampleQuery } from "../indexer/graphql/index.ts";
import { root } from "./paths.ts";

export function marketerQueries(dir = join(root, "subgraph", "queries")): ExampleQuery[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(".graphql"))
    .sort()
    .map((file) => ({ name: file.slice(0, -".graphql".length), query: readFileSync(join(dir, file), "utf8").trim() }));
}
