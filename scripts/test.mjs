#!/usr/bin/env node
// `npm test`: every test of the project, then one closing line `N passed, N failed` summed from the real
// runners' own counts. Runs on the bundled Node 22 (see scripts/bootstrap.mjs).
//
// No step can hang the run: each has a time limit and a silence limit (no output for that long). A step
// that passes either is stopped with its whole process tree, counted as a failure, and named with its last
// lines of output; the steps after it still run. DCRM_STEP_SILENCE_MINUTES changes the silence limit
// (default 15); the runners' own per-test, per-hook and per-file limits fire long before these.
import { spawn } from "node:child_process";

const SILENCE_MS = Number(process.env.DCRM_STEP_SILENCE_MINUTES ?? 15) * 60_000;

/** Each step: a command and how to read its pass/fail counts from its output. */
const steps = [
  {
    name: "compile contracts and generate TypeChain types",
    command: ["hardhat", "build"],
    limitMinutes: 20,
    counts: () => ({ passed: 0, failed: 0 }),
  },
  {
    name: "SDK generation (@wagmi/cli ABIs and hooks, typed errors) from the artifacts",
    command: ["node", "sdk/scripts/generate.mjs"],
    limitMinutes: 10,
    // Generation: a failure fails the run; a clean run adds no count.
    counts: () => ({ passed: 0, failed: 0 }),
  },
  {
    name: "typecheck",
    command: ["tsc", "--noEmit", "-p", "tsconfig.json"],
    limitMinutes: 10,
    // A type error fails the run; it is not a test, so a clean check adds no count.
    counts: () => ({ passed: 0, failed: 0 }),
  },
  {
    name: "typecheck of what Node runs as it is (erasable TypeScript only: cli/, indexer/)",
    command: ["tsc", "--noEmit", "-p", "tsconfig.node.json"],
    limitMinutes: 10,
    counts: () => ({ passed: 0, failed: 0 }),
  },
  {
    name: "subgraph (graph codegen and graph build offline)",
    command: ["node", "subgraph/scripts/build.mjs"],
    limitMinutes: 10,
    // A build: a failure fails the run; a clean build adds no count.
    counts: () => ({ passed: 0, failed: 0 }),
  },
  {
    name: "local indexer and scripts (vitest: manifest, chain source on anvil, WASM host, store on PGlite and PostgreSQL, GraphQL over HTTP)",
    command: ["vitest", "run", "--project", "indexer"],
    limitMinutes: 30,
    counts: vitestCounts,
  },
  {
    name: "SDK (vitest: every action, typed errors, hooks in a React tree, marketer queries; anvil with the system deployed by hardhat deploy)",
    command: ["vitest", "run", "--project", "sdk"],
    limitMinutes: 20,
    counts: vitestCounts,
  },
  {
    name: "dashboard build (npm run app:build: the SDK when missing, typecheck, vite build)",
    command: ["node", "app/scripts/build.mjs"],
    limitMinutes: 10,
    counts: () => ({ passed: 0, failed: 0 }),
  },
  {
    name: "dashboard components (vitest + happy-dom: formatting, errors, CSV, chart rows, states, actions, chart cards)",
    command: ["vitest", "run", "--project", "app"],
    limitMinutes: 10,
    counts: vitestCounts,
  },
  {
    name: "dashboard end to end (headless Chromium against `dcrm start` with demo data: consent, redeem, claim, refund, charts, axe-core, screenshots)",
    command: ["vitest", "run", "--project", "app-e2e"],
    limitMinutes: 30,
    counts: vitestCounts,
  },
  {
    name: "contracts and subgraph (Solidity fuzz and invariant tests; Mocha + ethers tests; the subgraph in the local indexer)",
    command: ["hardhat", "test"],
    limitMinutes: 40,
    counts: (output) => ({
      passed: lastNumber(output, /^(\d+) passing\b/gm),
      failed: lastNumber(output, /^(\d+) failing\b/gm),
    }),
  },
];

function vitestCounts(output) {
  const line = [...output.matchAll(/^\s*Tests\s+(.*)$/gm)].pop()?.[1] ?? "";
  return { passed: Number(line.match(/(\d+) passed/)?.[1] ?? 0), failed: Number(line.match(/(\d+) failed/)?.[1] ?? 0) };
}

function lastNumber(output, pattern) {
  const matches = [...output.matchAll(pattern)];
  return matches.length === 0 ? 0 : Number(matches[matches.length - 1][1]);
}

/** Runs one step in its own process group, so that a step stopped by a limit leaves no process behind. */
function run(step) {
  const { command } = step;
  const limitMs = step.limitMinutes * 60_000;
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"], shell: process.platform === "win32", detached: process.platform !== "win32" });
    let output = "";
    let stoppedFor;
    const stop = (reason) => {
      if (stoppedFor) return;
      stoppedFor = reason;
      const lastLines = stripColors(output).trimEnd().split("\n").slice(-15).join("\n");
      console.error(`\n✗ ${step.name}: ${reason}; stopping it. Its last lines:\n${lastLines}\n`);
      killTree(child, "SIGTERM");
      setTimeout(() => killTree(child, "SIGKILL"), 10_000).unref();
    };
    const limit = setTimeout(() => stop(`still running after ${step.limitMinutes} min`), limitMs);
    let silence = setTimeout(() => stop(`no output for ${SILENCE_MS / 60_000} min`), SILENCE_MS);
    const collect = (stream, sink) =>
      stream.on("data", (chunk) => {
        sink.write(chunk);
        output += chunk.toString();
        clearTimeout(silence);
        silence = setTimeout(() => stop(`no output for ${SILENCE_MS / 60_000} min`), SILENCE_MS);
      });
    collect(child.stdout, process.stdout);
    collect(child.stderr, process.stderr);
    const done = (result) => {
      clearTimeout(limit);
      clearTimeout(silence);
      resolve(result);
    };
    child.on("error", (error) => done({ code: 127, output: `${output}\n${error.message}` }));
    child.on("close", (code) => done({ code: stoppedFor ? 124 : (code ?? 1), output, stoppedFor }));
  });
}

function killTree(child, signal) {
  try {
    if (process.platform === "win32") child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

const stripColors = (text) => text.replace(/\u001b\[[0-9;]*m/g, "");

let passed = 0;
let failed = 0;
for (const step of steps) {
  console.log(`\n▶ ${step.name}: ${step.command.join(" ")}`);
  const startedAt = Date.now();
  const { code, output } = await run(step);
  const counts = step.counts(stripColors(output));
  // A runner that failed without counting a failure (a crash, a compile or type error) is one failure.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  passed += counts.passed;
  failed += counts.failed;
  const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1);
  console.log(`◀ ${step.name}: exit ${code}, ${counts.passed} passed, ${counts.failed} failed (${minutes} min)`);
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
