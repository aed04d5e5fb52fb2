/**
 * `store.*`: entity reads and writes, checked against the schema as graph-node checks them.
 *
 * `store.set` is a partial update, as in graph-node's entity cache: the fields it carries replace the stored
 * entity's, a null removes one, the rest stay. The merged entity must have every non-null field; HostStore.set
 * receives it whole (every stored field, null where absent). An immutable entity can be written again in the
 * block that created it, and later only with the values it has (a no-op, as in graph-node's entity cache).
 * Timeseries data points get a generated id and the block's timestamp.
 */
import { implementersOf, storedFields, type EntityModel } from "../../schema.ts";
import type { Entity, Value } from "../../store/layout.ts";
import { sameEntity } from "../../store/entityCache.ts";
import { apiVersionAtLeast, type HostContext, type HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";
import { StoreValueKind, StoreValueTypeError, fieldValue, kindName, readEntityEntries, showTagged, writeEntity, type TaggedValue } from "../storeValues.ts";

const SECOND = 1_000_000n;

export const storeFunctions: HostFunctionGroup = (context) => {
  const heap = () => context.heap;
  return {
    "store.get": (typePtr: number, idPtr: number) => get(context, heap().readString(typePtr), heap().readString(idPtr), "store"),
    "store.get_in_block": (typePtr: number, idPtr: number) =>
      get(context, heap().readString(typePtr), heap().readString(idPtr), "block"),
    "store.set": (typePtr: number, idPtr: number, dataPtr: number) =>
      set(context, heap().readString(typePtr), heap().readString(idPtr), readEntityEntries(heap(), dataPtr)),
    "store.remove": (typePtr: number, idPtr: number) => {
      const entity = objectType(context, heap().readString(typePtr), "remove");
      context.env.store.remove(entity.name, normalizeId(entity, heap().readString(idPtr)));
    },
    "store.loadRelated": (typePtr: number, idPtr: number, fieldPtr: number) => {
      const entity = objectType(context, heap().readString(typePtr), "load related entities of");
      const fieldName = heap().readString(fieldPtr);
      const field = entity.field.get(fieldName);
      if (!field?.derivedFrom || !field.reference) {
        throw new MappingError(`Entity ${entity.name}: field \`${fieldName}\` is not a @derivedFrom field`);
      }
      // Through an interface, the related entities may be of several types: a field is typed as the first one that has it.
      const targets = implementersOf(context.schema, field.reference);
      const related = context.env.store.loadRelated(entity.name, normalizeId(entity, heap().readString(idPtr)), fieldName);
      const pointers = related.map((e) => writeEntity(heap(), e, (name) => targets.map((t) => t.field.get(name)).find((f) => f !== undefined)));
      return heap().writePointerArray(pointers, "ArrayTypedMapStringStoreValue");
    },
  };
};

/** The entity type, which must be an `@entity` (a timeseries is one; an aggregation is not). */
function objectType(context: HostContext, name: string, operation: string): EntityModel {
  const entity = context.schema.entities.get(name);
  if (!entity) throw new MappingError(`Entity type \`${name}\` is not defined in the schema`);
  if (entity.kind === "aggregation") {
    throw new MappingError(`Cannot ${operation} entity of type \`${name}\`. The type must be an @entity type`);
  }
  return entity;
}

/** The id as the store keys it: Bytes ids in lower case hex, Int8 ids in decimal. */
function normalizeId(entity: EntityModel, id: string): string {
  if (entity.idType === "Bytes") {
    if (!/^(0x)?[0-9a-fA-F]*$/.test(id) || id.replace(/^0x/, "").length % 2) {
      throw new MappingError(`Entity ${entity.name}: id \`${id}\` is not valid hex for a Bytes id`);
    }
    return `0x${id.replace(/^0x/, "").toLowerCase()}`;
  }
  if (entity.idType === "Int8") {
    if (!/^-?\d+$/.test(id)) throw new MappingError(`Entity ${entity.name}: id \`${id}\` is not an Int8`);
    return BigInt(id).toString();
  }
  return id;
}

function get(context: HostContext, typeName: string, rawId: string, scope: "store" | "block"): number {
  const entity = objectType(context, typeName, "get");
  const id = normalizeId(entity, rawId);
  const found = scope === "store" ? context.env.store.get(entity.name, id) : context.env.store.getInBlock(entity.name, id);
  if (!found) return 0;
  return writeEntity(context.heap, found, (name) => entity.field.get(name));
}

function set(context: HostContext, typeName: string, rawId: string, entries: [string, TaggedValue][]): void {
  const entity = objectType(context, typeName, "set");
  const data = new Map(entries);
  const generated = rawId === "auto" || entity.kind === "timeseries";
  let id: string;
  if (generated) {
    const sequence = context.ids;
    if (entity.idType === "Int8") {
      const value = sequence.nextInt8();
      id = value.toString();
      data.set("id", { kind: StoreValueKind.INT8, value });
    } else if (entity.idType === "Bytes") {
      id = sequence.nextBytes();
      data.set("id", { kind: StoreValueKind.BYTES, value: id });
    } else {
      throw new MappingError(`Entity ${entity.name}: String ids cannot be generated; use Bytes or Int8 ids`);
    }
  } else {
    id = normalizeId(entity, rawId);
  }
  if (entity.kind === "timeseries") {
    data.set("timestamp", { kind: StoreValueKind.TIMESTAMP, value: context.block.timestamp * SECOND });
  }

  const givenId = data.get("id");
  const expectedId = idValue(entity, id);
  if (givenId === undefined) {
    data.set("id", expectedId);
  } else if (givenId.kind !== expectedId.kind) {
    throw new MappingError(`Attribute \`${entity.name}.id\` has wrong type: expected ${entity.idType} but got ${kindName(givenId.kind)}`);
  } else if (String(givenId.value) !== String(expectedId.value)) {
    throw new MappingError(`Value of ${entity.name} attribute 'id' conflicts with ID passed to \`store.set()\`: ${showTagged(givenId)} != ${id}`);
  }

  const updates = fieldUpdates(context, entity, id, data);
  const merged = mergeWithStored(context, entity, id, updates, !generated);
  if (merged) context.env.store.set(entity.name, id, merged);
}

/** The fields a `store.set` writes, checked against the schema; a null value clears its field. */
function fieldUpdates(context: HostContext, entity: EntityModel, id: string, data: Map<string, TaggedValue>): Entity {
  // Checked before any value, without allocating on the common path (every field known).
  let unknown: string[] | undefined;
  for (const name of data.keys()) if (!entity.field.has(name)) (unknown ??= []).push(name);
  if (unknown && apiVersionAtLeast(context.apiVersion, "0.0.8")) {
    throw new MappingError(
      `Attempted to set undefined fields [${unknown.sort().join(", ")}] for the entity type \`${entity.name}\`. Make sure those fields are defined in the schema.`,
    );
  }
  const updates: Entity = {};
  for (const [name, tagged] of data) {
    const field = entity.field.get(name);
    if (!field) continue; // below apiVersion 0.0.8 unknown fields are dropped
    if (field.derivedFrom) {
      if (tagged.kind !== StoreValueKind.NULL) {
        throw new MappingError(`Entity ${entity.name}[${id}]: field \`${name}\` is derived and can not be set`);
      }
      continue;
    }
    try {
      updates[name] = fieldValue(field, tagged);
      if (field.enumName) checkEnumValue(context, entity, id, field.name, field.enumName, updates[name]!);
    } catch (error) {
      if (error instanceof StoreValueTypeError) throw new MappingError(`Entity ${entity.name}[${id}]: ${error.message}`, { cause: error });
      throw error;
    }
  }
  return updates;
}

/** An enum field holds one of its enum's values (graph-node's enum columns refuse anything else). */
function checkEnumValue(context: HostContext, entity: EntityModel, id: string, fieldName: string, enumName: string, value: Value): void {
  const allowed = context.schema.enums.get(enumName)?.values ?? [];
  for (const item of Array.isArray(value) ? value : [value]) {
    if (item !== null && !allowed.includes(item as string)) {
      throw new MappingError(`Entity ${entity.name}[${id}]: \`${String(item)}\` is not a value of enum ${enumName} (field \`${fieldName}\`: ${allowed.join(", ")})`);
    }
  }
}

/**
 * The whole entity after `updates`: every stored field, from the updates or else the stored version; null when
 * there is nothing to write: an immutable entity from an earlier block, saved again with the values it has.
 */
function mergeWithStored(context: HostContext, entity: EntityModel, id: string, updates: Entity, mayExist: boolean): Entity | null {
  const existing = mayExist ? context.env.store.get(entity.name, id) : null;
  const fromEarlierBlock = !!existing && entity.immutable && !context.env.store.getInBlock(entity.name, id);
  const merged: Entity = {};
  for (const field of storedFields(entity)) {
    const value: Value = field.name in updates ? updates[field.name]! : (existing?.[field.name] ?? null);
    if (value === null && field.required) {
      throw new MappingError(`Entity ${entity.name}[${id}]: missing value for non-nullable field \`${field.name}\``);
    }
    merged[field.name] = value;
  }
  if (fromEarlierBlock) {
    // graph-node's entity cache merges the save into the entity it holds: no change, no write; a change would
    // overwrite an immutable entity, which its store refuses.
    if (sameEntity(existing!, merged)) return null;
    throw new MappingError(`Entity ${entity.name}[${id}] is immutable and already exists: it cannot be written again with other values`);
  }
  return merged;
}

/** The `id` field's value for the id string the store keys by. */
function idValue(entity: EntityModel, id: string): TaggedValue {
  if (entity.idType === "Bytes") return { kind: StoreValueKind.BYTES, value: id };
  if (entity.idType === "Int8") return { kind: StoreValueKind.INT8, value: BigInt(id) };
  return { kind: StoreValueKind.STRING, value: id };
}
