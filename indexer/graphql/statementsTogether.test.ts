/**
 * A parent's derived lists asked for together go to the database in one statement, and so do references to
 * several entity types: the statements a query sends are counted through the database the server reads.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { SchemaModel } from "../schema.ts";
import type { Db } from "../store/db.ts";
import { loadByIds, loadByIdsTogether } from "./planner.ts";
import { startGraphQLServer, type GraphQLServer } from "./server.ts";
import { NAMESPACE, openFixture } from "./testFixture.ts";

describe("derived lists of one parent type", () => {
  let db: Db;
  let schema: SchemaModel;
  let server: GraphQLServer;
  const statements: string[] = [];

  /** The query's data, and the statements it sent to read entities (not `_meta`). */
  async function run(query: string): Promise<{ data: any; statements: string[] }> {
    statements.length = 0;
    const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as { data: unknown; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return { data: body.data, statements: statements.filter((sql) => !sql.includes('"_meta"')) };
  }

  beforeAll(async () => {
    const fixture = await openFixture();
    db = fixture.db;
    schema = fixture.schema;
    const counted: Db = { ...db, query: (sql, params) => (statements.push(sql), db.query(sql, params)) };
    server = await startGraphQLServer({ schema: fixture.schema, db: counted, namespace: NAMESPACE, subgraphName: "test/derived", port: 0, answerCache: false });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it("reads an owner's shops and profile in one statement, each list with its own page and block", async () => {
    const { data, statements: sent } = await run(`{
      owners(orderBy: id) { id shops(orderBy: revenue, orderDirection: desc) { id revenue } profile { id score } }
      before: owners(orderBy: id, block: { number: 1 }) { id shops { id } profile { id score } }
    }`);
    expect(data.owners).toEqual([
      { id: "o1", shops: [{ id: "0x01", revenue: "100" }], profile: { id: "p1", score: 5 } },
      { id: "o2", shops: [{ id: "0x02", revenue: "300" }], profile: { id: "p2", score: 1 } },
    ]);
    // At block 1 shop 0x02 did not exist yet and o2 had profile p0 as well (the first by id).
    expect(data.before).toEqual([
      { id: "o1", shops: [{ id: "0x01" }], profile: { id: "p1", score: 5 } },
      { id: "o2", shops: [], profile: { id: "p0", score: 9 } },
    ]);
    // Two root collections, then one statement per block for both derived fields (four, one at a time).
    expect(sent).toHaveLength(4);
    expect(sent.filter((sql) => sql.includes("UNION ALL"))).toHaveLength(2);
  });

  it("reads three pages of a shop's sales (first, a filter, skip) in one statement", async () => {
    const { data, statements: sent } = await run(`{ shops { id sales(first: 1, orderBy: amount) { id } late: sales(where: { amount_gt: "15" }) { id at } skipped: sales(skip: 1) { id } } }`);
    expect(data.shops).toEqual([
      { id: "0x01", sales: [{ id: "s1" }], late: [{ id: "s2", at: "2000000" }], skipped: [{ id: "s2" }] },
      { id: "0x02", sales: [{ id: "s3" }], late: [{ id: "s3", at: "3000000" }], skipped: [] },
      { id: "0x03", sales: [], late: [], skipped: [] },
    ]);
    expect(sent).toHaveLength(2);
  });

  it("reads entities of several types by id in one statement, each type as loadByIds reads it, at any block", async () => {
    const source = { schema, db: { ...db, query: (sql: string, params?: unknown[]) => (statements.push(sql), db.query(sql, params)) } as Db, namespace: NAMESPACE };
    const shop = schema.entities.get("Shop")!;
    const owner = schema.entities.get("Owner")!;
    const profile = schema.entities.get("Profile")!;
    for (const block of [4, 1]) {
      const requests = [
        { entity: shop, ids: ["0x01", "0x02", "0x09"] },
        { entity: owner, ids: ["o2", "o1"] },
        { entity: profile, ids: ["p0", "p2"] },
      ];
      statements.length = 0;
      const together = await loadByIdsTogether(source, requests, block);
      expect(statements).toHaveLength(1);
      const apart = await Promise.all(requests.map(({ entity, ids }) => loadByIds(source, entity, ids, block)));
      expect(together).toEqual(apart);
      expect(together.map((found) => found.size)).toEqual(block === 4 ? [2, 2, 1] : [1, 2, 2]);
    }
  });
});
