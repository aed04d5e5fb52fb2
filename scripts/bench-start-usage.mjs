// Where a start's time goes, for `npm run bench:start`: the CPU its process tree used and how busy the whole
// machine was, sampled from /proc (Linux) while it runs, then split by the start's own progress lines
// ("start: <phase> (<seconds> s)"). A phase whose processes used much less than a core while the machine was
// busy waited for other programs' CPU; one with an idle machine waited on something else (I/O, a timer).
// Plain Node built-ins, no dependency.
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
export const TICKS_PER_SECOND = 100;

/**
 * Parses /proc/<pid>/stat: its parent, and the CPU ticks it used with those of its waited-for children.
 * The command name may hold spaces and parentheses, so fields are counted after its last ')'.
 *
 * @param {string} text
 * @returns {{ ppid: number, ticks: number }}
 */
export function parseProcStat(text) {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  return { ppid: Number(fields[1]), ticks };
}

/**
 * CPU seconds used so far by `rootPid` and every process below it (those still running, and those already
 * ended and waited for inside the tree), from a snapshot of the process table `{ pid: { ppid, ticks } }`.
 *
 * @param {Map<number, { ppid: number, ticks: number }>} table
 * @param {number} rootPid
 */
export function treeCpuSeconds(table, rootPid) {
  const children = new Map();
  for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let ticks = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop();
    const entry = table.get(pid);
    if (!entry) continue;
    ticks += entry.ticks;
    pending.push(...(children.get(pid) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}

/** The process table from /proc: `{ pid → { ppid, ticks } }` (processes that end while it is read are left out). */
export function readProcessTable() {
  const table = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      table.set(Number(name), parseProcStat(readFileSync(`/proc/${name}/stat`, "utf8")));
    } catch {
      // ended meanwhile
    }
  }
  return table;
}

/** The machine's CPU ticks since boot from /proc/stat's first line: busy and idle (idle + iowait). */
export function parseMachineStat(text) {
  const values = text.split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/**
 * Samples a running process tree every `intervalMs`: `{ t (s since start), cpu (tree CPU s), busy, total }`.
 * `stop()` ends sampling and returns the samples.
 */
export function sampleUsage(rootPid, { intervalMs = 500, began = Date.now() } = {}) {
  const samples = [];
  const take = () => {
    try {
      const machine = parseMachineStat(readFileSync("/proc/stat", "utf8"));
      samples.push({ t: (Date.now() - began) / 1000, cpu: treeCpuSeconds(readProcessTable(), rootPid), ...machine });
    } catch {
      // not Linux: no figures
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** The sample nearest to time `t`, at or before it (the first one when `t` precedes all). */
function at(samples, t) {
  let found = samples[0];
  for (const sample of samples) if (sample.t <= t) found = sample;
  return found;
}

/**
 * The usage over [from, to]: the tree's CPU seconds, its share of all cores, and how busy the machine was
 * (all programs, share of all cores).
 */
export function usageBetween(samples, from, to, cores) {
  if (samples.length === 0 || to <= from) return undefined;
  const [start, end] = [at(samples, from), at(samples, to)];
  const span = end.t - start.t;
  if (span <= 0) return undefined;
  const cpu = end.cpu - start.cpu;
  return {
    cpuSeconds: Number(cpu.toFixed(1)),
    startShare: Number((cpu / (span * cores)).toFixed(2)),
    machineBusy: end.total > start.total ? Number(((end.busy - start.busy) / (end.total - start.total)).toFixed(2)) : undefined,
  };
}

/**
 * Each progress line "start: <phase> (<n> s)" seen at time `t` (seconds since the start), with the usage
 * over its own span [t − n, t].
 *
 * @param {{ t: number, line: string }[]} lines
 */
export function phaseUsage(lines, samples, cores) {
  const phases = [];
  for (const { t, line } of lines) {
    const match = line.match(/^start: (.*\((\d+\.\d) s\))$/);
    if (!match) continue;
    const seconds = Number(match[2]);
    phases.push({ phase: match[1], endsAt: Number(t.toFixed(1)), ...usageBetween(samples, t - seconds, t, cores) });
  }
  return phases;
}
