#!/usr/bin/env node
// `npm run bench:start`: how long `npm start` (dcrm start) takes until a marketer's query answers on demo data,
// written to reports/start.json with its targets:
//   fresh    dependencies installed, nothing built: contracts, TypeChain types, the subgraph, the SDK's build and
//            its transpiled copy (node_modules/.cache/dcrm) are deleted first, and the data directory is new (so
//            the demo history is written); target 90 s;
//   restart  the same stack stopped with SIGINT and started again (chain and index resumed); target 20 s.
// Measured until the stack says it is ready (the demo history written and indexed) and the query
// subgraph/queries/topShoppers.graphql answers with at least one shopper. Ports are free ones,
// the data and deployment records go to a temporary folder; `-- --keep-builds` measures a fresh data directory
// without deleting the builds.
// Where the time goes: each progress line is kept with the time it appeared, and the CPU that the start's
// processes used in each phase is set beside how busy the whole machine was (scripts/bench-start-usage.mjs):
// a phase far below a core while the machine is busy waited for other programs. The full timed output of each
// run is written to reports/start-<fresh|restart>.log as it comes (not committed); the figures replaced are kept as
// `previous`.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { phaseUsage, sampleUsage, usageBetween } from "./bench-start-usage.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const reportFile = join(root, "reports", "start.json");
const keepBuilds = process.argv.includes("--keep-builds");
const TARGETS = { fresh: 90, restart: 20 };
const LIMIT_S = 1_800;

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const base = mkdtempSync(join(tmpdir(), "dcrm-bench-start-"));
const [rpcPort, graphqlPort, appPort] = [await freePort(), await freePort(), await freePort()];
const endpoint = `http://127.0.0.1:${graphqlPort}/subgraphs/name/dcrm`;
const query = readFileSync(join(root, "subgraph", "queries", "topShoppers.graphql"), "utf8");
const env = { ...process.env, DCRM_DATA_DIR: join(base, "data"), DCRM_DEPLOYMENTS_DIR: join(base, "deployments"), DCRM_PORT: String(rpcPort), DCRM_GRAPHQL_PORT: String(graphqlPort), DCRM_APP_PORT: String(appPort) };

async function answered() {
  try {
    const response = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }), signal: AbortSignal.timeout(5_000) });
    const body = await response.json();
    return Object.values(body.data ?? {}).some((rows) => Array.isArray(rows) && rows.length > 0);
  } catch {
    return false;
  }
}

/** Starts the stack; resolves with the seconds until the query answered, and the running child. */
async function measure(label) {
  const began = Date.now();
  const child = spawn(process.execPath, [join(root, "cli", "bin.mjs"), "start"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const usage = sampleUsage(child.pid, { began });
  const load = loadavg()[0];
  /** Every output line with the seconds since the start when it appeared. */
  const lines = [];
  let partial = "";
  const logFile = join(root, "reports", `start-${label}.log`);
  writeFileSync(logFile, "");
  const take = (chunk) => {
    const t = (Date.now() - began) / 1000;
    const parts = (partial + chunk).split("\n");
    partial = parts.pop();
    for (const line of parts) {
      lines.push({ t, line });
      appendFileSync(logFile, `${t.toFixed(1).padStart(6)} s  ${line}\n`);
    }
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  const said = (text) => lines.some(({ line }) => line.includes(text));
  const tail = () => lines.slice(-40).map(({ line }) => line).join("\n");
  while (!said("start: ready") || !(await answered())) {
    if (child.exitCode !== null) throw new Error(`bench:start: ${label}: dcrm start exited (${child.exitCode}):\n${tail()}`);
    if (Date.now() - began > LIMIT_S * 1000) {
      child.kill("SIGINT");
      throw new Error(`bench:start: ${label}: no answer within ${LIMIT_S} s:\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const seconds = (Date.now() - began) / 1000;
  const samples = usage.stop();
  const cores = cpus().length;
  const phases = phaseUsage(lines, samples, cores);
  const whole = usageBetween(samples, 0, seconds, cores);
  console.log(`bench:start: ${label}: ${seconds.toFixed(1)} s (target ${TARGETS[label]} s), load average ${load.toFixed(1)} at its start`);
  if (whole) console.log(`  the start's processes used ${whole.cpuSeconds} CPU s (${Math.round(whole.startShare * 100)}% of ${cores} cores); the machine was ${Math.round((whole.machineBusy ?? 0) * 100)}% busy`);
  for (const phase of phases) {
    const share = phase.startShare === undefined ? "" : `  [${phase.cpuSeconds} CPU s, ${Math.round(phase.startShare * 100)}% of the cores; machine ${Math.round((phase.machineBusy ?? 0) * 100)}% busy]`;
    console.log(`  ${phase.endsAt.toFixed(1).padStart(6)} s  ${phase.phase}${share}`);
  }
  return { seconds, child, phases, loadAverage1m: Number(load.toFixed(2)), usage: whole };
}

async function stop(child) {
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGINT");
  const code = await exited;
  if (code !== 0) throw new Error(`bench:start: dcrm start exited ${code} on SIGINT`);
}

try {
  if (!keepBuilds) {
    for (const path of ["artifacts", "types", "cache", "subgraph/build", "subgraph/generated", "sdk/dist", "sdk/src/generated", "node_modules/.cache/dcrm"]) rmSync(join(root, path), { recursive: true, force: true });
    console.log("bench:start: deleted the contracts' artifacts and types, the subgraph build, the SDK's build and the commands' transpiled SDK");
  }
  const fresh = await measure("fresh");
  await stop(fresh.child);
  const restart = await measure("restart");
  await stop(restart.child);
  const earlier = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, "utf8")) : undefined;
  const figures = (run) => ({ seconds: Number(run.seconds.toFixed(1)), loadAverage1m: run.loadAverage1m, usage: run.usage, phases: run.phases });
  const report = {
    measured: new Date().toISOString(),
    machine: { cpus: cpus().length },
    query: "subgraph/queries/topShoppers.graphql, at least one shopper, after `start: ready`",
    fresh: { target: TARGETS.fresh, buildsDeleted: !keepBuilds, ...figures(fresh) },
    restart: { target: TARGETS.restart, ...figures(restart) },
    previous: earlier && {
      measured: earlier.measured,
      fresh: earlier.fresh?.seconds,
      restart: earlier.restart?.seconds,
      loadAverage1m: earlier.fresh?.loadAverage1m ?? earlier.machine?.loadAverage1m,
    },
  };
  writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  console.log("bench:start: wrote reports/start.json");
  const over = ["fresh", "restart"].filter((label) => report[label].seconds > report[label].target);
  if (over.length > 0) {
    console.log(`bench:start: over target: ${over.join(", ")}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
