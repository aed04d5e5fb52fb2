/**
 * `json.*`: JSON parsing into graph-ts `JSONValue`s (numbers keep their source text) and number conversions
 * with Rust's parsing rules.
 */
import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";
import type { AscHeap } from "../memory.ts";
import { JsonNumber, parseJsonText, type Json } from "../jsonText.ts";
import { parseBigInt } from "./bigInt.ts";

/** graph-ts `JSONValueKind`. */
export const JsonValueKind = { NULL: 0, BOOL: 1, NUMBER: 2, STRING: 3, ARRAY: 4, OBJECT: 5 } as const;

/** graph-node's largest JSON input (`json.fromBytes`), in bytes. */
export const MAX_JSON_SIZE = 10_000_000;

/** Parses UTF-8 JSON; throws MappingError on invalid UTF-8 or JSON, or input over `MAX_JSON_SIZE`. */
export function parseJson(bytes: Uint8Array): Json {
  if (bytes.length > MAX_JSON_SIZE) throw new MappingError(`JSON size exceeds max size of ${MAX_JSON_SIZE}`);
  try {
    return parseJsonText(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new MappingError(`Failed to parse JSON from byte array: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes a JSON value as graph-ts `JSONValue`. */
export function writeJson(heap: AscHeap, value: Json): number {
  if (value === null) return heap.writeEnum(JsonValueKind.NULL, 0, "JsonValue");
  if (typeof value === "boolean") return heap.writeEnum(JsonValueKind.BOOL, value ? 1 : 0, "JsonValue");
  if (typeof value === "string") return heap.writeEnum(JsonValueKind.STRING, heap.writeString(value), "JsonValue");
  if (value instanceof JsonNumber) return heap.writeEnum(JsonValueKind.NUMBER, heap.writeString(value.text), "JsonValue");
  if (Array.isArray(value)) {
    const items = value.map((item) => writeJson(heap, item));
    return heap.writeEnum(JsonValueKind.ARRAY, heap.writePointerArray(items, "ArrayJsonValue"), "JsonValue");
  }
  // graph-node's JSON objects are ordered maps: keys come sorted.
  const entries = [...value].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) =>
    heap.writeStruct([heap.writeString(key), writeJson(heap, item)], "TypedMapEntryStringJsonValue"),
  );
  const map = heap.writeStruct([heap.writePointerArray(entries, "ArrayTypedMapEntryStringJsonValue")], "TypedMapStringJsonValue");
  return heap.writeEnum(JsonValueKind.OBJECT, map, "JsonValue");
}

const I64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const U64_MAX = 2n ** 64n - 1n;
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

export const jsonFunctions: HostFunctionGroup = (context) => ({
  "json.fromBytes": (ptr: number) => writeJson(context.heap, parseJson(context.heap.readBytes(ptr))),
  "json.try_fromBytes": (ptr: number) => {
    const heap = context.heap;
    let parsed: Json;
    try {
      parsed = parseJson(heap.readBytes(ptr));
    } catch {
      return heap.writeStruct([0, heap.writeWrappedBool(true)], "ResultJsonValueBool");
    }
    const wrapped = heap.writeStruct([writeJson(heap, parsed)], "WrappedJsonValue");
    return heap.writeStruct([wrapped, 0], "ResultJsonValueBool");
  },
  "json.toI64": (ptr: number) => {
    const text = context.heap.readString(ptr);
    const value = /^[+-]?\d+$/.test(text) ? BigInt(text) : null;
    if (value === null || value < I64.min || value > I64.max) throw new MappingError(`JSON \`${text}\` cannot be parsed as i64`);
    return value;
  },
  "json.toU64": (ptr: number) => {
    const text = context.heap.readString(ptr);
    const value = /^\+?\d+$/.test(text) ? BigInt(text) : null;
    if (value === null || value > U64_MAX) throw new MappingError(`JSON \`${text}\` cannot be parsed as u64`);
    return BigInt.asIntN(64, value);
  },
  "json.toF64": (ptr: number) => {
    const text = context.heap.readString(ptr);
    if (!FLOAT.test(text)) throw new MappingError(`JSON \`${text}\` cannot be parsed as f64`);
    const lower = text.toLowerCase().replace(/^\+/, "");
    if (lower.endsWith("nan")) return NaN;
    if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower.startsWith("-") ? -Infinity : Infinity;
    return Number(text);
  },
  "json.toBigInt": (ptr: number) => {
    const text = context.heap.readString(ptr);
    if (!/^[+-]?\d+$/.test(text)) throw new MappingError(`JSON \`${text}\` is not a decimal string`);
    return context.heap.writeBigInt(parseBigInt(text));
  },
});
