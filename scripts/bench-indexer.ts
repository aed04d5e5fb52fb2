/**
 * `npm run bench:indexer`: how fast the local indexer indexes the dCRM subgraph and answers the marketer's
 * questions. Deploys on Hardhat's in-process network and sends a realistic mix through all four contracts:
 * blocks of 100-shopper batch issuances and single issuances, redemptions, batches of referred sales, consents
 * granted and revoked, and batches of paid data accesses. Then indexes them with the built WASM, times the
 * queries of subgraph/README.md, and writes reports/indexer.json. Baselines from the same run: reading the chain
 * (eth_getLogs and blocks, what any indexer pays) and a trivial `_meta` query (the HTTP round trip).
 *
 * Needs subgraph/build/ (`npm run subgraph:build`; `npm run bench:indexer` builds it). DCRM_BENCH_SCALE scales
 * every kind of load (default 1: over 50,000 triggers).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";
import type { EIP1193Provider } from "viem";

import { startLocalIndexer } from "../indexer/service.ts";
import { retargetBuild } from "../subgraph/scripts/retarget.mjs";
import { readReadmeQueries } from "../test/subgraph/readmeQueries.js";
import { buildBenchChain } from "./bench-chain.ts";

const SCALE = Number(process.env.DCRM_BENCH_SCALE ?? 1);
const QUERY_RUNS = 20;
/**
 * The figures before this run's changes (indexer/README.md): the full load with snapshot isolation and timed
 * sections (load average 15), and a fifth of it with batched commits, profiled (load average 19).
 */
const PREVIOUS = {
  full: { eventsPerSecond: 92, events: 52_842, blocks: 2_508, cpuSeconds: 95.11, eventsPerCpuSecond: 556, peakRssMb: 1_691, split: { chainMs: 71_832, handlersMs: 289_865, storeMs: 215_011 }, loadAverage: 15.2 },
  fifth: { eventsPerSecond: 88, events: 10_580, blocks: 526, cpuSeconds: 30.72, eventsPerCpuSecond: 344, peakRssMb: 1_258, split: { chainMs: 5_114, handlersMs: 58_844, storeMs: 55_975 }, loadAverage: 19.1, note: "under the CPU profiler" },
};

const root = hre.config.paths.root;
const subgraphBuild = join(root, "subgraph", "build");
if (!existsSync(join(subgraphBuild, "subgraph.yaml"))) {
  throw new Error("subgraph/build/ is missing: run `npm run subgraph:build` first");
}

const dir = await mkdtemp(join(tmpdir(), "dcrm-bench-indexer-"));
const chain = await buildBenchChain(hre, SCALE, dir);
const { connection, head, targets } = chain;
const LOAD = chain.load;
const build = await retargetBuild(subgraphBuild, join(dir, "build"), targets, "hardhat");
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const cpuAtStart = process.cpuUsage();
const startedAt = performance.now();
const local = await startLocalIndexer({
  subgraph: build,
  rpcUrl: "hardhat in-process network",
  provider: connection.provider as unknown as EIP1193Provider,
  subgraphName: "dcrm",
  port: 0,
  pollInterval: 10,
  log: () => {},
});
const startupSeconds = (performance.now() - startedAt) / 1000;
const cpuAtIndexing = process.cpuUsage();
await local.waitForBlock(head, 600_000);
const indexCpu = process.cpuUsage(cpuAtIndexing);
const indexSeconds = (performance.now() - startedAt) / 1000 - startupSeconds;
clearInterval(sampler);
const cpu = process.cpuUsage(cpuAtStart);
const cacheStats = local.indexer.store.entityCacheStats;
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const totals = local.indexer.totals;

async function time(query: string, variables?: unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run <= QUERY_RUNS; run++) {
    const started = performance.now();
    const response = await fetch(local.server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (response.status !== 200 || body.errors) throw new Error(`query failed: ${JSON.stringify(body)}`);
    if (run > 0) samples.push(performance.now() - started); // run 0 warms up
  }
  return samples.sort((a, b) => a - b);
}
const percentile = (samples: number[], p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;

const queries = [
  { question: "baseline: { _meta { block { number } } }", query: "{ _meta { block { number } } }", variables: undefined as unknown },
  ...(await readReadmeQueries(join(root, "subgraph", "README.md"))).map((q) => ({
    question: q.title,
    query: q.query,
    variables: q.variables ? JSON.parse(q.variables) : undefined,
  })),
];
const queryRows = [];
for (const { question, query, variables } of queries) {
  const samples = await time(query, variables);
  queryRows.push({ question, "median ms": percentile(samples, 0.5).toFixed(1), "p95 ms": percentile(samples, 0.95).toFixed(1) });
}
await local.close();
await rm(dir, { recursive: true, force: true });

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
const ms = (value: number) => `${(value / 1000).toFixed(2)} s`;
const eventsPerSecond = Math.round(totals.triggers / indexSeconds);
const report = {
  eventsPerSecond,
  events: totals.triggers,
  blocks: head,
  blocksWithEvents: totals.blocksWithTriggers,
  indexSeconds: round2(indexSeconds),
  startupSeconds: round2(startupSeconds),
  // The machine is shared: CPU seconds the process got (start-up included) tell what wall time cannot.
  cpuSeconds: round2(cpuSeconds),
  eventsPerCpuSecond: Math.round(totals.triggers / cpuSeconds),
  // The same without start-up (PGlite's initdb, compiling the WASM): indexing alone.
  indexCpuSeconds: round2((indexCpu.user + indexCpu.system) / 1e6),
  eventsPerIndexCpuSecond: Math.round(totals.triggers / ((indexCpu.user + indexCpu.system) / 1e6)),
  loadAverage: Number(loadavg()[0]!.toFixed(1)),
  peakRssMb: Math.round(peakRss / 2 ** 20),
  peakRssNote: "resident memory of the whole process while indexing: the indexer, PGlite, and the Hardhat chain it reads",
  split: { chainMs: Math.round(totals.readMs), handlersMs: Math.round(totals.handlerMs), storeMs: Math.round(totals.commitMs) },
  // Handler reads (store.get, loadRelated) through the bounded cache: a miss reads the database.
  entityCache: cacheStats,
  load: LOAD,
  previous: PREVIOUS,
  target: { eventsPerSecond: 5_000, peakRssMb: 1_024 },
  queries: queryRows,
};
await mkdir(join(root, "reports"), { recursive: true });
// The memory run (`npm run bench:indexer:memory`) is kept beside these figures.
const previousReport = existsSync(join(root, "reports", "indexer.json")) ? JSON.parse(await readFile(join(root, "reports", "indexer.json"), "utf8")) : {};
if (previousReport.memoryRun) Object.assign(report, { memoryRun: previousReport.memoryRun });
await writeFile(join(root, "reports", "indexer.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nbench:indexer: indexed ${head} blocks (${totals.blocksWithTriggers} with triggers), ${totals.triggers} triggers, ${chain.shoppers} shoppers; wrote reports/indexer.json`);
console.table([
  { step: "start (PGlite, tables, WASM compiled)", time: `${startupSeconds.toFixed(2)} s`, "triggers/s": "" },
  { step: "indexing, start to head", time: `${indexSeconds.toFixed(2)} s`, "triggers/s": Math.round(totals.triggers / indexSeconds) },
  { step: "indexing, CPU time (load average " + report.loadAverage + ")", time: `${report.indexCpuSeconds.toFixed(2)} s`, "triggers/s": report.eventsPerIndexCpuSecond },
  { step: "baseline: reading the chain", time: ms(totals.readMs), "triggers/s": "" },
  { step: "handlers (WASM)", time: ms(totals.handlerMs), "triggers/s": Math.round(totals.triggers / (totals.handlerMs / 1000)) },
  { step: "store commits", time: ms(totals.commitMs), "triggers/s": "" },
  { step: "peak resident memory while indexing", time: `${report.peakRssMb} MB`, "triggers/s": "" },
]);
console.log(`bench:indexer: the marketer's queries (${QUERY_RUNS} runs each after a warm-up) over ${chain.shoppers} shoppers`);
console.table(queryRows);
