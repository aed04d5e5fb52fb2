/** `bigInt.*`: arbitrary-precision integer arithmetic on graph-ts BigInts (division truncates toward zero). */
import { dividedBy as decimalDividedBy, BigDecimalError } from "../bigDecimal.ts";
import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";
import { readBigDecimal, writeBigDecimal } from "../storeValues.ts";

export const bigIntFunctions: HostFunctionGroup = (context) => {
  const binary = (operation: (x: bigint, y: bigint) => bigint) => (xPtr: number, yPtr: number) =>
    context.heap.writeBigInt(operation(context.heap.readBigInt(xPtr), context.heap.readBigInt(yPtr)));
  const shift = (operation: (x: bigint, bits: bigint) => bigint) => (xPtr: number, bits: number) =>
    context.heap.writeBigInt(operation(context.heap.readBigInt(xPtr), BigInt(bits & 0xff)));
  return {
    "bigInt.plus": binary((x, y) => x + y),
    "bigInt.minus": binary((x, y) => x - y),
    "bigInt.times": binary((x, y) => x * y),
    "bigInt.dividedBy": binary((x, y) => {
      if (y === 0n) throw new MappingError(`attempted to divide BigInt \`${x}\` by zero`);
      return x / y;
    }),
    "bigInt.mod": binary((x, y) => {
      if (y === 0n) throw new MappingError(`attempted to calculate the remainder of \`${x}\` with a divisor of zero`);
      return x % y;
    }),
    "bigInt.bitOr": binary((x, y) => x | y),
    "bigInt.bitAnd": binary((x, y) => x & y),
    "bigInt.pow": shift((x, exponent) => x ** exponent),
    "bigInt.leftShift": shift((x, bits) => x << bits),
    "bigInt.rightShift": shift((x, bits) => x >> bits),
    "bigInt.fromString": (textPtr: number) => context.heap.writeBigInt(parseBigInt(context.heap.readString(textPtr))),
    "bigInt.dividedByDecimal": (xPtr: number, yPtr: number) => {
      const x = { digits: context.heap.readBigInt(xPtr), exp: 0n };
      try {
        return writeBigDecimal(context.heap, decimalDividedBy(x, readBigDecimal(context.heap, yPtr)));
      } catch (error) {
        if (error instanceof BigDecimalError) throw new MappingError(error.message, { cause: error });
        throw error;
      }
    },
  };
};

/** A decimal integer with an optional sign, nothing else. */
export function parseBigInt(text: string): bigint {
  if (!/^[+-]?\d+$/.test(text)) throw new MappingError(`string is not a BigInt: \`${text}\``);
  return BigInt(text);
}
