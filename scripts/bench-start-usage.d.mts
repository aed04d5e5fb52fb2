/** Types of scripts/bench-start-usage.mjs, for the TypeScript that imports it. */
export interface ProcessEntry {
  ppid: number;
  ticks: number;
}
export interface UsageSample {
  t: number;
  cpu: number;
  busy: number;
  total: number;
}
export interface Usage {
  cpuSeconds: number;
  startShare: number;
  machineBusy: number | undefined;
}
export declare const TICKS_PER_SECOND: number;
export declare function parseProcStat(text: string): ProcessEntry;
export declare function treeCpuSeconds(table: Map<number, ProcessEntry>, rootPid: number): number;
export declare function readProcessTable(): Map<number, ProcessEntry>;
export declare function parseMachineStat(text: string): { busy: number; total: number };
export declare function sampleUsage(rootPid: number, options?: { intervalMs?: number; began?: number }): { stop(): UsageSample[] };
export declare function usageBetween(samples: UsageSample[], from: number, to: number, cores: number): Usage | undefined;
export declare function phaseUsage(lines: { t: number; line: string }[], samples: UsageSample[], cores: number): ({ phase: string; endsAt: number } & Partial<Usage>)[];
