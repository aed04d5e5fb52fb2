/**
 * The current entities the WASM host reads (`@entity` types, mutable and immutable; not timeseries, not
 * aggregations), kept in a bounded cache over the database. Host functions are synchronous, so a miss is read
 * with the database's `readSync`. The database is the source of truth for what is written; what staged blocks
 * changed (in memory, not yet written) is held apart and never evicted until written, so a read always sees
 * the head the indexer is at.
 */
import { storedFields, type EntityModel, type FieldModel, type SchemaModel } from "../schema.ts";
import type { Db } from "./db.ts";
import { KeyFilter } from "./keyFilter.ts";
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

/** How many committed entities the cache keeps by default (written ones; staged blocks' changes come on top). */
export const DEFAULT_ENTITY_CACHE_SIZE = 50_000;

/** Reads, hits and misses, for benchmarks. */
export interface EntityCacheStats {
  hits: number;
  misses: number;
  /** Entities (and known absences) held now, staged changes included. */
  size: number;
  /** The changes of staged blocks among them (held until written). */
  staged: number;
}

/**
 * The current entities by type and id key: a least-recently-used cache of committed ones (absences included),
 * over the staged changes that are not written yet.
 */
export class EntityCache {
  private readonly schema: SchemaModel;
  private readonly db: Db;
  private readonly namespace: string;
  private readonly capacity: number;
  /** Committed state, oldest use first: `type\0key` → the entity, or null when there is none. */
  private readonly recent = new Map<string, Entity | null>();
  /** What staged blocks changed, by type: key → the entity, or null for a removal. Written, it moves to `recent`. */
  private readonly unwritten = new Map<string, Map<string, Entity | null>>();
  private readonly counts = { hits: 0, misses: 0 };
  /** Every key that exists in the database or a staged block (and some that no longer do): a miss outside it needs no read. */
  private readonly existing = new KeyFilter();

  constructor(options: { schema: SchemaModel; db: Db; namespace: string; capacity?: number }) {
    this.schema = options.schema;
    this.db = options.db;
    this.namespace = options.namespace;
    this.capacity = Math.max(1, options.capacity ?? DEFAULT_ENTITY_CACHE_SIZE);
  }

  get stats(): EntityCacheStats {
    let staged = 0;
    for (const entities of this.unwritten.values()) staged += entities.size;
    return { ...this.counts, size: this.recent.size + staged, staged };
  }

  /** The current entity (the cache's own object: copy it before handing it out), or undefined. */
  get(entityType: string, key: string): Entity | undefined {
    const staged = this.unwritten.get(entityType);
    if (staged?.has(key)) return staged.get(key) ?? undefined;
    const slot = `${entityType}\u0000${key}`;
    const cached = this.recent.get(slot);
    if (cached !== undefined) {
      this.counts.hits += 1;
      this.recent.delete(slot);
      this.recent.set(slot, cached);
      return cached ?? undefined;
    }
    const model = this.model(entityType);
    if (!model) return undefined;
    if (!this.existing.mayHave(slot)) {
      this.counts.hits += 1;
      this.remember(slot, null);
      return undefined;
    }
    this.counts.misses += 1;
    const rows = this.select(model, `${quote(column(model.field.get("id")!))} = ${literal(model.idType, key)}`);
    const entity = rows[0] ?? null;
    this.remember(slot, entity);
    return entity ?? undefined;
  }

  /** The keys of the current `entityType` entities whose reference `field` may point at (or contain) `targetKey`: check each. */
  referencing(entityType: string, field: FieldModel, targetKey: string): Iterable<string> {
    const model = this.model(entityType);
    if (!model) return [];
    const target = literal(field.scalar, targetKey);
    const col = quote(column(field));
    const keys = new Set<string>();
    for (const entity of this.select(model, field.list ? `${target} = ANY(${col})` : `${col} = ${target}`)) {
      const key = entityKey(model, entity.id!);
      keys.add(key);
      const slot = `${entityType}\u0000${key}`;
      if (!this.recent.has(slot)) this.remember(slot, entity);
    }
    for (const key of this.unwritten.get(entityType)?.keys() ?? []) keys.add(key);
    return keys;
  }

  /** Applies a staged block's changes: they are read from here until `written`. */
  apply(changes: EntityChanges): void {
    for (const [entityType, entities] of changes) {
      if (!this.model(entityType)) continue;
      let staged = this.unwritten.get(entityType);
      if (!staged) this.unwritten.set(entityType, (staged = new Map()));
      for (const [key, entity] of entities) {
        staged.set(key, entity);
        if (entity) this.existing.add(`${entityType}\u0000${key}`);
      }
    }
  }

  /** The staged changes are in the database now: they become ordinary cached entities. */
  written(): void {
    for (const [entityType, entities] of this.unwritten) {
      for (const [key, entity] of entities) {
        const slot = `${entityType}\u0000${key}`;
        this.recent.delete(slot);
        this.remember(slot, entity);
      }
    }
    this.unwritten.clear();
  }

  /** Reads the keys of every current entity into the filter of existing keys (once, when the store opens). */
  async loadKeys(): Promise<void> {
    for (const model of this.schema.entities.values()) {
      if (model.kind !== "entity") continue;
      const id = model.field.get("id")!;
      const { rows } = await this.db.query<Record<string, unknown>>(
        `SELECT ${quote(column(id))} FROM ${quote(this.namespace)}.${quote(entityTable(model))} WHERE block_end IS NULL`,
      );
      for (const row of rows) this.existing.add(`${model.name}\u0000${entityKey(model, fromSql(id, row[column(id)])!)}`);
    }
  }

  /** Forgets everything: after a revert, or a write that failed, the database is read again. */
  clear(): void {
    this.recent.clear();
    this.unwritten.clear();
  }

  private remember(slot: string, entity: Entity | null): void {
    this.recent.set(slot, entity);
    while (this.recent.size > this.capacity) this.recent.delete(this.recent.keys().next().value!);
  }

  private model(entityType: string): EntityModel | undefined {
    const model = this.schema.entities.get(entityType);
    return model?.kind === "entity" ? model : undefined;
  }

  /** The current versions of `model` that match `condition` (SQL). */
  private select(model: EntityModel, condition: string): Entity[] {
    const fields = storedFields(model);
    const columns = fields.map((f) => quote(column(f))).join(", ");
    const rows = this.db.readSync<Record<string, unknown>>(
      `SELECT ${columns} FROM ${quote(this.namespace)}.${quote(entityTable(model))} WHERE block_end IS NULL AND ${condition}`,
    );
    return rows.map((row) => {
      const entity: Entity = {};
      for (const field of fields) entity[field.name] = fromSql(field, row[column(field)]);
      return entity;
    });
  }
}

/** A key (as `entityKey` makes it) as an SQL literal of its column's type. */
function literal(scalar: FieldModel["scalar"], key: string): string {
  if (scalar === "Bytes") {
    if (!/^0x([0-9a-f]{2})*$/.test(key)) throw new TypeError(`${key} is not a Bytes key`);
    return `'\\x${key.slice(2)}'::bytea`;
  }
  if (scalar === "Int8") {
    if (!/^-?\d+$/.test(key)) throw new TypeError(`${key} is not an Int8 key`);
    return `${key}::int8`;
  }
  return `'${key.replace(/'/g, "''")}'`;
}
