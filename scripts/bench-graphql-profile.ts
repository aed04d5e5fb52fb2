/**
 * `npx tsx scripts/bench-graphql-profile.ts [seconds]`: where a request's time goes. Serves the database
 * `npm run bench:graphql` indexed into `.dcrm/bench-graphql/` with the answer cache off, sends it the
 * marketer queries from autocannon in another process (`bench-graphql-load.mjs`) under a CPU profile of
 * the server's process, and prints the server's CPU time by stage (HTTP, yoga and its request parsing,
 * GraphQL parse and validate, cost limits, execution and resolvers, SQL building, PGlite, JSON) and its
 * most expensive functions. Writes the profile to `.dcrm/bench-graphql/server.cpuprofile` (Chrome
 * DevTools opens it).
 */
import { execFile } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { Session, type Profiler } from "node:inspector";
import { join } from "node:path";
import { promisify } from "node:util";

import { startGraphQLServer } from "../indexer/graphql/index.ts";
import { loadSubgraph } from "../indexer/manifest.ts";
import { NAMESPACE } from "../indexer/service.ts";
import { openDb } from "../indexer/store/open.ts";

const seconds = Number(process.argv[2] ?? 10);
const root = join(import.meta.dirname, "..");
const work = join(root, ".dcrm", "bench-graphql");
const state = JSON.parse(await readFile(join(work, "state.json"), "utf8")) as { variables: { storefront: string; token: string; shoppers: string[] } };
const db = await openDb(join(work, "db"));
const server = await startGraphQLServer({ schema: loadSubgraph(join(work, "build")).schema, db, namespace: NAMESPACE, subgraphName: "dcrm", port: 0, answerCache: false });

const queryDir = join(root, "subgraph", "queries");
const requests = [];
for (const file of (await readdir(queryDir)).filter((name) => name.endsWith(".graphql")).sort()) {
  const query = await readFile(join(queryDir, file), "utf8");
  requests.push({ query, variables: { shopper: state.variables.shoppers[0]!.toLowerCase(), storefront: state.variables.storefront.toLowerCase(), token: state.variables.token.toLowerCase() } });
}
// Variables a query does not declare are refused: give each only its own.
for (const request of requests) {
  request.variables = Object.fromEntries(Object.entries(request.variables).filter(([name]) => request.query.includes(`$${name}`))) as typeof request.variables;
}
const plan = join(work, "profile-plan.json");
await writeFile(plan, JSON.stringify({ url: server.url, connections: 50, seconds, requests }));

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object) => new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
await post("Profiler.enable");
await post("Profiler.setSamplingInterval", { interval: 500 });
await post("Profiler.start");
const { stdout } = await promisify(execFile)(process.execPath, [join(root, "scripts", "bench-graphql-load.mjs"), plan]);
const { profile } = await post<{ profile: Profiler.Profile }>("Profiler.stop");
await server.close();
await db.close();
await writeFile(join(work, "server.cpuprofile"), JSON.stringify(profile));
console.log(`load: ${stdout.trim()}`);

// Self time per function, and per stage by the innermost frame on the stack that names one.
const STAGES: [string, RegExp][] = [
  ["PGlite (query, WASM PostgreSQL)", /pglite|postgres\.wasm|wasm-function/i],
  ["cost limits", /graphql\/limits\.ts/],
  ["SQL building and rows to entities", /graphql\/(planner|filters|sql|interfacePlanner|batches|block)\.ts|store\/layout\.ts/],
  ["resolvers", /graphql\/resolvers\.ts/],
  ["GraphQL parse", /graphql\/language\//],
  ["GraphQL validate", /graphql\/validation\//],
  ["GraphQL execute", /graphql\/execution\/|graphql\/jsutils\//],
  ["yoga and envelop (request parsing, result processing)", /graphql-yoga|@envelop|@whatwg-node|@graphql-tools/],
  ["server.ts and answer cache", /graphql\/(server|answerCache)\.ts/],
];
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const selfUs = new Map<number, number>();
const deltas = profile.timeDeltas ?? [];
profile.samples?.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[index] ?? 0)));
const stageUs = new Map<string, number>();
const functionUs = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === "(idle)" || functionName === "(program)") continue;
  total += us;
  const name = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(root, "")}:${lineNumber + 1}`;
  functionUs.set(name, (functionUs.get(name) ?? 0) + us);
  let stage = functionName === "(garbage collector)" ? "garbage collection" : undefined;
  for (let at: number | undefined = id; stage === undefined && at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)!.callFrame;
    stage = STAGES.find(([, pattern]) => pattern.test(frame.url))?.[0];
  }
  stage ??= /^node:|^$/.test(url) ? "Node (HTTP, streams, timers)" : "other";
  stageUs.set(stage, (stageUs.get(stage) ?? 0) + us);
}
const share = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
console.log(`\nserver CPU busy ${(total / 1e6).toFixed(1)} s of ${seconds} s, by stage:`);
console.table([...stageUs].sort((a, b) => b[1] - a[1]).map(([stage, us]) => ({ stage, "CPU s": (us / 1e6).toFixed(2), share: share(us) })));
console.table([...functionUs].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([fn, us]) => ({ function: fn, share: share(us) })));
