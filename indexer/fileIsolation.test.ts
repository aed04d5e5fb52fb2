/**
 * File data sources and chain handlers never overwrite each other's entities, on a real store (PGlite): a write
 * over the other side's entity fails the handler, as graph-node's store refuses it.
 */
import { afterEach, describe, expect, it } from "vitest";

import { ChainHandlerStore, FileHandlerStore, writtenKey } from "./fileIsolation.ts";
import { MappingError } from "./host/index.ts";
import { parseSchema } from "./schema.ts";
import type { Db } from "./store/db.ts";
import { EntityStore } from "./store/entityStore.ts";
import { openDb } from "./store/open.ts";
import { testBlock } from "./store/testSupport.ts";

const schema = parseSchema(`
  type Note @entity(immutable: true) {
    id: ID!
    text: String!
  }
`);
const noteFile = { name: "NoteFile", entities: ["Note"] };

let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function open(): Promise<EntityStore> {
  db = await openDb(undefined);
  return EntityStore.open({ db, schema, namespace: "sgd1", deployment: "QmTest" });
}

describe("entity clashes between file data sources and chain handlers", () => {
  it("fails a file handler that writes an entity the chain or another file data source wrote", async () => {
    const store = await open();
    const chain = store.startBlock(testBlock(1, 1_700_000_000));
    chain.set("Note", "chain", { id: "chain", text: "from the chain" });
    await chain.commit();

    const writer = store.startBlock(testBlock(2, 1_700_000_012));
    await store.whileReading(() => {
      const first = new FileHandlerStore(writer, schema, noteFile);
      first.set("Note", "file", { id: "file", text: "from the first file" });
      const second = new FileHandlerStore(writer, schema, noteFile);
      for (const id of ["chain", "file"]) {
        const clash = (() => {
          try {
            second.set("Note", id, { id, text: "from the second file" });
          } catch (error) {
            return error;
          }
        })();
        expect(clash).toBeInstanceOf(MappingError);
        expect((clash as Error).message).toBe(`file data source NoteFile cannot write Note ${id}: an entity of that type and id was already written by a chain handler or another file data source (conflicting key)`);
      }
      expect(second.wrote).toEqual([]);
      expect(writer.get("Note", "chain")).toMatchObject({ text: "from the chain" });
      expect(writer.get("Note", "file")).toMatchObject({ text: "from the first file" });
    });
  });

  it("fails a chain handler that writes an entity a file data source wrote", async () => {
    const store = await open();
    const writer = store.startBlock(testBlock(1, 1_700_000_000));
    const file = new FileHandlerStore(writer, schema, noteFile);
    file.set("Note", "file", { id: "file", text: "from the file" });
    const chain = new ChainHandlerStore(writer, schema, new Set(file.wrote.map(([type, key]) => writtenKey(type, key))));
    expect(() => chain.set("Note", "file", { id: "file", text: "from the chain" })).toThrow(MappingError);
    expect(() => chain.set("Note", "file", { id: "file", text: "from the chain" })).toThrow(
      "a chain handler cannot write Note file: a file data source already wrote an entity of that type and id (conflicting key)",
    );
    chain.set("Note", "other", { id: "other", text: "from the chain" });
    expect(writer.get("Note", "file")).toMatchObject({ text: "from the file" });
  });
});
