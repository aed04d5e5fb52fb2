import { graphql, type GraphQLSchema } from "graphql/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Db } from "../store/db.ts";
import { testBlock, testDatabases, testStore } from "../store/testSupport.ts";
import { buildQuerySchema } from "./schemaBuilder.ts";

const SCHEMA = `
  type _Schema_
    @fulltext(name: "shopSearch", language: en, algorithm: rank, include: [{ entity: "Shop", fields: [{ name: "name" }, { name: "about" }] }])
    @fulltext(name: "shopNames", language: simple, algorithm: proximityRank, include: [{ entity: "Shop", fields: [{ name: "name" }] }])
  type Shop @entity { id: ID!, name: String!, about: String, rank: Int! }
`;

describe.each(testDatabases())("@fulltext search on $name", (database) => {
  let db: Db;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    const opened = await testStore(await database.open(), SCHEMA);
    db = opened.db;
    let writer = opened.store.startBlock(testBlock(1, 1_700_000_000));
    writer.set("Shop", "s1", { id: "s1", name: "Running shoes", about: "shoes for runners and running", rank: 1 });
    writer.set("Shop", "s2", { id: "s2", name: "Garden tools", about: null, rank: 2 });
    await writer.commit();
    writer = opened.store.startBlock(testBlock(2, 1_700_000_012));
    writer.set("Shop", "s3", { id: "s3", name: "The corner to run to", about: "shoes", rank: 3 });
    await writer.commit();
    schema = buildQuerySchema({ schema: opened.store.schema, db, namespace: "sgd1" });
  });

  afterAll(async () => {
    await db.close();
  });

  async function ids(source: string): Promise<string[]> {
    const result = await graphql({ schema, source, contextValue: {} });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return (Object.values(result.data!)[0] as { id: string }[]).map((row) => row.id);
  }

  it("matches stemmed words in every included field, in the search's language, by rank ascending then id", async () => {
    // English stems "run" and "running" alike (not "runners"): s3 says it once, s1 twice (ranked higher, so later).
    expect(await ids(`{ shopSearch(text: "run") { id } }`)).toEqual(["s3", "s1"]);
    expect(await ids(`{ shopSearch(text: "shoe & run") { id } }`)).toEqual(["s3", "s1"]);
    expect(await ids(`{ shopSearch(text: "garden | nothing") { id } }`)).toEqual(["s2"]);
    expect(await ids(`{ shopSearch(text: "shoes", where: { rank_gt: 1 }) { id } }`)).toEqual(["s3"]);
    expect(await ids(`{ shopSearch(text: "run", first: 1, skip: 1) { id } }`)).toEqual(["s1"]);
    expect(await ids(`{ shopSearch(text: "run", block: { number: 1 }) { id } }`)).toEqual(["s1"]);
  });

  it("with the simple language, matches words as written, in the named fields only", async () => {
    expect(await ids(`{ shopNames(text: "running") { id } }`)).toEqual(["s1"]);
    expect(await ids(`{ shopNames(text: "run") { id } }`)).toEqual(["s3"]);
    expect(await ids(`{ shopNames(text: "runners") { id } }`)).toEqual([]);
  });
});
