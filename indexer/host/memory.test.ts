import { describe, expect, it } from "vitest";
import { signedFromLittleEndian, signedToLittleEndian } from "./memory.ts";

describe("graph-ts BigInt bytes", () => {
  it("writes the shortest signed little-endian two's complement and reads it back", () => {
    const cases: [bigint, number[]][] = [
      [0n, [0]],
      [1n, [1]],
      [127n, [0x7f]],
      [128n, [0x80, 0]],
      [255n, [0xff, 0]],
      [-1n, [0xff]],
      [-128n, [0x80]],
      [-129n, [0x7f, 0xff]],
      [65_536n, [0, 0, 1]],
    ];
    for (const [value, bytes] of cases) {
      expect(Array.from(signedToLittleEndian(value)), String(value)).toEqual(bytes);
      expect(signedFromLittleEndian(Uint8Array.from(bytes))).toBe(value);
    }
    const big = -(2n ** 255n) + 12345n;
    expect(signedFromLittleEndian(signedToLittleEndian(big))).toBe(big);
    expect(signedFromLittleEndian(new Uint8Array())).toBe(0n);
  });
});
