/**
 * `npx tsx scripts/bench-graphql-explain.ts [query.graphql…]`: the SQL each marketer query sends, with
 * PostgreSQL's plan and timing (`EXPLAIN ANALYZE`), over the database `npm run bench:graphql` indexed into
 * `.dcrm/bench-graphql/`. Prints the statements slowest first: where to look for a missing index or a
 * plan the planner handles badly.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import { startGraphQLServer } from "../indexer/graphql/index.ts";
import { loadSubgraph } from "../indexer/manifest.ts";
import { NAMESPACE } from "../indexer/service.ts";
import type { Db } from "../indexer/store/db.ts";
import { openDb } from "../indexer/store/open.ts";

const root = join(import.meta.dirname, "..");
const work = join(root, ".dcrm", "bench-graphql");
const state = JSON.parse(await readFile(join(work, "state.json"), "utf8")) as { variables: { storefront: string; token: string; shoppers: string[] } };
const opened = await openDb(join(work, "db"));
const statements: { sql: string; params: unknown[] }[] = [];
const db: Db = { ...opened, query: (sql, params) => (statements.push({ sql, params: params ?? [] }), opened.query(sql, params)) };
const server = await startGraphQLServer({ schema: loadSubgraph(join(work, "build")).schema, db, namespace: NAMESPACE, subgraphName: "dcrm", port: 0, answerCache: false });

const queryDir = join(root, "subgraph", "queries");
const files = process.argv.slice(2).length ? process.argv.slice(2) : (await readdir(queryDir)).filter((file) => file.endsWith(".graphql"));
const rows: { file: string; ms: number; sql: string; plan: string }[] = [];
for (const file of files) {
  const query = await readFile(join(queryDir, file), "utf8");
  const variables = {
    shopper: state.variables.shoppers[0]!.toLowerCase(),
    storefront: state.variables.storefront.toLowerCase(),
    token: state.variables.token.toLowerCase(),
  };
  statements.length = 0;
  const started = performance.now();
  const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  await response.text();
  console.log(`${file}: ${(performance.now() - started).toFixed(1)} ms over HTTP, ${statements.length} statements`);
  for (const { sql, params } of [...statements]) {
    const { rows: plan } = await opened.query<{ "QUERY PLAN": string }>(`EXPLAIN ANALYZE ${sql}`, params);
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    const ms = Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? 0);
    rows.push({ file, ms, sql, plan: text });
  }
}
rows.sort((a, b) => b.ms - a.ms);
for (const row of rows.slice(0, Number(process.env.TOP ?? 8))) {
  console.log(`\n── ${row.file}: ${row.ms} ms\n${row.sql}\n${row.plan}`);
}
await server.close();
await opened.close();
