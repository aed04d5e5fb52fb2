/**
 * The entity cache of one block: the WASM host's store calls during the block's triggers land here, reads see
 * the block's own writes over the committed state (the cache), and `commit` hands everything to the store for
 * one atomic write.
 */
import { implementersOf, storedFields, type EntityModel, type SchemaModel } from "../schema.ts";
import type { BlockPtr } from "./blockPtr.ts";
import type { CreatedDataSource, DoneDataSource } from "./dataSources.ts";
import type { HostStore } from "./hostStore.ts";
import { secondsToTimestamp, type Entity, type Value } from "./layout.ts";
import { copyEntity, entityKey, refersTo, type EntityChanges, type EntityCache } from "./entityCache.ts";
import { StoreError } from "./storeError.ts";

/** The store of one block while its triggers run; `commit` writes it. */
export interface BlockWriter extends HostStore {
  readonly block: BlockPtr;
  /** How many entity changes (writes and removals) the block holds so far. */
  readonly changeCount: number;
  /** Records a data source created from a template in this block (written with the block). */
  createDataSource(source: CreatedDataSource): void;
  /** Records that a file data source's handler ran in this block and wrote `wrote` (written with the block). */
  markDone(source: CreatedDataSource, wrote: [string, string][]): void;
  /**
   * One transaction: entity versions, timeseries rows, rollups, the `_blocks` row and the head in `_meta`, with
   * every block staged before it. With `defer`, the block is staged instead: the store and the blocks after it
   * see it at once, and the next commit without `defer` (or the store's `flush`) writes it, all or nothing.
   */
  commit(options?: { defer?: boolean }): Promise<void>;
}

/** What a block's writes amount to, as the store commits them. */
export interface BlockContent {
  block: BlockPtr;
  /** `@entity` types: per type, id key → the entity's new state (null: removed). */
  changes: EntityChanges;
  /** Timeseries: per type, the data points in the order they were written (ids and timestamps set). */
  dataPoints: Map<string, Entity[]>;
  /** The next id of each timeseries once this block is committed. */
  nextTimeseriesIds: Map<string, bigint>;
  /** Data sources created from templates in this block, in creation order. */
  createdDataSources: CreatedDataSource[];
  /** File data sources whose handlers ran in this block. */
  doneDataSources: DoneDataSource[];
}

/** What a block cache is built from: the block, the committed state it reads, and how it is committed. */
export interface BlockCacheOptions {
  block: BlockPtr;
  schema: SchemaModel;
  cache: EntityCache;
  /** The next id of each timeseries as committed so far. */
  nextTimeseriesIds: ReadonlyMap<string, bigint>;
  /** Writes the content (with what is staged) in one transaction, or stages it with `defer`; throws when it cannot. */
  commit(content: BlockContent, defer: boolean): Promise<void>;
}

/** The `BlockWriter` the store hands out for each block. */
export class BlockCache implements BlockWriter {
  readonly block: BlockPtr;
  private readonly schema: SchemaModel;
  private readonly cache: EntityCache;
  private readonly commitContent: (content: BlockContent, defer: boolean) => Promise<void>;
  private readonly changes: EntityChanges = new Map();
  private readonly dataPoints = new Map<string, Entity[]>();
  private readonly createdDataSources: CreatedDataSource[] = [];
  private readonly doneDataSources: DoneDataSource[] = [];
  private readonly nextIds: Map<string, bigint>;
  private committed = false;

  constructor(options: BlockCacheOptions) {
    this.block = options.block;
    this.schema = options.schema;
    this.cache = options.cache;
    this.commitContent = options.commit;
    this.nextIds = new Map(options.nextTimeseriesIds);
  }

  get(entityType: string, id: string): Entity | null {
    const model = this.storedEntity(entityType, "read");
    const key = entityKey(model, id);
    const pending = this.changes.get(entityType)?.get(key);
    if (pending !== undefined) return pending && copyEntity(pending);
    const current = this.cache.get(entityType, key);
    return current ? copyEntity(current) : null;
  }

  get changeCount(): number {
    let count = 0;
    for (const entities of this.changes.values()) count += entities.size;
    return count;
  }

  getInBlock(entityType: string, id: string): Entity | null {
    const model = this.storedEntity(entityType, "read");
    const pending = this.changes.get(entityType)?.get(entityKey(model, id));
    return pending ? copyEntity(pending) : null;
  }

  set(entityType: string, id: string, entity: Entity): void {
    this.assertOpen();
    const model = this.model(entityType);
    if (model.kind === "aggregation") {
      throw new StoreError(`${entityType} is an aggregation: its rows are computed from ${model.aggregation!.source}, not written`);
    }
    if (model.kind === "timeseries") {
      this.addDataPoint(model, entity);
      return;
    }
    const value = storedValues(model, entity);
    value.id ??= model.idType === "Int8" ? BigInt(id) : id;
    const key = entityKey(model, id);
    if (entityKey(model, value.id) !== key) {
      throw new StoreError(`${entityType}[${id}]: the entity's id is ${String(value.id)}, not the id it is stored under`);
    }
    if (model.immutable && this.cache.get(entityType, key)) {
      throw new StoreError(`${entityType}[${id}] is immutable and already exists: block ${this.block.number} cannot write it again`);
    }
    this.pending(entityType).set(key, value);
  }

  remove(entityType: string, id: string): void {
    this.assertOpen();
    const model = this.storedEntity(entityType, "remove");
    const key = entityKey(model, id);
    if (model.immutable) {
      if (this.cache.get(entityType, key)) {
        throw new StoreError(`${entityType}[${id}] is immutable: it cannot be removed`);
      }
      this.changes.get(entityType)?.delete(key);
      return;
    }
    this.pending(entityType).set(key, null);
  }

  loadRelated(entityType: string, id: string, fieldName: string): Entity[] {
    const model = this.storedEntity(entityType, "read");
    const field = model.field.get(fieldName);
    if (!field?.derivedFrom || !field.reference) {
      throw new StoreError(`${entityType}.${fieldName} is not a @derivedFrom field`);
    }
    // Through an interface, the entities of every type that implements it.
    const targetKey = entityKey(model, id);
    const entities: Entity[] = [];
    for (const related of implementersOf(this.schema, field.reference)) {
      const back = related.field.get(field.derivedFrom)!;
      const pending = this.changes.get(related.name);
      const candidates = new Set(this.cache.referencing(related.name, back, targetKey));
      for (const key of pending?.keys() ?? []) candidates.add(key);
      for (const key of candidates) {
        const entity = pending?.has(key) ? pending.get(key)! : (this.cache.get(related.name, key) ?? null);
        if (entity && refersTo(entity, back, targetKey)) entities.push(copyEntity(entity));
      }
    }
    return entities;
  }

  createDataSource(source: CreatedDataSource): void {
    this.assertOpen();
    this.createdDataSources.push(source);
  }

  markDone(source: CreatedDataSource, wrote: [string, string][]): void {
    this.assertOpen();
    this.doneDataSources.push({ source, wrote });
  }

  async commit(options: { defer?: boolean } = {}): Promise<void> {
    this.assertOpen();
    await this.commitContent(
      {
        block: this.block,
        changes: this.changes,
        dataPoints: this.dataPoints,
        nextTimeseriesIds: this.nextIds,
        createdDataSources: this.createdDataSources,
        doneDataSources: this.doneDataSources,
      },
      options.defer ?? false,
    );
    this.committed = true;
  }

  /**
   * A data point keeps the Int8 id the host gave it (graph-node generates `block << 32 | sequence`); one without
   * an id gets the next of the timeseries: one more than any id it holds.
   */
  private addDataPoint(model: EntityModel, entity: Entity): void {
    const next = this.nextIds.get(model.name) ?? 1n;
    const given = entity.id;
    const id = typeof given === "bigint" || typeof given === "number" ? BigInt(given) : next;
    this.nextIds.set(model.name, id >= next ? id + 1n : next);
    const point = storedValues(model, entity);
    point.id = id;
    point.timestamp = secondsToTimestamp(this.block.timestamp);
    let points = this.dataPoints.get(model.name);
    if (!points) this.dataPoints.set(model.name, (points = []));
    points.push(point);
  }

  private pending(entityType: string): Map<string, Entity | null> {
    let pending = this.changes.get(entityType);
    if (!pending) this.changes.set(entityType, (pending = new Map()));
    return pending;
  }

  private model(entityType: string): EntityModel {
    const model = this.schema.entities.get(entityType);
    if (!model) throw new StoreError(`unknown entity type ${entityType}`);
    return model;
  }

  /** The model of an `@entity` type that is neither a timeseries nor an aggregation. */
  private storedEntity(entityType: string, action: string): EntityModel {
    const model = this.model(entityType);
    if (model.kind !== "entity") {
      throw new StoreError(`${entityType} is a ${model.kind}: a mapping cannot ${action} it by id`);
    }
    return model;
  }

  private assertOpen(): void {
    if (this.committed) throw new StoreError(`block ${this.block.number} is already committed`);
  }
}

/** The entity's stored fields (missing ones as null); anything else it carries is dropped. */
function storedValues(model: EntityModel, entity: Entity): Entity {
  const values: Entity = {};
  for (const field of storedFields(model)) {
    const value: Value | undefined = entity[field.name];
    values[field.name] = value === undefined ? null : Array.isArray(value) ? [...value] : value;
  }
  return values;
}
