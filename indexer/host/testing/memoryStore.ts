/** An in-memory HostStore for host tests: one map per entity type, and a log of every write in order. */
import type { SchemaModel } from "../../schema.ts";
import type { HostStore } from "../../store/hostStore.ts";
import type { Entity } from "../../store/layout.ts";

export class MemoryStore implements HostStore {
  readonly tables = new Map<string, Map<string, Entity>>();
  readonly writes: { op: "set" | "remove"; type: string; id: string; entity?: Entity }[] = [];
  readonly #schema: SchemaModel;
  #inBlock = new Set<string>();

  constructor(schema: SchemaModel) {
    this.#schema = schema;
  }

  #table(type: string): Map<string, Entity> {
    let table = this.tables.get(type);
    if (!table) this.tables.set(type, (table = new Map()));
    return table;
  }

  /** Starts a new block: getInBlock forgets earlier writes. */
  nextBlock(): void {
    this.#inBlock = new Set();
  }

  get(type: string, id: string): Entity | null {
    const entity = this.#table(type).get(id);
    return entity ? { ...entity } : null;
  }

  getInBlock(type: string, id: string): Entity | null {
    return this.#inBlock.has(`${type}:${id}`) ? this.get(type, id) : null;
  }

  set(type: string, id: string, entity: Entity): void {
    this.#table(type).set(id, { ...entity });
    this.#inBlock.add(`${type}:${id}`);
    this.writes.push({ op: "set", type, id, entity: { ...entity } });
  }

  remove(type: string, id: string): void {
    this.#table(type).delete(id);
    this.writes.push({ op: "remove", type, id });
  }

  loadRelated(type: string, id: string, field: string): Entity[] {
    const model = this.#schema.entities.get(type)!.field.get(field)!;
    const back = model.derivedFrom!;
    return [...this.#table(model.reference!).values()].filter((e) => {
      const value = e[back];
      return Array.isArray(value) ? value.includes(id) : value === id;
    });
  }
}
