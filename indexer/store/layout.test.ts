import { afterEach, describe, expect, it } from "vitest";

import { queryCollection } from "../graphql/planner.ts";
import { parseSchema } from "../schema.ts";
import type { Db } from "./db.ts";
import { createTablesSql, entityTable, indexName, quote, toSql, type Entity } from "./layout.ts";
import { openDb } from "./open.ts";
import { testDatabases } from "./testSupport.ts";

const databases = testDatabases();
let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const NAMESPACE = "sgd1";

async function insert(schemaText: string, typeName: string, rows: Entity[]): Promise<void> {
  const schema = parseSchema(schemaText);
  const entity = schema.entities.get(typeName)!;
  const fields = entity.fields.filter((f) => !f.derivedFrom);
  for (const row of rows) {
    const params = [1, ...fields.map((f) => toSql(f, row[f.name] ?? null))];
    await db!.query(
      `INSERT INTO ${quote(NAMESPACE)}.${quote(entityTable(entity))} (block_start, ${fields.map((f) => quote(f.name)).join(", ")}) VALUES (${params.map((_, i) => `$${i + 1}`).join(", ")})`,
      params,
    );
  }
}

const WORDS = `
  type Word @entity {
    id: ID!
    text: String!
    texts: [String!]!
  }
`;
const WORD_TEXTS = ["b", "B", "a", "A", "_z"];
/** Byte order, as graph-node's C collation sorts: uppercase, then `_`, then lowercase. */
const C_ORDER = ["A", "B", "_z", "a", "b"];

describe.each(databases)("the layout on $name", (database) => {
  it("compares and sorts text in the C collation whatever the database's default collation", async () => {
    // On the server, a database whose default collation is English's (which sorts a A _z b B).
    db = await openDb(await database.create({ icuLocale: "en" }));
    if (database.name === "PostgreSQL") {
      const { rows } = await db.query<{ x: string }>(`SELECT x FROM unnest($1::text[]) AS x ORDER BY x`, [WORD_TEXTS]);
      expect(rows.map((row) => row.x)).not.toEqual(C_ORDER);
    }
    const schema = parseSchema(WORDS);
    await db.exec(createTablesSql(schema, NAMESPACE));
    await insert(WORDS, "Word", WORD_TEXTS.map((text) => ({ id: text, text, texts: [text] })));

    const column = async (sql: string, params: unknown[] = []) => (await db!.query<{ v: string }>(sql, params)).rows.map((row) => row.v);
    expect(await column(`SELECT text AS v FROM sgd1.word ORDER BY text`)).toEqual(C_ORDER);
    expect(await column(`SELECT id AS v FROM sgd1.word ORDER BY id`)).toEqual(C_ORDER);
    expect(await column(`SELECT text AS v FROM sgd1.word WHERE text < $1::text ORDER BY text`, ["a"])).toEqual(["A", "B", "_z"]);
    expect(await column(`SELECT texts[1] AS v FROM sgd1.word ORDER BY texts`)).toEqual(C_ORDER);

    // As the GraphQL planner asks: orderBy and a comparison filter.
    const source = { schema, db, namespace: NAMESPACE };
    const word = schema.entities.get("Word")!;
    const ids = async (args: Parameters<typeof queryCollection>[3]) => (await queryCollection(source, { entity: word }, null, args)).map((row) => row.id);
    expect(await ids({ orderBy: "text" })).toEqual(C_ORDER);
    expect(await ids({})).toEqual(C_ORDER);
    expect(await ids({ where: { text_gt: "Z" }, orderBy: "text" })).toEqual(["_z", "a", "b"]);
  });

  it("gives a reference field an index of its own even when it is named like a system index", async () => {
    db = await database.open();
    const text = `
      type Holder @entity { id: ID!, name: String! }
      type Slot @entity {
        id: ID!
        current: Holder
        timestamp: Holder
        attr_current: Holder
      }
    `;
    await db.exec(createTablesSql(parseSchema(text), NAMESPACE));
    const { rows } = await db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'slot' ORDER BY indexname`,
      [NAMESPACE],
    );
    const definitions = rows.map((row) => row.indexdef.replace(/"/g, ""));
    const on = (columns: string) => definitions.filter((definition) => definition.includes(`(${columns})`) && !definition.includes("WHERE")).length;
    expect(on("current")).toBe(1);
    expect(on("timestamp")).toBe(1);
    expect(on("attr_current")).toBe(1);
    expect(definitions.filter((definition) => /WHERE \(?block_end IS NULL/.test(definition))).toHaveLength(1);
    expect(on("id, block_start")).toBe(1);
    expect(on("block_start")).toBe(1);
  });
});

describe("indexName", () => {
  it("keeps field indexes apart from system ones and names over 63 bytes apart from each other", () => {
    expect(indexName("slot", { system: "current" })).not.toBe(indexName("slot", { field: "current" }));
    const table = "a_very_long_entity_type_name_that_goes_on_and_on_hour";
    const one = indexName(table, { field: "firstReferenceField" });
    const two = indexName(table, { field: "firstReferenceFieldToo" });
    expect(Buffer.byteLength(one)).toBeLessThanOrEqual(63);
    expect(Buffer.byteLength(two)).toBeLessThanOrEqual(63);
    expect(one).not.toBe(two);
    expect(indexName("slot", { field: "owner" })).toBe("slot_attr_owner");
  });
});
