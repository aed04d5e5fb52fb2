/**
 * What file data sources and chain handlers may see of each other's entities, as graph-node isolates them
 * (each file data source writes in a causality region of its own): a file handler writes only the entity types
 * its template lists and reads only what it wrote itself; a chain handler does not see what file handlers wrote.
 * GraphQL queries see all of them.
 */
import { MappingError } from "./host/index.ts";
import { implementersOf, type SchemaModel } from "./schema.ts";
import { entityKey } from "./store/entityCache.ts";
import type { HostStore } from "./store/hostStore.ts";
import type { Entity } from "./store/layout.ts";

/** `type\nid key`: how entities written by file handlers are told apart. */
export const writtenKey = (type: string, key: string): string => `${type}\n${key}`;

/** The store as a file data source's handler sees it; `wrote` collects what it writes, as `[type, id key]`. */
export class FileHandlerStore implements HostStore {
  readonly wrote: [string, string][] = [];
  readonly #own = new Set<string>();
  private readonly store: HostStore;
  private readonly schema: SchemaModel;
  private readonly dataSource: { name: string; entities: readonly string[] };

  constructor(store: HostStore, schema: SchemaModel, dataSource: { name: string; entities: readonly string[] }) {
    this.store = store;
    this.schema = schema;
    this.dataSource = dataSource;
  }

  get(entityType: string, id: string): Entity | null {
    return this.#owns(entityType, id) ? this.store.get(entityType, id) : null;
  }

  getInBlock(entityType: string, id: string): Entity | null {
    return this.#owns(entityType, id) ? this.store.getInBlock(entityType, id) : null;
  }

  set(entityType: string, id: string, entity: Entity): void {
    if (!this.dataSource.entities.includes(entityType)) {
      throw new MappingError(
        `entity type ${entityType} is not among the entities of file data source ${this.dataSource.name} (${this.dataSource.entities.join(", ")}): a file data source writes only the types its template lists in mapping.entities`,
      );
    }
    const key = this.#key(entityType, id);
    // An entity of the same id written by the chain or by another file data source: graph-node's store refuses
    // it (its causality regions exclude each other), failing the subgraph; it is never overwritten.
    if (!this.#own.has(key) && this.store.get(entityType, id) !== null) {
      throw new MappingError(
        `file data source ${this.dataSource.name} cannot write ${entityType} ${id}: an entity of that type and id was already written by a chain handler or another file data source (conflicting key)`,
      );
    }
    this.store.set(entityType, id, entity);
    if (!this.#own.has(key)) {
      this.#own.add(key);
      this.wrote.push([entityType, key.slice(entityType.length + 1)]);
    }
  }

  remove(entityType: string, id: string): void {
    if (this.#owns(entityType, id)) this.store.remove(entityType, id);
  }

  loadRelated(entityType: string, id: string, field: string): Entity[] {
    const types = relatedTypes(this.schema, entityType, field);
    return this.store.loadRelated(entityType, id, field).filter((entity) => types.some((type) => this.#own.has(writtenKey(type, keyOf(this.schema, type, entity)))));
  }

  #owns(entityType: string, id: string): boolean {
    return this.#own.has(this.#key(entityType, id));
  }

  #key(entityType: string, id: string): string {
    const model = this.schema.entities.get(entityType);
    return writtenKey(entityType, model ? entityKey(model, id) : id);
  }
}

/** The store as chain handlers see it: without the entities file handlers wrote (`hidden`, by `writtenKey`). */
export class ChainHandlerStore implements HostStore {
  private readonly store: HostStore;
  private readonly schema: SchemaModel;
  private readonly hidden: ReadonlySet<string>;

  constructor(store: HostStore, schema: SchemaModel, hidden: ReadonlySet<string>) {
    this.store = store;
    this.schema = schema;
    this.hidden = hidden;
  }

  get(entityType: string, id: string): Entity | null {
    return this.#hides(entityType, id) ? null : this.store.get(entityType, id);
  }

  getInBlock(entityType: string, id: string): Entity | null {
    return this.#hides(entityType, id) ? null : this.store.getInBlock(entityType, id);
  }

  set(entityType: string, id: string, entity: Entity): void {
    if (this.#hides(entityType, id)) {
      throw new MappingError(
        `a chain handler cannot write ${entityType} ${id}: a file data source already wrote an entity of that type and id (conflicting key)`,
      );
    }
    this.store.set(entityType, id, entity);
  }

  remove(entityType: string, id: string): void {
    if (!this.#hides(entityType, id)) this.store.remove(entityType, id);
  }

  loadRelated(entityType: string, id: string, field: string): Entity[] {
    const types = relatedTypes(this.schema, entityType, field);
    return this.store.loadRelated(entityType, id, field).filter((entity) => !types.some((type) => this.hidden.has(writtenKey(type, keyOf(this.schema, type, entity)))));
  }

  #hides(entityType: string, id: string): boolean {
    if (this.hidden.size === 0) return false;
    const model = this.schema.entities.get(entityType);
    return this.hidden.has(writtenKey(entityType, model ? entityKey(model, id) : id));
  }
}

/** The entity types a `@derivedFrom` field's entities can be of. */
function relatedTypes(schema: SchemaModel, entityType: string, field: string): string[] {
  const reference = schema.entities.get(entityType)?.field.get(field)?.reference;
  return reference ? implementersOf(schema, reference).map((model) => model.name) : [];
}

function keyOf(schema: SchemaModel, type: string, entity: Entity): string {
  return entityKey(schema.entities.get(type)!, entity.id!);
}
