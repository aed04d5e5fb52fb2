/**
 * Undoing blocks: the database as it was once block `number` was committed. Versions written after it go,
 * versions ended after it become current again, timeseries points and aggregation rows written after it go.
 */
import type { SchemaModel } from "../schema.ts";
import type { Db } from "./db.ts";
import { aggregationTable, entityTable } from "./layout.ts";
import { forgetDataSourcesAfter } from "./dataSources.ts";
import { forgetBlocksAfter } from "./meta.ts";
import { qualified } from "./rows.ts";

/** Every table of the schema: entity and timeseries tables, and one per aggregation interval (qualified). */
export function tablesOf(schema: SchemaModel, namespace: string): { table: string; versioned: boolean }[] {
  const tables: { table: string; versioned: boolean }[] = [];
  for (const entity of schema.entities.values()) {
    if (entity.kind === "aggregation") {
      for (const interval of entity.aggregation!.intervals) {
        tables.push({ table: qualified(namespace, aggregationTable(entity, interval)), versioned: false });
      }
    } else {
      tables.push({ table: qualified(namespace, entityTable(entity)), versioned: !entity.immutable });
    }
  }
  return tables;
}

/** Reverts the tables and `_blocks` to block `number` (the head in `_meta` is the caller's). */
export async function revertTables(tx: Db, schema: SchemaModel, namespace: string, number: number): Promise<void> {
  for (const { table, versioned } of tablesOf(schema, namespace)) {
    await tx.query(`DELETE FROM ${table} WHERE block_start > $1`, [number]);
    if (versioned) await tx.query(`UPDATE ${table} SET block_end = NULL WHERE block_end > $1`, [number]);
  }
  await forgetBlocksAfter(tx, namespace, number);
  await forgetDataSourcesAfter(tx, namespace, number);
}
