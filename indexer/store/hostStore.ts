import type { Entity } from "./layout.ts";

/**
 * What a mapping's store calls reach while one trigger runs: the WASM host calls these synchronously, and the
 * block's entity cache (the store's BlockWriter) implements them.
 */
export interface HostStore {
  /** The latest version of the entity, including writes earlier in this block; null when there is none. */
  get(entityType: string, id: string): Entity | null;
  /** The entity only if this block wrote it. */
  getInBlock(entityType: string, id: string): Entity | null;
  /** Writes the full entity (the host has validated and merged it). */
  set(entityType: string, id: string, entity: Entity): void;
  remove(entityType: string, id: string): void;
  /** The value of `entityType`'s `@derivedFrom` field named `field` for entity `id`: the entities whose reference points at it. */
  loadRelated(entityType: string, id: string, field: string): Entity[];
}
