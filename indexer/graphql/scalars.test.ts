import { describe, expect, it } from "vitest";
import { Kind } from "graphql/index.js";
import { BigDecimalScalar, BigIntScalar, BytesScalar, Int8Scalar, normaliseDecimal, normaliseHex, TimestampScalar } from "./scalars.ts";

describe("graph-node scalars", () => {
  it("serialise big numbers, Int8 and Timestamp as strings and Bytes as hex", () => {
    expect(BigIntScalar.serialize(123456789012345678901234567890n)).toBe("123456789012345678901234567890");
    expect(Int8Scalar.serialize(-9007199254740993n)).toBe("-9007199254740993");
    expect(TimestampScalar.serialize(1_700_000_000_000_000n)).toBe("1700000000000000");
    expect(BigDecimalScalar.serialize("1.2500")).toBe("1.25");
    expect(BytesScalar.serialize(Uint8Array.from([0, 171]))).toBe("0x00ab");
  });

  it("print decimals without trailing zeros", () => {
    expect(normaliseDecimal("2.000")).toBe("2");
    expect(normaliseDecimal("-0.0")).toBe("0");
    expect(normaliseDecimal("10")).toBe("10");
    expect(normaliseDecimal("0.010")).toBe("0.01");
  });

  it("accept strings and integers, and refuse malformed values naming the scalar", () => {
    expect(BigIntScalar.parseValue(42)).toBe("42");
    expect(BigIntScalar.parseLiteral({ kind: Kind.STRING, value: "-007" })).toBe("-7");
    expect(Int8Scalar.parseLiteral({ kind: Kind.INT, value: "12" })).toBe("12");
    expect(() => Int8Scalar.parseValue("9223372036854775808")).toThrow(/Int8 value 9223372036854775808 is out of range/);
    expect(() => BigIntScalar.parseValue("1.5")).toThrow(/BigInt expects an integer/);
    expect(() => BigDecimalScalar.parseValue("1.2.3")).toThrow(/BigDecimal expects a decimal/);
    expect(BytesScalar.parseValue("0xABCD")).toBe("0xabcd");
    expect(BytesScalar.parseValue("ab")).toBe("0xab");
    expect(() => BytesScalar.parseValue("0xabc")).toThrow(/even number of hex digits/);
    expect(() => BytesScalar.parseValue("0xzz")).toThrow(/Bytes expects a hex string/);
    expect(() => TimestampScalar.parseLiteral({ kind: Kind.BOOLEAN, value: true })).toThrow(/Timestamp expects a string/);
    expect(() => TimestampScalar.parseLiteral({ kind: Kind.INT, value: "1" })).toThrow(/Timestamp expects a string/);
    expect(normaliseHex("nope")).toBeUndefined();
    expect(normaliseHex("0x1")).toBeUndefined();
  });

  it("refuse BigDecimals PostgreSQL's numeric cannot hold: over 131072 digits before the point or 16383 after", () => {
    for (const ok of ["1e131071", "-1e131071", "0.1e131072", "1e-16383", ".5e-16382", "0e999999", "123456789e-1010", "1.5"]) {
      expect(BigDecimalScalar.parseValue(ok)).toBe(ok);
    }
    for (const tooBig of ["1e999999", "1e131072", "10e131071", "1e-16384", "1.5e-16383", "1e-999999", "1e99999999999999999999999"]) {
      expect(() => BigDecimalScalar.parseValue(tooBig)).toThrow(new RegExp(`BigDecimal value ${tooBig.replace(/[.+]/g, "\\$&")} is out of range`));
      expect(() => BigDecimalScalar.parseLiteral({ kind: Kind.STRING, value: tooBig })).toThrow(/out of range/);
    }
  });
});
