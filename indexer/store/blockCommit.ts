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
import { writeHeads } from "./meta.ts";
import { sameEntity, type EntityChanges, type EntityCache } from "./entityCache.ts";
import { closeVersions, insertVersions, qualified, type VersionEnd, type VersionRow } from "./rows.ts";
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

/**
 * Writes prepared blocks, in order, on `tx`: the versions of all of them with one INSERT per table, and the
 * versions that existed before the first closed with one UPDATE per table. A version that a later block of
 * the same batch replaces is inserted already closed at that block, so the tables end as they would after
 * one commit per block.
 */
export async function writeBlocks(tx: Db, layout: BlockCommitLayout, blocks: PreparedBlock[]): Promise<void> {
  if (blocks.length === 0) return;
  const { schema, namespace } = layout;
  for (const [entityType, { rows, ends }] of versionsOf(schema, blocks)) {
    const model = schema.entities.get(entityType)!;
    const table = qualified(namespace, entityTable(model));
    // Closed first: the versions inserted next are open, and must stay so.
    await closeVersions(tx, table, model.field.get("id")!, ends);
    await insertVersions(tx, table, storedFields(model), rows);
  }
  const points = new Map<string, VersionRow[]>();
  for (const { content } of blocks) {
    for (const [timeseries, written] of content.dataPoints) {
      let rows = points.get(timeseries);
      if (!rows) points.set(timeseries, (rows = []));
      for (const entity of written) rows.push({ entity, blockStart: content.block.number, blockEnd: null });
    }
  }
  for (const [timeseries, rows] of points) {
    const model = schema.entities.get(timeseries)!;
    await insertVersions(tx, qualified(namespace, entityTable(model)), storedFields(model), rows);
  }
  // Rollups read data points by timestamp: those of later blocks fall in buckets that are still open.
  for (const { content, previousHead } of blocks) {
    await insertDataSources(tx, namespace, content.createdDataSources);
    await markDataSourcesDone(tx, namespace, content.doneDataSources, content.block.number);
    await rollUp(tx, layout.rollups, previousHead?.timestamp ?? null, content.block.timestamp, content.block.number);
  }
  await writeHeads(tx, namespace, blocks.map((block) => block.content.block));
}

/** Per entity type, the versions `blocks` insert and the ends of the versions from before them. */
function versionsOf(schema: SchemaModel, blocks: PreparedBlock[]): Map<string, { rows: VersionRow[]; ends: VersionEnd[] }> {
  const versions = new Map<string, { rows: VersionRow[]; ends: VersionEnd[]; open: Map<string, VersionRow> }>();
  for (const { content, changes, replaced } of blocks) {
    const block = content.block.number;
    for (const [entityType, entities] of changes) {
      const immutable = schema.entities.get(entityType)!.immutable;
      let typed = versions.get(entityType);
      if (!typed) versions.set(entityType, (typed = { rows: [], ends: [], open: new Map() }));
      const existed = new Set(replaced.get(entityType));
      for (const [key, entity] of entities) {
        if (!immutable && existed.has(key)) {
          const open = typed.open.get(key);
          if (open) {
            open.blockEnd = block;
            typed.open.delete(key);
          } else {
            typed.ends.push({ key, blockEnd: block });
          }
        }
        if (entity === null) continue;
        const row: VersionRow = { entity, blockStart: block, blockEnd: null };
        typed.rows.push(row);
        if (!immutable) typed.open.set(key, row);
      }
    }
  }
  return versions;
}
