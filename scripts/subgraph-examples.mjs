#!/usr/bin/env node
// `npm run subgraph:examples`: rewrites the marketer's queries in subgraph/README.md from their files in
// subgraph/queries/, and their outputs from a real run: the subgraph test (test/subgraph/localIndexer.ts) sends
// its scenario, indexes it with the local indexer and, with DCRM_UPDATE_QUERY_OUTPUTS=1, writes each query's
// text and answer instead of comparing.
import { spawnSync } from "node:child_process";

const build = spawnSync("node", ["subgraph/scripts/build.mjs"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync("hardhat", ["test", "mocha", "test/subgraph/localIndexer.ts"], {
  stdio: "inherit",
  env: { ...process.env, DCRM_UPDATE_QUERY_OUTPUTS: "1" },
});
if (run.status === 0) console.log("subgraph:examples: subgraph/README.md queries and outputs rewritten; review them with git diff");
process.exit(run.status ?? 1);
