/**
 * `npm run bench:graphql`: the local indexer's GraphQL endpoint under load. Builds the benchmark chain
 * (`bench-chain.ts`, the one `bench:indexer` indexes), indexes it with the built WASM into a PGlite
 * directory, then serves it and sends, from a separate process (`bench-graphql-load.mjs`, autocannon), 50
 * concurrent clients for 20 s of: `{ _meta { block { number } } }` alone (the baseline of the run: HTTP,
 * yoga, one read of `_meta`), the marketer queries of `subgraph/queries/` cycled, and the same with the
 * answer cache off. Writes reports/graphql.json.
 *
 * DCRM_BENCH_SCALE scales the chain (default 1: over 100,000 entities). The indexed database is kept in
 * `.dcrm/bench-graphql/` (outside git); DCRM_BENCH_REUSE=1 serves it again instead of rebuilding it.
 * DCRM_BENCH_SECONDS and DCRM_BENCH_CLIENTS change the load (default 20 s, 50 clients).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import hre from "hardhat";
import type { EIP1193Provider } from "viem";

import { startGraphQLServer, watchWrites, type GraphQLServer } from "../indexer/graphql/index.ts";
import { loadSubgraph } from "../indexer/manifest.ts";
import { NAMESPACE, startLocalIndexer } from "../indexer/service.ts";
import type { Db } from "../indexer/store/db.ts";
import { aggregationTable, createTablesSql, entityTable, quote } from "../indexer/store/layout.ts";
import { buildAttributeIndexes } from "../indexer/store/attributeIndexes.ts";
import { openDb } from "../indexer/store/open.ts";
import { PlannerStatistics } from "../indexer/store/plannerStatistics.ts";
import { retargetBuild } from "../subgraph/scripts/retarget.mjs";
import { buildBenchChain } from "./bench-chain.ts";

const SCALE = Number(process.env.DCRM_BENCH_SCALE ?? 1);
const SECONDS = Number(process.env.DCRM_BENCH_SECONDS ?? 20);
const CLIENTS = Number(process.env.DCRM_BENCH_CLIENTS ?? 50);
const REUSE = process.env.DCRM_BENCH_REUSE === "1";
const TARGET = { requestsPerSecond: 1_000, p99Ms: 50, errors: 0, entities: 100_000 };
/** Before issue 19 (indexer/README.md): 10,000 shoppers, about 31,000 entities, the same machine. */
const PREVIOUS = {
  entities: 31_000,
  marketer: { requestsPerSecond: 354, p50Ms: 127, p99Ms: 231, errors: 0 },
  meta: { requestsPerSecond: 818, p99Ms: 98, errors: 0 },
};
const META_QUERY = "{ _meta { block { number } } }";

const root = hre.config.paths.root;
const subgraphBuild = join(root, "subgraph", "build");
if (!existsSync(join(subgraphBuild, "subgraph.yaml"))) throw new Error("subgraph/build/ is missing: run `npm run subgraph:build` first");
const work = join(root, ".dcrm", "bench-graphql");
const database = join(work, "db");
const build = join(work, "build");
const statePath = join(work, "state.json");

interface BenchState {
  scale: number;
  head: number;
  shoppers: number;
  indexSeconds: number;
  variables: { storefront: string; token: string; shoppers: string[] };
}

async function prepare(): Promise<BenchState> {
  if (REUSE && existsSync(statePath)) {
    const state = JSON.parse(await readFile(statePath, "utf8")) as BenchState;
    if (state.scale === SCALE) {
      console.log(`bench:graphql: serving the database indexed before (${work}, scale ${SCALE})`);
      return state;
    }
  }
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const chain = await buildBenchChain(hre, SCALE, work);
  await retargetBuild(subgraphBuild, build, chain.targets, "hardhat");
  console.log(`bench:graphql: indexing ${chain.head} blocks…`);
  const startedAt = performance.now();
  const local = await startLocalIndexer({
    subgraph: build,
    rpcUrl: "hardhat in-process network",
    provider: chain.connection.provider as unknown as EIP1193Provider,
    subgraphName: "dcrm",
    database,
    fresh: true,
    port: 0,
    pollInterval: 10,
    log: () => {},
  });
  await local.waitForBlock(chain.head, 3_600_000);
  const indexSeconds = (performance.now() - startedAt) / 1000;
  await local.close();
  const state: BenchState = {
    scale: SCALE,
    head: chain.head,
    shoppers: chain.shoppers,
    indexSeconds: Math.round(indexSeconds),
    variables: { storefront: chain.addresses.storefront, token: chain.addresses.referralToken, shoppers: chain.addresses.redeemingShoppers },
  };
  await writeFile(statePath, `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

/** Current entities of every entity type (timeseries points included), and aggregation buckets apart. */
async function countEntities(db: Db): Promise<{ entities: number; aggregationBuckets: number }> {
  const { schema } = loadSubgraph(build);
  let entities = 0;
  let aggregationBuckets = 0;
  for (const entity of schema.entities.values()) {
    const tables = entity.aggregation ? entity.aggregation.intervals.map((interval) => aggregationTable(entity, interval)) : [entityTable(entity)];
    for (const table of tables) {
      const { rows } = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${quote(NAMESPACE)}.${quote(table)} WHERE block_end IS NULL`);
      if (entity.aggregation) aggregationBuckets += Number(rows[0]!.n);
      else entities += Number(rows[0]!.n);
    }
  }
  return { entities, aggregationBuckets };
}

interface LoadFigures {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  errorSplit: Record<string, number>;
  seconds: number;
}

/** Runs the load generator in its own process against `url`; the load average is read as it ends. */
async function load(url: string, requests: { query: string; variables?: unknown }[]): Promise<LoadFigures & { loadAverage: number }> {
  const plan = join(work, "plan.json");
  await writeFile(plan, JSON.stringify({ url, connections: CLIENTS, seconds: SECONDS, requests }));
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, "scripts", "bench-graphql-load.mjs"), plan], { maxBuffer: 1 << 20 });
  return { ...(JSON.parse(stdout.trim().split("\n").at(-1)!) as LoadFigures), loadAverage: Number(loadavg()[0]!.toFixed(1)) };
}

/** Every request answers 200 without errors before it is timed. */
async function check(url: string, requests: { name: string; query: string; variables?: unknown }[]): Promise<void> {
  for (const { name, query, variables } of requests) {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    const body = await response.text();
    if (response.status !== 200 || body.includes('"errors"')) throw new Error(`bench:graphql: ${name} failed (${response.status}): ${body.slice(0, 500)}`);
  }
}

const state = await prepare();
const queryDir = join(root, "subgraph", "queries");
const files = (await readdir(queryDir)).filter((file) => file.endsWith(".graphql")).sort();
const marketer = await Promise.all(
  files.map(async (file) => {
    const query = await readFile(join(queryDir, file), "utf8");
    const variables: Record<string, unknown> = {};
    if (query.includes("$shopper")) variables.shopper = state.variables.shoppers[0]!.toLowerCase();
    if (query.includes("$storefront")) variables.storefront = state.variables.storefront.toLowerCase();
    if (query.includes("$token")) variables.token = state.variables.token.toLowerCase();
    return { name: file, query, variables: Object.keys(variables).length ? variables : undefined };
  }),
);
// One shopper's history for each shopper who redeemed: as many answers as shoppers, not one.
const marketerCycle = [
  ...marketer.filter((q) => !q.query.includes("$shopper")),
  ...state.variables.shoppers.map((shopper) => ({ ...marketer.find((q) => q.query.includes("$shopper"))!, variables: { shopper: shopper.toLowerCase() } })),
];

const db = await openDb(database);
const { schema } = loadSubgraph(build);
// The tables' indexes as this version of the store makes them (a database indexed before gains new ones),
// with the attribute indexes and planner statistics the indexer makes once it has caught up (the indexing
// above may have stopped before it finished them).
await db.exec(createTablesSql(schema, NAMESPACE));
await buildAttributeIndexes(db, schema, NAMESPACE, { log: (line) => console.log(`bench:graphql: ${line}`) });
const statistics = new PlannerStatistics(db, NAMESPACE);
await statistics.analyze(await statistics.tables());
const counts = await countEntities(db);
// Composed as the local indexer composes them (`indexer/service.ts`); no block arrives while the load runs.
const watched = watchWrites(db);
const serve = (answerCache: boolean): Promise<GraphQLServer> =>
  startGraphQLServer({ schema, db, namespace: NAMESPACE, subgraphName: "dcrm", port: 0, answerCache: answerCache ? undefined : false, storeVersion: watched.version });
const cached = await serve(true);
const uncached = await serve(false);
await check(cached.url, [{ name: "_meta", query: META_QUERY }, ...marketer]);
await check(uncached.url, marketer);

console.log(`bench:graphql: ${counts.entities} entities; ${CLIENTS} clients for ${SECONDS} s each: _meta, the marketer queries, the same without the answer cache…`);
const meta = await load(cached.url, [{ query: META_QUERY }]);
const marketerFigures = await load(cached.url, marketerCycle);
const uncachedFigures = await load(uncached.url, marketerCycle);
await cached.close();
await uncached.close();
await db.close();

const met = (figures: LoadFigures) => ({
  requestsPerSecond: figures.requestsPerSecond >= TARGET.requestsPerSecond,
  p99Ms: figures.p99Ms <= TARGET.p99Ms,
  errors: figures.errors <= TARGET.errors,
});
const report = {
  entities: counts.entities,
  aggregationBuckets: counts.aggregationBuckets,
  blocks: state.head,
  shoppers: state.shoppers,
  clients: CLIENTS,
  seconds: SECONDS,
  loadGenerator: "autocannon in a separate process on the same machine",
  loadAverageNote: "1-minute load average of the shared 2-core machine when each run ended",
  baseline: { query: META_QUERY, ...meta, met: met(meta) },
  marketer: {
    queries: files,
    cycle: `${marketerCycle.length} requests per client cycle: each query once, shopperHistory once for each of ${state.variables.shoppers.length} shoppers`,
    ...marketerFigures,
    met: met(marketerFigures),
  },
  marketerWithoutAnswerCache: { ...uncachedFigures, met: met(uncachedFigures) },
  target: TARGET,
  entitiesMet: counts.entities >= TARGET.entities,
  previous: PREVIOUS,
};
await mkdir(join(root, "reports"), { recursive: true });
await writeFile(join(root, "reports", "graphql.json"), `${JSON.stringify(report, null, 2)}\n`);
const row = (name: string, f: LoadFigures & { loadAverage: number }) => ({ run: name, "req/s": f.requestsPerSecond, "p50 ms": f.p50Ms, "p99 ms": f.p99Ms, errors: f.errors, "load avg": f.loadAverage });
console.log(`bench:graphql: ${counts.entities} entities (${counts.aggregationBuckets} aggregation buckets besides) over ${state.head} blocks; wrote reports/graphql.json`);
console.table([row("baseline: _meta", meta), row("marketer queries", marketerFigures), row("marketer, answer cache off", uncachedFigures)]);
