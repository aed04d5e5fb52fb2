/** The entity store: what the rest of the indexer uses of `indexer/store/`. */
export { EntityStore, type EntityStoreOptions } from "./entityStore.ts";
export type { BlockWriter } from "./blockWriter.ts";
export type { BlockPtr } from "./blockPtr.ts";
export type { HostStore } from "./hostStore.ts";
export { StoreError } from "./storeError.ts";
export { REVERTIBLE_BLOCKS } from "./meta.ts";
export { openPglite, type Db } from "./db.ts";
export { openPostgres, PostgresConnectionError } from "./postgres.ts";
export { openDb, isPostgresUrl, describeLocation, type OpenDbOptions } from "./open.ts";
export type { Entity, Value } from "./layout.ts";
