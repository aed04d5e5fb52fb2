import { describe, expect, it } from "vitest";

import { signedFromLittleEndian, signedToLittleEndian } from "./memory.ts";

/** The byte-by-byte definition, to check the fast conversions against. */
function reference(value: bigint): number[] {
  const out: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0xffn);
    out.push(byte);
    rest >>= 8n;
    if ((rest === 0n && !(byte & 0x80)) || (rest === -1n && byte & 0x80)) return out;
  }
}

describe("signed little-endian bytes", () => {
  const values = [0n, 1n, -1n, 127n, 128n, -128n, -129n, 255n, 256n, -256n, -255n, 32767n, -32768n, -32769n, 2n ** 255n, -(2n ** 255n), 2n ** 256n - 1n, -(2n ** 256n), 10n ** 30n, -(10n ** 30n) + 7n];
  it.each(values.map((value) => [value]))("round-trips %s as num-bigint writes it", (value) => {
    const bytes = signedToLittleEndian(value);
    expect([...bytes]).toEqual(reference(value));
    expect(signedFromLittleEndian(bytes)).toBe(value);
  });

  it("reads empty bytes as zero and sign-extends the top byte", () => {
    expect(signedFromLittleEndian(new Uint8Array())).toBe(0n);
    expect(signedFromLittleEndian(Uint8Array.from([0xff, 0xff]))).toBe(-1n);
    expect(signedFromLittleEndian(Uint8Array.from([0x00, 0x80]))).toBe(-32768n);
  });
});
