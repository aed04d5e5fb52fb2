/**
 * graph-ts `Value` (the store's StoreValue) ↔ the indexer's `Value`, converted with the schema's field types as
 * graph-node does: a kind must be exactly the field's type (a `String` for a Bytes field is an error), lists hold
 * one kind, and null fits any field (whether it may stay null is decided after merging).
 */
import type { FieldModel, ScalarType } from "../schema.ts";
import { bytesToHex, hexToBytes, type Entity, type Value } from "../store/layout.ts";
import { normalize, parseDecimal, toDecimalString, type BigDecimalValue } from "./bigDecimal.ts";
import { MappingError } from "./errors.ts";
import type { AscHeap } from "./memory.ts";

/** graph-ts `ValueKind`. */
export const StoreValueKind = {
  STRING: 0,
  INT: 1,
  BIGDECIMAL: 2,
  BOOL: 3,
  ARRAY: 4,
  NULL: 5,
  BYTES: 6,
  BIGINT: 7,
  INT8: 8,
  TIMESTAMP: 9,
} as const;

const KIND_NAMES = ["String", "Int", "BigDecimal", "Boolean", "List", "null", "Bytes", "BigInt", "Int8", "Timestamp"];

const KIND_OF_SCALAR: Record<ScalarType, number> = {
  String: StoreValueKind.STRING,
  Int: StoreValueKind.INT,
  BigDecimal: StoreValueKind.BIGDECIMAL,
  Boolean: StoreValueKind.BOOL,
  Bytes: StoreValueKind.BYTES,
  BigInt: StoreValueKind.BIGINT,
  Int8: StoreValueKind.INT8,
  Timestamp: StoreValueKind.TIMESTAMP,
};

/** A StoreValue read out of WASM memory, with its kind. */
export interface TaggedValue {
  kind: number;
  value: Value | TaggedValue[];
}

/** A field value whose kind does not fit the field's type. */
export class StoreValueTypeError extends Error {
  override name = "StoreValueTypeError";
}

export function kindName(kind: number): string {
  return KIND_NAMES[kind] ?? `kind ${kind}`;
}

export function readBigDecimal(heap: AscHeap, ptr: number): BigDecimalValue {
  return normalize({ digits: heap.readBigInt(heap.field(ptr, 0)), exp: heap.readBigInt(heap.field(ptr, 1)) });
}

export function writeBigDecimal(heap: AscHeap, value: BigDecimalValue): number {
  const normalized = normalize(value);
  const digits = heap.writeBigInt(normalized.digits);
  const exp = heap.writeBigInt(normalized.exp);
  return heap.writeStruct([digits, exp], "BigDecimal");
}

/**
 * How deeply graph-node reads nested objects out of WASM memory: every object read (a map, an array, an entry, a
 * value, a string) is one level, and a read past this depth fails the handler.
 */
export const MAX_READ_DEPTH = 128;

/**
 * Reads a StoreValue; BigDecimal as its decimal string, Bytes as 0x hex. `depth` is the value's own level in
 * graph-node's count: its payload is read one level deeper, a list's items two.
 */
export function readStoreValue(heap: AscHeap, ptr: number, depth = 1): TaggedValue {
  if (ptr === 0) return { kind: StoreValueKind.NULL, value: null };
  const { kind, payload } = heap.readEnum(ptr);
  const nested = kind === StoreValueKind.ARRAY || kind === StoreValueKind.STRING || kind === StoreValueKind.BYTES || kind === StoreValueKind.BIGINT || kind === StoreValueKind.BIGDECIMAL;
  if (depth > MAX_READ_DEPTH || (nested && depth + 1 > MAX_READ_DEPTH)) throw new MappingError("recursion limit reached");
  const pointer = Number(payload & 0xffff_ffffn);
  switch (kind) {
    case StoreValueKind.STRING:
      return { kind, value: heap.readString(pointer) };
    case StoreValueKind.INT:
      return { kind, value: Number(BigInt.asIntN(32, payload)) };
    case StoreValueKind.BIGDECIMAL:
      return { kind, value: toDecimalString(readBigDecimal(heap, pointer)) };
    case StoreValueKind.BOOL:
      return { kind, value: (payload & 0xffn) !== 0n };
    case StoreValueKind.ARRAY:
      return { kind, value: heap.readPointerArray(pointer).map((p) => readStoreValue(heap, p, depth + 2)) };
    case StoreValueKind.NULL:
      return { kind, value: null };
    case StoreValueKind.BYTES:
      return { kind, value: bytesToHex(heap.readBytes(pointer)) };
    case StoreValueKind.BIGINT:
      return { kind, value: heap.readBigInt(pointer) };
    case StoreValueKind.INT8:
    case StoreValueKind.TIMESTAMP:
      return { kind, value: BigInt.asIntN(64, payload) };
    default:
      throw new StoreValueTypeError(`unknown StoreValue kind ${kind}`);
  }
}

/** Reads a graph-ts `TypedMap<string, Value>` (an Entity) into its entries, in order. */
export function readEntityEntries(heap: AscHeap, ptr: number): [string, TaggedValue][] {
  // graph-node counts the map, its entry array, an entry and then the value: the value is read at depth 4.
  return heap.readPointerArray(heap.field(ptr, 0)).map((entry) => [heap.readString(heap.field(entry, 0)), readStoreValue(heap, heap.field(entry, 1), 4)]);
}

/** Display of a tagged value for error messages. */
export function showTagged(tagged: TaggedValue): string {
  if (tagged.kind === StoreValueKind.ARRAY) return `[${(tagged.value as TaggedValue[]).map(showTagged).join(", ")}]`;
  return tagged.value === null ? "null" : String(tagged.value);
}

/** The field's value from a tagged StoreValue; throws StoreValueTypeError when the kind does not fit. */
export function fieldValue(field: FieldModel, tagged: TaggedValue): Value {
  if (tagged.kind === StoreValueKind.NULL) return null;
  const expected = KIND_OF_SCALAR[field.scalar];
  if (!field.list) {
    if (tagged.kind !== expected) throw kindMismatch(field, tagged);
    return tagged.value as Value;
  }
  if (tagged.kind !== StoreValueKind.ARRAY) throw kindMismatch(field, tagged);
  const items = tagged.value as TaggedValue[];
  const values: Value[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    if (item.kind !== expected && item.kind !== StoreValueKind.NULL) {
      throw new StoreValueTypeError(`field \`${field.name}\`: element ${index} of the list, \`${showTagged(item)}\`, must have type ${field.typeName} but has type ${kindName(item.kind)}`);
    }
    values[index] = item.value as Value;
  }
  return values;
}

function kindMismatch(field: FieldModel, tagged: TaggedValue): StoreValueTypeError {
  const typeName = `${field.list ? "[" : ""}${field.typeName}${field.list ? "!]" : ""}${field.required ? "!" : ""}`;
  return new StoreValueTypeError(`the value \`${showTagged(tagged)}\` for field \`${field.name}\` must have type ${typeName} but has type ${kindName(tagged.kind)}`);
}

/** Writes a field's value as a StoreValue of the field's type. */
export function writeFieldValue(heap: AscHeap, field: FieldModel, value: Value): number {
  if (value === null) return heap.writeEnum(StoreValueKind.NULL, 0, "StoreValue");
  if (field.list) {
    const items = (value as Value[]).map((item) => writeScalar(heap, field.scalar, item));
    return heap.writeEnum(StoreValueKind.ARRAY, heap.writePointerArray(items, "ArrayStoreValue"), "StoreValue");
  }
  return writeScalar(heap, field.scalar, value);
}

function writeScalar(heap: AscHeap, scalar: ScalarType, value: Value): number {
  if (value === null) return heap.writeEnum(StoreValueKind.NULL, 0, "StoreValue");
  const kind = KIND_OF_SCALAR[scalar];
  switch (scalar) {
    case "String":
      return heap.writeEnum(kind, heap.writeString(value as string), "StoreValue");
    case "Int":
      return heap.writeEnum(kind, BigInt.asUintN(32, BigInt(value as number)), "StoreValue");
    case "BigDecimal":
      return heap.writeEnum(kind, writeBigDecimal(heap, parseDecimal(String(value))), "StoreValue");
    case "Boolean":
      return heap.writeEnum(kind, value ? 1 : 0, "StoreValue");
    case "Bytes":
      return heap.writeEnum(kind, heap.writeBytes(hexToBytes(value as string)), "StoreValue");
    case "BigInt":
      return heap.writeEnum(kind, heap.writeBigInt(BigInt(value as bigint)), "StoreValue");
    case "Int8":
    case "Timestamp":
      return heap.writeEnum(kind, BigInt(value as bigint), "StoreValue");
  }
}

/** Writes an entity (its non-null fields, sorted by name, as graph-node does) as a `TypedMap<string, Value>`. */
export function writeEntity(heap: AscHeap, entity: Entity, fieldOf: (name: string) => FieldModel | undefined): number {
  const entries: number[] = [];
  for (const name of Object.keys(entity).sort()) {
    const value = entity[name] ?? null;
    if (value === null) continue;
    const field = fieldOf(name);
    const stored = field ? writeFieldValue(heap, field, value) : writeUntypedValue(heap, value);
    entries.push(heap.writeStruct([heap.writeString(name), stored], "TypedMapEntryStringStoreValue"));
  }
  return heap.writeStruct([heap.writePointerArray(entries, "ArrayTypedMapEntryStringStoreValue")], "TypedMapStringStoreValue");
}

/**
 * A value without a schema field (a data source context): strings as String, numbers as Int, bigints as BigInt,
 * booleans as Boolean, arrays as lists.
 */
export function writeUntypedValue(heap: AscHeap, value: Value): number {
  if (value === null) return heap.writeEnum(StoreValueKind.NULL, 0, "StoreValue");
  if (Array.isArray(value)) {
    const items = value.map((item) => writeUntypedValue(heap, item));
    return heap.writeEnum(StoreValueKind.ARRAY, heap.writePointerArray(items, "ArrayStoreValue"), "StoreValue");
  }
  switch (typeof value) {
    case "string":
      return heap.writeEnum(StoreValueKind.STRING, heap.writeString(value), "StoreValue");
    case "number":
      return heap.writeEnum(StoreValueKind.INT, BigInt.asUintN(32, BigInt(value)), "StoreValue");
    case "bigint":
      return heap.writeEnum(StoreValueKind.BIGINT, heap.writeBigInt(value), "StoreValue");
    default:
      return heap.writeEnum(StoreValueKind.BOOL, value ? 1 : 0, "StoreValue");
  }
}
