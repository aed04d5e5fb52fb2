import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, printSchema, type GraphQLInputObjectType, type GraphQLSchema } from "graphql/index.js";
import type { Db } from "../store/db.ts";
import { buildQuerySchema } from "./index.ts";
import { NAMESPACE, openFixture } from "./testFixture.ts";

let db: Db;
let schema: GraphQLSchema;
const statements: string[] = [];

beforeAll(async () => {
  const fixture = await openFixture();
  db = fixture.db;
  // Counts the statements the resolvers send.
  const counting: Db = { ...db, query: (sql, params) => (statements.push(sql), db.query(sql, params)) };
  schema = buildQuerySchema({ schema: fixture.schema, db: counting, namespace: NAMESPACE });
});

afterAll(async () => {
  await db.close();
});

describe("the query schema", () => {
  it("has graph-node's root fields, filter inputs and orderBy enums", () => {
    const query = schema.getQueryType()!.getFields();
    const signature = (name: string) => `${query[name]!.args.map((a) => `${a.name}: ${a.type}`).join(", ")} -> ${query[name]!.type}`;
    expect(signature("shop")).toBe("id: ID!, block: Block_height, subgraphError: _SubgraphErrorPolicy_! -> Shop");
    expect(signature("shops")).toBe(
      "skip: Int, first: Int, orderBy: Shop_orderBy, orderDirection: OrderDirection, where: Shop_filter, block: Block_height, subgraphError: _SubgraphErrorPolicy_! -> [Shop!]!",
    );
    expect(signature("stats")).toBe(
      "skip: Int, first: Int, interval: Aggregation_interval!, orderBy: Stat_orderBy, orderDirection: OrderDirection, where: Stat_filter, current: Aggregation_current, block: Block_height, subgraphError: _SubgraphErrorPolicy_! -> [Stat!]!",
    );
    expect(query.stat).toBeUndefined();
    expect(query.shops!.args.find((a) => a.name === "first")!.defaultValue).toBe(100);
    const text = printSchema(schema);
    expect(text).toMatch(/owner_: Owner_filter/);
    expect(text).toMatch(/sales_: Sale_filter/);
    expect(text).toMatch(/name_not_ends_with_nocase: String/);
    expect(text).toMatch(/owner__name/);
    expect(text).toMatch(/id_in: \[Bytes!\]/);
    expect(text).toMatch(/tags_contains_nocase: \[String!\]/);
  });

  it("gives aggregations graph-node's filters: id, timestamp and dimensions only, and an orderBy", () => {
    const filter = schema.getType("Stat_filter") as GraphQLInputObjectType;
    expect(Object.keys(filter.getFields()).sort()).toEqual(
      [
        "id", "id_gt", "id_lt", "id_gte", "id_lte", "id_in",
        "timestamp", "timestamp_gt", "timestamp_lt", "timestamp_gte", "timestamp_lte", "timestamp_in",
        "shop", "shop_",
        "_change_block", "and", "or",
      ].sort(),
    );
    expect(schema.getType("Stat_orderBy")).toBeDefined();
    expect(schema.getType("Shop_orderBy")).toBeDefined();
  });

  it("answers a nested selection with one statement per level, not one per row", async () => {
    statements.length = 0;
    const result = await graphql({
      schema,
      source: `{ shops { id owner { name } sales { amount items { label } } } }`,
      contextValue: {},
    });
    expect(result.errors).toBeUndefined();
    expect((result.data as any).shops).toHaveLength(3);
    // _meta for the block, shops, owners, sales, items.
    expect(statements).toHaveLength(5);
  });
});
