/**
 * The planner's SQL with and without the store's attribute indexes: the same answers, and with them the
 * planner can use them (sequential scans are switched off, so that a table of a few rows still shows which
 * index a statement is able to use).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { SchemaModel } from "../schema.ts";
import { buildAttributeIndexes } from "../store/attributeIndexes.ts";
import type { Db } from "../store/db.ts";
import { PlannerStatistics } from "../store/plannerStatistics.ts";
import { startGraphQLServer, type GraphQLServer } from "./server.ts";
import { NAMESPACE, openFixture } from "./testFixture.ts";

const QUERIES = [
  `{ shops(orderBy: revenue, orderDirection: desc) { id revenue } }`,
  `{ shops(orderBy: rank, orderDirection: asc) { id rank } }`,
  `{ shops(orderBy: name) { id name } }`,
  `{ shops(orderBy: color, orderDirection: desc) { id color } }`,
  `{ shops(where: { name: "Gamma" }) { id } }`,
  `{ shops(where: { name_in: ["Gamma", "beta store"] }, orderBy: rate) { id } }`,
  `{ shops(where: { code: "0xff" }) { id } }`,
  `{ shops(where: { code: "0xFF" }) { id } }`,
  `{ shops(where: { tags_contains: ["b"] }) { id } }`,
  `{ shops(where: { open: true, rank_gte: 2 }, orderBy: big) { id } }`,
  `{ shops(block: { number: 2 }, orderBy: revenue, orderDirection: desc) { id revenue } }`,
  `{ sales(orderBy: amount, orderDirection: desc, first: 2) { id amount shop { name } } }`,
  `{ owners { id shops(orderBy: revenue, orderDirection: desc) { id } } }`,
  `{ points(orderBy: amount) { id amount } }`,
];

describe("queries over attribute indexes", () => {
  let db: Db;
  let schema: SchemaModel;
  let server: GraphQLServer;
  const statements: { sql: string; params: unknown[] }[] = [];

  async function answers(): Promise<unknown[]> {
    const out = [];
    for (const query of QUERIES) {
      const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      out.push({ query, status: response.status, body: await response.json() });
    }
    return out;
  }

  /** The plan of the statement that reads `table`, sent for `query`. */
  async function planOf(query: string, table: string): Promise<string> {
    statements.length = 0;
    await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    const statement = statements.find(({ sql }) => sql.includes(`"${NAMESPACE}"."${table}"`))!;
    const { rows } = await db.query<{ "QUERY PLAN": string }>(`EXPLAIN ${statement.sql}`, statement.params);
    return rows.map((row) => row["QUERY PLAN"]).join("\n");
  }

  beforeAll(async () => {
    const fixture = await openFixture();
    schema = fixture.schema;
    db = fixture.db;
    const watched: Db = { ...db, query: (sql, params) => (statements.push({ sql, params: params ?? [] }), db.query(sql, params)) };
    server = await startGraphQLServer({ schema, db: watched, namespace: NAMESPACE, subgraphName: "test/indexes", port: 0, answerCache: false });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it("answers the same with them as without them, and lets the planner use them", async () => {
    const without = await answers();
    expect(without.every((answer) => (answer as { status: number }).status === 200)).toBe(true);
    await buildAttributeIndexes(db, schema, NAMESPACE);
    const statistics = new PlannerStatistics(db, NAMESPACE);
    await statistics.analyze(await statistics.tables());
    await db.exec("SET enable_seqscan = off");
    expect(await answers()).toEqual(without);

    expect(await planOf(`{ shops(first: 2, orderBy: revenue, orderDirection: desc) { id } }`, "shop")).toMatch(/Index Scan Backward using shop_attr_revenue/);
    expect(await planOf(`{ shops(where: { name: "Gamma" }) { id } }`, "shop")).toMatch(/shop_attr_name/);
    expect(await planOf(`{ shops(where: { code: "0xff" }) { id } }`, "shop")).toMatch(/shop_attr_code/);
    expect(await planOf(`{ sales(first: 2, orderBy: amount) { id } }`, "sale")).toMatch(/Index Scan using sale_attr_amount/);
  });
});
