/**
 * A data source's context (graph-ts `DataSourceContext`, an entity without a schema): its entries keep the value
 * kinds the mapping wrote, so `getBigInt` reads back a BigInt and `getBytes` Bytes. It is serialized as JSON text
 * (bigints as decimal strings) to be stored with the data source it belongs to.
 */
import { parseDecimal } from "./bigDecimal.ts";
import type { AscHeap } from "./memory.ts";
import { hexToBytes } from "../store/layout.ts";
import { StoreValueKind, writeBigDecimal, type TaggedValue } from "./storeValues.ts";

/** The context's entries, in the order the mapping set them. */
export type DataSourceContext = [string, TaggedValue][];

/** Writes the context as a `TypedMap<string, Value>` (empty when there is none). */
export function writeContext(heap: AscHeap, context: DataSourceContext | null): number {
  const entries = (context ?? []).map(([name, value]) =>
    heap.writeStruct([heap.writeString(name), writeTagged(heap, value)], "TypedMapEntryStringStoreValue"),
  );
  return heap.writeStruct([heap.writePointerArray(entries, "ArrayTypedMapEntryStringStoreValue")], "TypedMapStringStoreValue");
}

/** Writes a value with the kind it was read with. */
export function writeTagged(heap: AscHeap, tagged: TaggedValue): number {
  const { kind, value } = tagged;
  switch (kind) {
    case StoreValueKind.STRING:
      return heap.writeEnum(kind, heap.writeString(value as string), "StoreValue");
    case StoreValueKind.INT:
      return heap.writeEnum(kind, BigInt.asUintN(32, BigInt(value as number)), "StoreValue");
    case StoreValueKind.BIGDECIMAL:
      return heap.writeEnum(kind, writeBigDecimal(heap, parseDecimal(String(value))), "StoreValue");
    case StoreValueKind.BOOL:
      return heap.writeEnum(kind, value ? 1 : 0, "StoreValue");
    case StoreValueKind.ARRAY: {
      const items = (value as TaggedValue[]).map((item) => writeTagged(heap, item));
      return heap.writeEnum(kind, heap.writePointerArray(items, "ArrayStoreValue"), "StoreValue");
    }
    case StoreValueKind.BYTES:
      return heap.writeEnum(kind, heap.writeBytes(hexToBytes(value as string)), "StoreValue");
    case StoreValueKind.BIGINT:
      return heap.writeEnum(kind, heap.writeBigInt(value as bigint), "StoreValue");
    case StoreValueKind.INT8:
    case StoreValueKind.TIMESTAMP:
      return heap.writeEnum(kind, BigInt.asUintN(64, value as bigint), "StoreValue");
    default:
      return heap.writeEnum(StoreValueKind.NULL, 0, "StoreValue");
  }
}

const BIGINT_KINDS: ReadonlySet<number> = new Set([StoreValueKind.BIGINT, StoreValueKind.INT8, StoreValueKind.TIMESTAMP]);

/** The context as JSON text, for the store. */
export function serializeContext(context: DataSourceContext): string {
  const plain = (tagged: TaggedValue): unknown => ({
    kind: tagged.kind,
    value: tagged.kind === StoreValueKind.ARRAY ? (tagged.value as TaggedValue[]).map(plain) : BIGINT_KINDS.has(tagged.kind) ? String(tagged.value) : tagged.value,
  });
  return JSON.stringify(context.map(([name, value]) => [name, plain(value)]));
}

/** The context from its JSON text. */
export function parseContext(text: string): DataSourceContext {
  const tagged = (plain: { kind: number; value: unknown }): TaggedValue => ({
    kind: plain.kind,
    value:
      plain.kind === StoreValueKind.ARRAY
        ? (plain.value as { kind: number; value: unknown }[]).map(tagged)
        : BIGINT_KINDS.has(plain.kind)
          ? BigInt(plain.value as string)
          : (plain.value as TaggedValue["value"]),
  });
  return (JSON.parse(text) as [string, { kind: number; value: unknown }][]).map(([name, value]) => [name, tagged(value)]);
}
