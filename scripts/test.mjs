#!/usr/bin/env node
// `npm test`: every test of the project, then one closing line `N passed, N failed` summed from the real
// runners' own counts. Runs on the bundled Node 22 (see scripts/bootstrap.mjs).
import { spawn } from "node:child_process";

/** Each step: a command and how to read its pass/fail counts from its output. */
const steps = [
  {
    name: "compile contracts and generate TypeChain types",
    command: ["hardhat", "build"],
    counts: () => ({ passed: 0, failed: 0 }),
  },
  {
    name: "SDK generation (@wagmi/cli ABIs and hooks, typed errors) from the artifacts",
    command: ["node", "sdk/scripts/generate.mjs"],
    // Generation: a failure fails the run; a clean run adds no count.
    counts: () => ({ passed: 0, failed: 0 }),
  },
  {
    name: "typecheck",
    command: ["tsc", "--noEmit", "-p", "tsconfig.json"],
    // A type error fails the run; it is not a test, so a clean check adds no count.
    counts: () => ({ passed: 0, failed: 0 }),
  },
  {
    name: "subgraph (graph codegen and graph build offline)",
    command: ["node", "subgraph/scripts/build.mjs"],
    // A build: a failure fails the run; a clean build adds no count.
    counts: () => ({ passed: 0, failed: 0 }),
  },
  {
    name: "local indexer (vitest: manifest, chain source on anvil, WASM host, store on PGlite and PostgreSQL, GraphQL over HTTP)",
    command: ["vitest", "run", "--project", "indexer"],
    counts: vitestCounts,
  },
  {
    name: "SDK (vitest: every action, typed errors, hooks in a React tree, marketer queries; anvil with the system deployed by hardhat deploy)",
    command: ["vitest", "run", "--project", "sdk"],
    counts: vitestCounts,
  },
  {
    name: "contracts and subgraph (Solidity fuzz and invariant tests; Mocha + ethers tests; the subgraph in the local indexer)",
    command: ["hardhat", "test"],
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

function run(command) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"], shell: process.platform === "win32" });
    let output = "";
    const collect = (stream, sink) =>
      stream.on("data", (chunk) => {
        sink.write(chunk);
        output += chunk.toString();
      });
    collect(child.stdout, process.stdout);
    collect(child.stderr, process.stderr);
    child.on("error", (error) => resolve({ code: 127, output: `${output}\n${error.message}` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

const stripColors = (text) => text.replace(/\u001b\[[0-9;]*m/g, "");

let passed = 0;
let failed = 0;
for (const step of steps) {
  console.log(`\n▶ ${step.name}: ${step.command.join(" ")}`);
  const { code, output } = await run(step.command);
  const counts = step.counts(stripColors(output));
  // A runner that failed without counting a failure (a crash, a compile or type error) is one failure.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  passed += counts.passed;
  failed += counts.failed;
  console.log(`◀ ${step.name}: exit ${code}, ${counts.passed} passed, ${counts.failed} failed`);
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
