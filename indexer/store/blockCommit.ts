/**
 * The SQL of one committed block, run inside its transaction: new entity versions (closing the ones they
 * replace), timeseries data points, the rollups of buckets the block closes, the `_blocks` row and the head.
 */
import { storedFields, type SchemaModel } from "../schema.ts";
import { rollUp, type Rollup } from "./aggregation.ts";
import type { BlockPtr } from "./blockPtr.ts";
import type { BlockContent } from "./blockWriter.ts";
import { insertDataSources, markDataSourcesDone } from "./dataSources.ts";
import type { Db } from "./db.ts";
import { entityTable, type Entity } from "./layout.ts";
import { writeHead } from "./meta.ts";
import { sameEntity, type EntityChanges, type EntityCache } from "./entityCache.ts";
import { closeVersions, insertVersions, qualified } from "./rows.ts";
import { StoreError } from "./storeError.ts";

/** Where a block is written: the schema, its PostgreSQL namespace, and the prepared rollups. */
export interface BlockCommitLayout {
  schema: SchemaModel;
  namespace: string;
  rollups: Rollup[];
}

/**
 * The changes that reach the database: writes that leave an entity as it was, and removals of entities that
 * do not exist, drop out. Refuses a write of an immutable entity that an earlier block wrote.
 */
export function effectiveChanges(schema: SchemaModel, cache: EntityCache, changes: EntityChanges): EntityChanges {
  const effective: EntityChanges = new Map();
  for (const [entityType, entities] of changes) {
    const model = schema.entities.get(entityType)!;
    const kept = new Map<string, Entity | null>();
    for (const [key, entity] of entities) {
      const current = cache.get(entityType, key);
      if (model.immutable && current) {
        throw new StoreError(`${entityType}[${key}] is immutable and already exists: it cannot be written again`);
      }
      if (entity === null ? current === undefined : current !== undefined && sameEntity(current, entity)) continue;
      kept.set(key, entity);
    }
    if (kept.size > 0) effective.set(entityType, kept);
  }
  return effective;
}

/** The keys of the mutable entities in `changes` that exist before the block: their current versions end there. */
export function replacedKeys(schema: SchemaModel, cache: EntityCache, changes: EntityChanges): Map<string, string[]> {
  const replaced = new Map<string, string[]>();
  for (const [entityType, entities] of changes) {
    if (schema.entities.get(entityType)!.immutable) continue;
    replaced.set(entityType, [...entities.keys()].filter((key) => cache.get(entityType, key) !== undefined));
  }
  return replaced;
}

/** A block ready to be written: its content, its `effectiveChanges`, their `replacedKeys`, and the head before it. */
export interface PreparedBlock {
  content: BlockContent;
  changes: EntityChanges;
  replaced: Map<string, string[]>;
  previousHead: BlockPtr | null;
}

/** Writes a prepared block on `tx`. */
export async function writeBlock(tx: Db, layout: BlockCommitLayout, prepared: PreparedBlock): Promise<void> {
  const { content, changes, replaced, previousHead } = prepared;
  const { schema, namespace } = layout;
  const block = content.block.number;
  for (const [entityType, entities] of changes) {
    const model = schema.entities.get(entityType)!;
    const table = qualified(namespace, entityTable(model));
    if (!model.immutable) await closeVersions(tx, table, model.field.get("id")!, replaced.get(entityType) ?? [], block);
    const written = [...entities.values()].filter((entity): entity is Entity => entity !== null);
    await insertVersions(tx, table, storedFields(model), written, block);
  }
  for (const [timeseries, points] of content.dataPoints) {
    const model = schema.entities.get(timeseries)!;
    await insertVersions(tx, qualified(namespace, entityTable(model)), storedFields(model), points, block);
  }
  await insertDataSources(tx, namespace, content.createdDataSources);
  await markDataSourcesDone(tx, namespace, content.doneDataSources, block);
  await rollUp(tx, layout.rollups, previousHead?.timestamp ?? null, content.block.timestamp, block);
  await writeHead(tx, namespace, content.block);
}
