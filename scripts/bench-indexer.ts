/**
 * `npm run bench:indexer`: how fast the local indexer indexes the dCRM subgraph and answers the marketer's
 * questions. Deploys on Hardhat's in-process network, sends two kinds of load (blocks of 100-shopper batch
 * issuances: many triggers per block; blocks of one issuance: per-block overhead), indexes them with the
 * built WASM, then times the seven queries of subgraph/README.md. Baselines from the same run: reading the
 * chain (eth_getLogs and blocks, what any indexer pays) and a trivial `_meta` query (the HTTP round trip).
 *
 * Needs subgraph/build/ (`npm run subgraph:build`; the script builds it when missing).
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { upgrades } from "@openzeppelin/hardhat-upgrades";
import hre from "hardhat";
import type { EIP1193Provider } from "viem";

import { resolveDeployConfig } from "../deploy/config.js";
import { deploySystem } from "../deploy/system.js";
import { startLocalIndexer } from "../indexer/service.ts";
import { retargetBuild } from "../subgraph/scripts/retarget.mjs";
import { readReadmeQueries } from "../test/subgraph/readmeQueries.js";

const BATCH_BLOCKS = Number(process.env.DCRM_BENCH_BATCH_BLOCKS ?? 100);
const BATCH_SIZE = 100;
const SINGLE_BLOCKS = Number(process.env.DCRM_BENCH_SINGLE_BLOCKS ?? 200);
const QUERY_RUNS = 20;

const root = hre.config.paths.root;
const subgraphBuild = join(root, "subgraph", "build");
if (!existsSync(join(subgraphBuild, "subgraph.yaml"))) {
  throw new Error("subgraph/build/ is missing: run `npm run subgraph:build` first");
}

const dir = await mkdtemp(join(tmpdir(), "dcrm-bench-indexer-"));
process.env.DCRM_DEPLOYMENTS_DIR = dir;
const connection = await hre.network.create();
const { ethers } = connection;
const signers = await ethers.getSigners();
const raw = JSON.parse(await readFile(join(root, "deploy", "config", "default.json"), "utf8")) as Record<string, unknown>;
const config = resolveDeployConfig("default.json", "default", raw, { accounts: signers.map((s) => s.address) });
const { deployment } = await deploySystem({
  ethers,
  upgradesApi: await upgrades(hre, connection),
  readAbi: async (name) => (await hre.artifacts.readArtifact(name)).abi,
  root,
  network: "default",
  config,
});
const contracts = deployment.contracts;
const token = (await ethers.getContractAt("RewardToken", contracts.RewardToken!.proxy)).connect(signers[1]!);

console.log(`bench:indexer: sending ${BATCH_BLOCKS} blocks of ${BATCH_SIZE}-shopper batches and ${SINGLE_BLOCKS} blocks of one issuance…`);
let orderId = 1n;
const shoppers = Array.from({ length: BATCH_BLOCKS * BATCH_SIZE }, () => ethers.Wallet.createRandom().address);
for (let block = 0; block < BATCH_BLOCKS; block++) {
  const batch = shoppers.slice(block * BATCH_SIZE, (block + 1) * BATCH_SIZE);
  const orderIds = batch.map(() => orderId++);
  await (await token.issueBatch(batch, orderIds, batch.map(() => 10n ** 18n))).wait();
}
for (let block = 0; block < SINGLE_BLOCKS; block++) {
  await (await token.issue(shoppers[block % shoppers.length]!, orderId++, 10n ** 18n)).wait();
}
const head = await ethers.provider.getBlockNumber();

const targets = Object.fromEntries(
  Object.entries(contracts).map(([name, c]) => [name, { address: c.proxy, startBlock: c.deploymentBlock }]),
);
const build = await retargetBuild(subgraphBuild, join(dir, "build"), targets, "hardhat");
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
await local.waitForBlock(head, 600_000);
const indexSeconds = (performance.now() - startedAt) / 1000 - startupSeconds;
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

const ms = (value: number) => `${(value / 1000).toFixed(2)} s`;
console.log(`\nbench:indexer: indexed ${head} blocks (${totals.blocksWithTriggers} with triggers), ${totals.triggers} triggers, ${shoppers.length} shoppers`);
console.table([
  { step: "start (PGlite, tables, WASM compiled)", time: `${startupSeconds.toFixed(2)} s`, "triggers/s": "" },
  { step: "indexing, start to head", time: `${indexSeconds.toFixed(2)} s`, "triggers/s": Math.round(totals.triggers / indexSeconds) },
  { step: "baseline: reading the chain", time: ms(totals.readMs), "triggers/s": "" },
  { step: "handlers (WASM)", time: ms(totals.handlerMs), "triggers/s": Math.round(totals.triggers / (totals.handlerMs / 1000)) },
  { step: "store commits", time: ms(totals.commitMs), "triggers/s": "" },
]);
console.log(`bench:indexer: the marketer's queries (${QUERY_RUNS} runs each after a warm-up) over ${shoppers.length} shoppers`);
console.table(queryRows);
