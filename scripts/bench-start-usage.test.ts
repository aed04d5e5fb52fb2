/**
 * How bench:start splits a start's time: CPU of a process tree from /proc's stat lines, and each progress
 * line's phase set beside the CPU used and the machine's load over its span.
 */
import { spawn } from "node:child_process";

import { describe, expect, it } from "vitest";

import { parseMachineStat, parseProcStat, phaseUsage, readProcessTable, treeCpuSeconds, usageBetween } from "./bench-start-usage.mjs";

describe("bench:start usage", () => {
  it("reads a process's parent and its CPU ticks with its children's, whatever its name holds", () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    const line = "4242 (node (x) y) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 11 0";
    expect(parseProcStat(line)).toEqual({ ppid: 17, ticks: 350 });
  });

  it("sums a tree's CPU and leaves out processes outside it", () => {
    const table = new Map([
      [1, { ppid: 0, ticks: 10_000 }],
      [10, { ppid: 1, ticks: 100 }],
      [11, { ppid: 10, ticks: 250 }],
      [12, { ppid: 11, ticks: 50 }],
      [20, { ppid: 1, ticks: 900 }],
    ]);
    expect(treeCpuSeconds(table, 10)).toBe(4);
    expect(treeCpuSeconds(table, 99)).toBe(0);
  });

  it("reads the machine's busy and total ticks", () => {
    expect(parseMachineStat("cpu  100 5 45 800 50 0 0 0 0 0\ncpu0 1 2 3 4\n")).toEqual({ busy: 150, total: 1000 });
  });

  it("sets each timed progress line beside the CPU used and the machine's load over its span", () => {
    const samples = [
      { t: 0, cpu: 0, busy: 0, total: 0 },
      { t: 5, cpu: 1, busy: 500, total: 1000 },
      { t: 10, cpu: 9, busy: 1500, total: 2000 },
    ];
    const lines = [
      { t: 1, line: "start: starting the local node…" },
      { t: 5, line: "start: node up at block 0 (5.0 s)" },
      { t: 10, line: "start: contracts ready (5.0 s)" },
    ];
    expect(phaseUsage(lines, samples, 2)).toEqual([
      { phase: "node up at block 0 (5.0 s)", endsAt: 5, cpuSeconds: 1, startShare: 0.1, machineBusy: 0.5 },
      { phase: "contracts ready (5.0 s)", endsAt: 10, cpuSeconds: 8, startShare: 0.8, machineBusy: 1 },
    ]);
    expect(usageBetween(samples, 3, 3, 2)).toBeUndefined();
  });

  it.runIf(process.platform === "linux")("finds a running child in the process table, below this process", async () => {
    const child = spawn(process.execPath, ["-e", "const end = Date.now() + 300; while (Date.now() < end);"]);
    await new Promise((resolve) => child.once("spawn", resolve));
    const table = readProcessTable();
    expect(table.get(child.pid!)?.ppid).toBe(process.pid);
    await new Promise((resolve) => child.once("exit", resolve));
    expect(treeCpuSeconds(readProcessTable(), process.pid)).toBeGreaterThan(0);
  });
});
