/** `bigDecimal.*`: decimal arithmetic with graph-node's 34 significant digits (see ../bigDecimal.ts). */
import * as decimal from "../bigDecimal.ts";
import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";
import { readBigDecimal, writeBigDecimal } from "../storeValues.ts";

export const bigDecimalFunctions: HostFunctionGroup = (context) => {
  const read = (ptr: number) => readBigDecimal(context.heap, ptr);
  const binary = (operation: (x: decimal.BigDecimalValue, y: decimal.BigDecimalValue) => decimal.BigDecimalValue) =>
    (xPtr: number, yPtr: number) => writeBigDecimal(context.heap, deterministic(() => operation(read(xPtr), read(yPtr))));
  return {
    "bigDecimal.plus": binary(decimal.plus),
    "bigDecimal.minus": binary(decimal.minus),
    "bigDecimal.times": binary(decimal.times),
    "bigDecimal.dividedBy": binary(decimal.dividedBy),
    "bigDecimal.equals": (xPtr: number, yPtr: number) => (decimal.equals(read(xPtr), read(yPtr)) ? 1 : 0),
    "bigDecimal.toString": (ptr: number) => context.heap.writeString(decimal.toDecimalString(read(ptr))),
    "bigDecimal.fromString": (ptr: number) =>
      writeBigDecimal(context.heap, deterministic(() => decimal.parseDecimal(context.heap.readString(ptr)))),
  };
};

function deterministic<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof decimal.BigDecimalError) throw new MappingError(error.message, { cause: error });
    throw error;
  }
}
