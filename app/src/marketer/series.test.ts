import { describe, expect, it } from "vitest";

import { activeShoppersPerDay, firstDay, pointsPerDay, revenuePerDay } from "./series.ts";

const POINT = 10n ** 18n;
const micros = (day: string) => String(Date.parse(`${day}T00:00:00Z`) * 1000);
const row = (day: string, storefront: string, issued: bigint, redeemed: bigint, active = 1) => ({
  timestamp: micros(day),
  storefront: { id: storefront },
  issued: String(issued * POINT),
  redeemed: String(redeemed * POINT),
  activeShoppers: active,
});
const rows = [row("2026-12-01", "0xaa", 10n, 1n, 3), row("2026-12-01", "0xbb", 5n, 0n, 2), row("2026-12-02", "0xaa", 7n, 2n, 4), row("2026-11-20", "0xbb", 100n, 0n, 9)];

describe("pointsPerDay", () => {
  it("sums storefronts per day in token units, oldest day first", () => {
    expect(pointsPerDay(rows, { days: undefined, storefront: undefined, today: "2026-12-02" }, 18)).toEqual([
      { day: "2026-11-20", issued: 100, redeemed: 0 },
      { day: "2026-12-01", issued: 15, redeemed: 1 },
      { day: "2026-12-02", issued: 7, redeemed: 2 },
    ]);
  });
  it("keeps only the days in range and the storefront chosen", () => {
    const filters = { days: 7, storefront: "0xaa", today: "2026-12-02" };
    expect(firstDay(filters)).toBe("2026-11-26");
    expect(pointsPerDay(rows, filters, 18)).toEqual([
      { day: "2026-12-01", issued: 10, redeemed: 1 },
      { day: "2026-12-02", issued: 7, redeemed: 2 },
    ]);
  });
});

describe("activeShoppersPerDay and revenuePerDay", () => {
  it("keeps one column per storefront rather than adding shoppers of different storefronts", () => {
    const { rows: days, storefronts } = activeShoppersPerDay(rows, { days: 2, storefront: undefined, today: "2026-12-02" });
    expect(storefronts).toEqual(["0xaa", "0xbb"]);
    expect(days).toEqual([
      { day: "2026-12-01", "0xaa": 3, "0xbb": 2 },
      { day: "2026-12-02", "0xaa": 4 },
    ]);
  });
  it("adds revenue per consumer per day in the payment token's units", () => {
    const revenue = [
      { timestamp: micros("2026-12-01"), consumer: { id: "0xCC" }, revenue: "1500000" },
      { timestamp: micros("2026-12-01"), consumer: { id: "0xcc" }, revenue: "500000" },
    ];
    expect(revenuePerDay(revenue, { days: undefined, storefront: undefined, today: "2026-12-02" }, 6)).toEqual({ rows: [{ day: "2026-12-01", "0xcc": 2 }], consumers: ["0xcc"] });
  });
});
