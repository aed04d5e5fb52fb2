/**
 * graph-ts `ethereum.Value` ↔ viem's ABI values. Writing follows the ABI parameter's type (as viem decoded it);
 * reading rebuilds both a parameter type and a value that viem's `encodeAbiParameters` accepts.
 */
import type { AbiParameter } from "viem";
import { bytesToHex, hexToBytes } from "../store/layout.ts";
import type { AscHeap } from "./memory.ts";

/** graph-ts `ethereum.ValueKind`. */
export const EthereumValueKind = {
  ADDRESS: 0,
  FIXED_BYTES: 1,
  BYTES: 2,
  INT: 3,
  UINT: 4,
  BOOL: 5,
  STRING: 6,
  FIXED_ARRAY: 7,
  ARRAY: 8,
  TUPLE: 9,
} as const;

/** A value that does not fit its ABI type, or an ABI type the host does not know. */
export class EthereumValueError extends Error {
  override name = "EthereumValueError";
}

type TupleParameter = AbiParameter & { components?: readonly AbiParameter[] };

const ARRAY_SUFFIX = /^(.*)\[(\d*)\]$/;

/** Writes `value` (as viem decodes a parameter of type `param`) as an `ethereum.Value`. */
export function writeEthereumValue(heap: AscHeap, param: TupleParameter, value: unknown): number {
  const type = param.type;
  const array = ARRAY_SUFFIX.exec(type);
  if (array) {
    const inner = { ...param, type: array[1]! } as TupleParameter;
    const items = (value as unknown[]).map((item) => writeEthereumValue(heap, inner, item));
    const kind = array[2] === "" ? EthereumValueKind.ARRAY : EthereumValueKind.FIXED_ARRAY;
    return heap.writeEnum(kind, heap.writePointerArray(items, "ArrayEthereumValue"), "EthereumValue");
  }
  if (type === "tuple") {
    const components = param.components ?? [];
    const items = components.map((component, i) => {
      const item = Array.isArray(value) ? value[i] : (value as Record<string, unknown>)[component.name ?? String(i)];
      return writeEthereumValue(heap, component as TupleParameter, item);
    });
    return heap.writeEnum(EthereumValueKind.TUPLE, heap.writePointerArray(items, "ArrayEthereumValue"), "EthereumValue");
  }
  if (type === "address") return heap.writeEnum(EthereumValueKind.ADDRESS, heap.writeBytes(hexToBytes(value as string)), "EthereumValue");
  if (type === "bytes") return heap.writeEnum(EthereumValueKind.BYTES, heap.writeBytes(hexToBytes(value as string)), "EthereumValue");
  if (/^bytes\d+$/.test(type)) return heap.writeEnum(EthereumValueKind.FIXED_BYTES, heap.writeBytes(hexToBytes(value as string)), "EthereumValue");
  if (type === "bool") return heap.writeEnum(EthereumValueKind.BOOL, value ? 1 : 0, "EthereumValue");
  if (type === "string") return heap.writeEnum(EthereumValueKind.STRING, heap.writeString(value as string), "EthereumValue");
  if (/^uint\d*$/.test(type)) return heap.writeEnum(EthereumValueKind.UINT, heap.writeBigInt(BigInt(value as bigint)), "EthereumValue");
  if (/^int\d*$/.test(type)) return heap.writeEnum(EthereumValueKind.INT, heap.writeBigInt(BigInt(value as bigint)), "EthereumValue");
  throw new EthereumValueError(`ABI type ${type} is not supported`);
}

/** Reads an `ethereum.Value` as a parameter type and a value for viem's encoder (ints are 256-bit, as graph-node encodes them). */
export function readEthereumValue(heap: AscHeap, ptr: number): { param: TupleParameter; value: unknown } {
  if (ptr === 0) throw new EthereumValueError("null ethereum.Value");
  const { kind, payload } = heap.readEnum(ptr);
  const pointer = Number(payload & 0xffff_ffffn);
  switch (kind) {
    case EthereumValueKind.ADDRESS:
      return { param: { type: "address" }, value: bytesToHex(heap.readBytes(pointer)) };
    case EthereumValueKind.FIXED_BYTES: {
      const bytes = heap.readBytes(pointer);
      return { param: { type: `bytes${bytes.length}` }, value: bytesToHex(bytes) };
    }
    case EthereumValueKind.BYTES:
      return { param: { type: "bytes" }, value: bytesToHex(heap.readBytes(pointer)) };
    case EthereumValueKind.INT:
      return { param: { type: "int256" }, value: heap.readBigInt(pointer) };
    case EthereumValueKind.UINT:
      return { param: { type: "uint256" }, value: heap.readBigInt(pointer) };
    case EthereumValueKind.BOOL:
      return { param: { type: "bool" }, value: (payload & 0xffn) !== 0n };
    case EthereumValueKind.STRING:
      return { param: { type: "string" }, value: heap.readString(pointer) };
    case EthereumValueKind.FIXED_ARRAY:
    case EthereumValueKind.ARRAY: {
      const items = heap.readPointerArray(pointer).map((p) => readEthereumValue(heap, p));
      const inner = items[0]?.param ?? { type: "uint256" };
      const suffix = kind === EthereumValueKind.ARRAY ? "[]" : `[${items.length}]`;
      return { param: { ...inner, type: `${inner.type}${suffix}` } as TupleParameter, value: items.map((i) => i.value) };
    }
    case EthereumValueKind.TUPLE: {
      const items = heap.readPointerArray(pointer).map((p) => readEthereumValue(heap, p));
      return { param: { type: "tuple", components: items.map((i) => i.param) } as TupleParameter, value: items.map((i) => i.value) };
    }
    default:
      throw new EthereumValueError(`unknown ethereum.Value kind ${kind}`);
  }
}
