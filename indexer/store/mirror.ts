/**
 * The current version of every entity (all `@entity` types, mutable and immutable; not timeseries, not
 * aggregations) kept in memory. The WASM host reads the store synchronously while PostgreSQL answers
 * asynchronously, so reads during a trigger come from here; the database stays the source of truth, the mirror
 * is loaded from it at open and after a revert, and follows each committed block.
 */
import { storedFields, type EntityModel, type FieldModel, type SchemaModel } from "../schema.ts";
import type { Db } from "./db.ts";
import { column, entityTable, fromSql, quote, type Entity, type Value } from "./layout.ts";

/** A block's entity changes: per entity type, id key (see `entityKey`) → the new entity, or null for a removal. */
export type EntityChanges = Map<string, Map<string, Entity | null>>;

/** The map key of an id: Bytes ids lowercased, Int8 ids in decimal, String ids as they are. */
export function entityKey(entity: EntityModel, id: Value): string {
  return valueKey(entity.idType, id);
}

function valueKey(scalar: FieldModel["scalar"], value: Value): string {
  if (scalar === "Bytes" && typeof value === "string") return value.toLowerCase();
  return String(value);
}

/** A copy the caller may change without touching the mirror (values are scalars or flat lists). */
export function copyEntity(entity: Entity): Entity {
  const copy: Entity = {};
  for (const [name, value] of Object.entries(entity)) copy[name] = Array.isArray(value) ? [...value] : value;
  return copy;
}

/** Whether two entities hold the same values. */
export function sameEntity(a: Entity, b: Entity): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const name of names) {
    if (!sameValue(a[name] ?? null, b[name] ?? null)) return false;
  }
  return true;
}

function sameValue(a: Value, b: Value): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameValue(item, b[i]!));
  }
  return a === b;
}

/** Whether `entity`'s reference field `field` points at the id with key `targetKey` (or, for a list, contains it). */
export function refersTo(entity: Entity, field: FieldModel, targetKey: string): boolean {
  const value = entity[field.name] ?? null;
  if (Array.isArray(value)) return value.some((item) => item !== null && valueKey(field.scalar, item) === targetKey);
  return value !== null && valueKey(field.scalar, value) === targetKey;
}

/** The current entities by type and id key, with reference indexes for `@derivedFrom` loads. */
export class EntityMirror {
  private readonly schema: SchemaModel;
  private readonly byType = new Map<string, Map<string, Entity>>();
  /** Built on first use by `referencing`: type → field → referenced id key → keys of the referring entities. */
  private readonly referenceIndexes = new Map<string, Map<string, Map<string, Set<string>>>>();

  constructor(schema: SchemaModel) {
    this.schema = schema;
    for (const entity of schema.entities.values()) {
      if (entity.kind === "entity") this.byType.set(entity.name, new Map());
    }
  }

  /** Reads the current versions (`block_end IS NULL`) of every entity type in `namespace`. */
  static async load(db: Db, schema: SchemaModel, namespace: string): Promise<EntityMirror> {
    const mirror = new EntityMirror(schema);
    for (const entity of schema.entities.values()) {
      if (entity.kind !== "entity") continue;
      const fields = storedFields(entity);
      const columns = fields.map((f) => quote(column(f))).join(", ");
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT ${columns} FROM ${quote(namespace)}.${quote(entityTable(entity))} WHERE block_end IS NULL`,
      );
      const current = mirror.byType.get(entity.name)!;
      for (const row of rows) {
        const value: Entity = {};
        for (const field of fields) value[field.name] = fromSql(field, row[column(field)]);
        current.set(entityKey(entity, value.id!), value);
      }
    }
    return mirror;
  }

  /** The current entity (the mirror's own object: copy it before handing it out), or undefined. */
  get(entityType: string, key: string): Entity | undefined {
    return this.byType.get(entityType)?.get(key);
  }

  /** The keys of the current `entityType` entities whose reference `field` points at (or contains) `targetKey`. */
  referencing(entityType: string, field: FieldModel, targetKey: string): Iterable<string> {
    return this.referenceIndex(entityType, field).get(targetKey) ?? [];
  }

  /** Applies a committed block's changes. */
  apply(changes: EntityChanges): void {
    for (const [entityType, entities] of changes) {
      const current = this.byType.get(entityType);
      if (!current) continue;
      const indexes = this.referenceIndexes.get(entityType);
      for (const [key, entity] of entities) {
        const previous = current.get(key);
        if (indexes && previous) this.unindex(indexes, entityType, key, previous);
        if (entity === null) current.delete(key);
        else {
          current.set(key, entity);
          if (indexes) this.index(indexes, entityType, key, entity);
        }
      }
    }
  }

  private referenceIndex(entityType: string, field: FieldModel): Map<string, Set<string>> {
    let indexes = this.referenceIndexes.get(entityType);
    if (!indexes) {
      indexes = new Map();
      this.referenceIndexes.set(entityType, indexes);
    }
    let index = indexes.get(field.name);
    if (!index) {
      index = new Map();
      indexes.set(field.name, index);
      for (const [key, entity] of this.byType.get(entityType) ?? []) addReferences(index, field, key, entity);
    }
    return index;
  }

  private index(indexes: Map<string, Map<string, Set<string>>>, entityType: string, key: string, entity: Entity): void {
    const model = this.schema.entities.get(entityType)!;
    for (const [fieldName, index] of indexes) addReferences(index, model.field.get(fieldName)!, key, entity);
  }

  private unindex(indexes: Map<string, Map<string, Set<string>>>, entityType: string, key: string, entity: Entity): void {
    const model = this.schema.entities.get(entityType)!;
    for (const [fieldName, index] of indexes) {
      const field = model.field.get(fieldName)!;
      for (const target of referencedKeys(field, entity)) {
        const keys = index.get(target);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(target);
      }
    }
  }
}

function referencedKeys(field: FieldModel, entity: Entity): string[] {
  const value = entity[field.name] ?? null;
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v) => v !== null).map((v) => valueKey(field.scalar, v));
}

function addReferences(index: Map<string, Set<string>>, field: FieldModel, key: string, entity: Entity): void {
  for (const target of referencedKeys(field, entity)) {
    let keys = index.get(target);
    if (!keys) {
      keys = new Set();
      index.set(target, keys);
    }
    keys.add(key);
  }
}
