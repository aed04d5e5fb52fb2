/** `typeConversion.*`: Bytes and BigInt to text, text to an address. */
import { bytesToHex } from "../../store/layout.ts";
import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";

export const typeConversionFunctions: HostFunctionGroup = (context) => ({
  // Invalid UTF-8 becomes U+FFFD; trailing NULs (fixed-size buffers) are dropped.
  "typeConversion.bytesToString": (ptr: number) =>
    context.heap.writeString(new TextDecoder("utf-8").decode(context.heap.readBytes(ptr)).replace(/\u0000+$/, "")),
  "typeConversion.bytesToHex": (ptr: number) => context.heap.writeString(bytesToHex(context.heap.readBytes(ptr))),
  "typeConversion.bigIntToString": (ptr: number) => context.heap.writeString(context.heap.readBigInt(ptr).toString()),
  // The magnitude in hex: graph-node drops the sign.
  "typeConversion.bigIntToHex": (ptr: number) => {
    const value = context.heap.readBigInt(ptr);
    return context.heap.writeString(`0x${(value < 0n ? -value : value).toString(16)}`);
  },
  "typeConversion.stringToH160": (ptr: number) => {
    const text = context.heap.readString(ptr);
    const hex = text.startsWith("0x") ? text.slice(2) : text;
    if (!/^[0-9a-fA-F]{40}$/.test(hex)) throw new MappingError(`Failed to convert string to Address: '${text}'`);
    return context.heap.writeBytes(Uint8Array.from(Buffer.from(hex, "hex")));
  },
  "typeConversion.bytesToBase58": (ptr: number) => context.heap.writeString(toBase58(context.heap.readBytes(ptr))),
});

const BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Bitcoin-alphabet base58 (IPFS CIDs v0): each leading zero byte becomes a `1`. */
export function toBase58(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let out = "";
  while (value > 0n) {
    out = BASE58_ALPHABET[Number(value % 58n)] + out;
    value /= 58n;
  }
  return "1".repeat(zeros) + out;
}
