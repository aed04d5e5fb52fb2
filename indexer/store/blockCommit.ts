/**
 * The SQL of one committed block, run inside its transaction: new entity versions (closing the ones they
 * replace), timeseries data points, the rollups of buckets the block closes, the `_blocks` row and the head.
 */
import { storedFields, type SchemaModel } from "../schema.ts";
import { rollUp, type Rollup } from "./aggregation.ts";
import type { BlockPtr } from "./blockPtr.ts";
import type { BlockContent } from "./blockWriter.ts";
import { insertDataSources } from "./dataSources.ts";
import type { Db } from "./db.ts";
import { entityTable, type Entity } from "./layout.ts";
import { writeHead } from "./meta.ts";
import { sameEntity, type EntityChanges, type EntityMirror } from "./mirror.ts";
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
export function effectiveChanges(schema: SchemaModel, mirror: EntityMirror, changes: EntityChanges): EntityChanges {
  const effective: EntityChanges = new Map();
  for (const [entityType, entities] of changes) {
    const model = schema.entities.get(entityType)!;
    const kept = new Map<string, Entity | null>();
    for (const [key, entity] of entities) {
      const current = mirror.get(entityType, key);
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

/** Writes the block (with `changes` from `effectiveChanges`) on `tx`; `previousHead` is the head before it. */
export async function writeBlock(
  tx: Db,
  layout: BlockCommitLayout,
  content: BlockContent,
  changes: EntityChanges,
  mirror: EntityMirror,
  previousHead: BlockPtr | null,
): Promise<void> {
  const { schema, namespace } = layout;
  const block = content.block.number;
  for (const [entityType, entities] of changes) {
    const model = schema.entities.get(entityType)!;
    const table = qualified(namespace, entityTable(model));
    if (!model.immutable) {
      const replaced = [...entities.keys()].filter((key) => mirror.get(entityType, key) !== undefined);
      await closeVersions(tx, table, model.field.get("id")!, replaced, block);
    }
    const written = [...entities.values()].filter((entity): entity is Entity => entity !== null);
    await insertVersions(tx, table, storedFields(model), written, block);
  }
  for (const [timeseries, points] of content.dataPoints) {
    const model = schema.entities.get(timeseries)!;
    await insertVersions(tx, qualified(namespace, entityTable(model)), storedFields(model), points, block);
  }
  await insertDataSources(tx, namespace, content.createdDataSources);
  await rollUp(tx, layout.rollups, previousHead?.timestamp ?? null, content.block.timestamp, block);
  await writeHead(tx, namespace, content.block);
}
