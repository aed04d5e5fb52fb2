/** How the dashboard writes amounts, times and addresses: token units with their decimals, never raw integers. */
import { formatUnits } from "viem";

/** `1234500000000000000000n` with 18 decimals → "1,234.5"; at most `maxFraction` decimals shown, rounded down. */
export function formatAmount(raw: bigint | string | number, decimals: number, maxFraction = 2): string {
  const value = typeof raw === "bigint" ? raw : BigInt(raw);
  const negative = value < 0n;
  const [whole = "0", fraction = ""] = formatUnits(negative ? -value : value, decimals).split(".");
  const shown = fraction.slice(0, maxFraction).replace(/0+$/, "");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${shown ? `.${shown}` : ""}`;
}

/** A raw amount as a plain number of token units (for charts). */
export function toUnits(raw: bigint | string | number, decimals: number): number {
  return Number(formatUnits(typeof raw === "bigint" ? raw : BigInt(raw), decimals));
}

/** A share (0..1) as a percentage: 0.4567 → "45.7%". */
export const formatPercent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** Seconds since the epoch → "2026-12-03 10:20 UTC". */
export function formatTime(seconds: bigint | number): string {
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "0x1234…abcd". */
export const shortAddress = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

/**
 * A subgraph Timestamp (graph-node serves microseconds as a string; seconds and milliseconds accepted too)
 * → the UTC day "2026-12-03".
 */
export function dayOf(timestamp: string | number): string {
  const value = Number(timestamp);
  const ms = value > 1e14 ? value / 1000 : value > 1e11 ? value : value * 1000;
  return new Date(ms).toISOString().slice(0, 10);
}
