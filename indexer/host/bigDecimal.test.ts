import { describe, expect, it } from "vitest";
import { BigDecimalError, dividedBy, equals, minus, normalize, parseDecimal, plus, times, toDecimalString } from "./bigDecimal.ts";

const d = parseDecimal;
const text = (value: { digits: bigint; exp: bigint }) => toDecimalString(value);

describe("BigDecimal", () => {
  it("normalizes: strips trailing zeros, keeps 34 significant digits (positive rounds half up, negative truncates)", () => {
    expect(normalize({ digits: 1500n, exp: -3n })).toEqual({ digits: 15n, exp: -1n });
    expect(normalize({ digits: 0n, exp: 7n })).toEqual({ digits: 0n, exp: 0n });
    expect(text(normalize({ digits: 10n ** 35n - 1n, exp: 0n }))).toBe("100000000000000000000000000000000000");
    expect(text(normalize({ digits: -(10n ** 35n - 1n), exp: 0n }))).toBe("-99999999999999999999999999999999990");
    expect(text(normalize({ digits: 12345678901234567890123456789012344n, exp: -1n }))).toBe("1234567890123456789012345678901234");
  });

  it("parses decimal and exponent notation and refuses anything else", () => {
    expect(d("-1.50")).toEqual({ digits: -15n, exp: -1n });
    expect(d("2.5E-3")).toEqual({ digits: 25n, exp: -4n });
    expect(d(".5")).toEqual({ digits: 5n, exp: -1n });
    for (const bad of ["", "abc", "1.2.3", "1e", "--1", "0x10"]) expect(() => d(bad)).toThrow(BigDecimalError);
  });

  it("formats without exponents", () => {
    expect(text(d("1e5"))).toBe("100000");
    expect(text(d("-0.0001"))).toBe("-0.0001");
    expect(text(d("12.75"))).toBe("12.75");
    expect(text(d("0"))).toBe("0");
  });

  it("adds, subtracts, multiplies and divides", () => {
    expect(text(plus(d("0.1"), d("0.2")))).toBe("0.3");
    expect(text(minus(d("1"), d("1.000001")))).toBe("-0.000001");
    expect(text(times(d("1.1"), d("1.1")))).toBe("1.21");
    expect(text(dividedBy(d("1"), d("8")))).toBe("0.125");
    expect(text(dividedBy(d("10"), d("3")))).toBe("3.333333333333333333333333333333333");
    expect(text(dividedBy(d("-1"), d("-3")))).toBe("0.3333333333333333333333333333333333");
    expect(text(dividedBy(d("5"), d("5")))).toBe("1");
    expect(() => dividedBy(d("1"), d("0"))).toThrow("attempted to divide BigDecimal `1` by zero");
  });

  it("compares by value", () => {
    expect(equals(d("1.0"), d("1"))).toBe(true);
    expect(equals(d("1.01"), d("1"))).toBe(false);
  });
});
