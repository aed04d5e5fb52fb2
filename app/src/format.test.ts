import { describe, expect, it } from "vitest";

import { dayOf, formatAmount, formatPercent, formatTime, toUnits } from "./format.ts";

describe("formatAmount: token units with their decimals, never raw integers", () => {
  it("groups thousands and keeps at most two decimals, rounded down", () => {
    expect(formatAmount(1_234_567_890_000_000_000_000n, 18)).toBe("1,234.56");
    expect(formatAmount("500000000000000000", 18)).toBe("0.5");
    expect(formatAmount(0n, 18)).toBe("0");
    expect(formatAmount(1_000_000n, 6)).toBe("1");
  });
  it("writes negative amounts with a sign and more decimals when asked", () => {
    expect(formatAmount(-2_500_000_000_000_000n, 18, 4)).toBe("-0.0025");
  });
  it("turns raw amounts into numbers of units for charts", () => {
    expect(toUnits("2500000000000000000", 18)).toBe(2.5);
  });
});

describe("times and shares", () => {
  it("reads a subgraph Timestamp in microseconds, milliseconds or seconds as its UTC day", () => {
    expect(dayOf("1764720000000000")).toBe("2025-12-03");
    expect(dayOf(1_764_720_000_000)).toBe("2025-12-03");
    expect(dayOf(1_764_720_000)).toBe("2025-12-03");
  });
  it("writes times in UTC and shares as percentages", () => {
    expect(formatTime(1_764_720_000n)).toBe("2025-12-03 00:00 UTC");
    expect(formatPercent(0.4567)).toBe("45.7%");
  });
});
