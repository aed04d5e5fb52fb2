/**
 * The marketer's charts as rows: the subgraph's answers (raw token amounts, microsecond timestamps) filtered
 * by time range and storefront, grouped per day, in token units.
 */
import { dayOf, toUnits } from "../format.ts";

export interface Filters {
  /** Days back from `today` (inclusive of today); undefined for all. */
  days: number | undefined;
  /** A storefront's id (lower case), or undefined for all. */
  storefront: string | undefined;
  /** "YYYY-MM-DD" (UTC). */
  today: string;
}

/** The first day in range, or undefined for all. */
export function firstDay(filters: Filters): string | undefined {
  if (filters.days === undefined) return undefined;
  const start = new Date(`${filters.today}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - (filters.days - 1));
  return start.toISOString().slice(0, 10);
}

const inRange = (day: string, filters: Filters) => {
  const first = firstDay(filters);
  return (first === undefined || day >= first) && day <= filters.today;
};

export interface StorefrontDayRow {
  timestamp: string | number;
  storefront: { id: string };
  issued: string;
  redeemed: string;
}

export interface StorefrontActivityRow {
  timestamp: string | number;
  storefront: { id: string };
  activeShoppers: string | number;
}

export interface PointsPerDay {
  day: string;
  issued: number;
  redeemed: number;
}

/** Points issued and redeemed per day, summed over the storefronts the filter keeps. */
export function pointsPerDay(rows: readonly StorefrontDayRow[], filters: Filters, decimals: number): PointsPerDay[] {
  const days = new Map<string, { issued: bigint; redeemed: bigint }>();
  for (const row of rows) {
    if (filters.storefront && row.storefront.id.toLowerCase() !== filters.storefront) continue;
    const day = dayOf(row.timestamp);
    if (!inRange(day, filters)) continue;
    const sum = days.get(day) ?? { issued: 0n, redeemed: 0n };
    sum.issued += BigInt(row.issued);
    sum.redeemed += BigInt(row.redeemed);
    days.set(day, sum);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, sum]) => ({ day, issued: toUnits(sum.issued, decimals), redeemed: toUnits(sum.redeemed, decimals) }));
}

/** Active shoppers per day, one column per storefront (a shopper active at two storefronts counts at both). */
export function activeShoppersPerDay(rows: readonly StorefrontActivityRow[], filters: Filters): { rows: Record<string, string | number>[]; storefronts: string[] } {
  const days = new Map<string, Record<string, string | number>>();
  const storefronts = new Set<string>();
  for (const row of rows) {
    const storefront = row.storefront.id.toLowerCase();
    if (filters.storefront && storefront !== filters.storefront) continue;
    const day = dayOf(row.timestamp);
    if (!inRange(day, filters)) continue;
    storefronts.add(storefront);
    const entry = days.get(day) ?? { day };
    entry[storefront] = Number(entry[storefront] ?? 0) + Number(row.activeShoppers);
    days.set(day, entry);
  }
  return { rows: [...days.values()].sort((a, b) => String(a.day).localeCompare(String(b.day))), storefronts: [...storefronts].sort() };
}

export interface ConsumerDayRow {
  timestamp: string | number;
  consumer: { id: string };
  revenue: string;
}

/** Data-access revenue per day, one column per consumer, in the payment token's units. */
export function revenuePerDay(rows: readonly ConsumerDayRow[], filters: Filters, decimals: number): { rows: Record<string, string | number>[]; consumers: string[] } {
  const days = new Map<string, Map<string, bigint>>();
  const consumers = new Set<string>();
  for (const row of rows) {
    const day = dayOf(row.timestamp);
    if (!inRange(day, filters)) continue;
    const consumer = row.consumer.id.toLowerCase();
    consumers.add(consumer);
    const sums = days.get(day) ?? new Map<string, bigint>();
    sums.set(consumer, (sums.get(consumer) ?? 0n) + BigInt(row.revenue));
    days.set(day, sums);
  }
  const rowsOut = [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, sums]) => ({ day, ...Object.fromEntries([...sums.entries()].map(([consumer, value]) => [consumer, toUnits(value, decimals)])) }));
  return { rows: rowsOut, consumers: [...consumers].sort() };
}
