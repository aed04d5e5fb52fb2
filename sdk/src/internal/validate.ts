import { type Address, getAddress, type Hex, isAddress, isHex, keccak256, parseSignature, type Signature, toHex, zeroAddress } from "viem";

import { InvalidParameterError } from "../errors/clientErrors.js";

const UINT256_MAX = 2n ** 256n - 1n;

/** A non-zero address, checksummed. */
export function address(parameter: string, value: unknown): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false }) || value.toLowerCase() === zeroAddress) {
    throw new InvalidParameterError(parameter, value, "a non-zero address");
  }
  return getAddress(value);
}

/** An integer in [min, max], as a bigint (numbers and decimal strings are accepted). */
export function integer(parameter: string, value: unknown, min = 0n, max = UINT256_MAX): bigint {
  let result: bigint;
  try {
    if (typeof value === "number" && !Number.isSafeInteger(value)) throw new Error();
    if (typeof value === "string" && !/^\d+$/.test(value)) throw new Error();
    if (typeof value !== "bigint" && typeof value !== "number" && typeof value !== "string") throw new Error();
    result = BigInt(value);
  } catch {
    throw new InvalidParameterError(parameter, value, `an integer from ${min} to ${max}`);
  }
  if (result < min || result > max) throw new InvalidParameterError(parameter, value, `an integer from ${min} to ${max}`);
  return result;
}

/** A positive amount of token units. */
export const amount = (parameter: string, value: unknown, max = UINT256_MAX): bigint => integer(parameter, value, 1n, max);

/** A small non-negative integer (seconds, basis points) up to `max`. */
export function smallInteger(parameter: string, value: unknown, max: number, min = 0): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidParameterError(parameter, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

/** A non-zero bytes32: a 0x-prefixed 32-byte hex value, or any other string, hashed (`keccak256` of its UTF-8). */
export function bytes32(parameter: string, value: unknown): Hex {
  if (typeof value !== "string" || value === "") throw new InvalidParameterError(parameter, value, "a bytes32 hex value or a non-empty string");
  const hex = isHex(value) && value.length === 66 ? (value as Hex) : keccak256(toHex(value));
  if (BigInt(hex) === 0n) throw new InvalidParameterError(parameter, value, "a non-zero bytes32");
  return hex;
}

/** A unix time (seconds) in the future of `now`. */
export function futureTime(parameter: string, value: unknown, now: bigint): bigint {
  const time = integer(parameter, value, 0n, 2n ** 40n - 1n);
  if (time <= now) throw new InvalidParameterError(parameter, value, `a unix time after now (${now})`);
  return time;
}

/** A non-empty list. */
export function nonEmpty<T>(parameter: string, value: readonly T[] | undefined): readonly T[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidParameterError(parameter, value, "a non-empty list");
  return value;
}

/** A 65-byte (or 64-byte compact) ECDSA signature, split into its parts. */
export function signature(parameter: string, value: unknown): Signature {
  try {
    return parseSignature(value as Hex);
  } catch {
    throw new InvalidParameterError(parameter, value, "a 65-byte signature");
  }
}
