import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSchema, type SchemaModel } from "../schema.ts";
import { openPglite, type Db } from "../store/db.ts";
import { createMetaSql, createTablesSql, hexToBytes, quote, type Entity, type Value } from "../store/layout.ts";
import { startGraphQLServer, type GraphQLServer } from "./index.ts";
import { insertVersion, NAMESPACE } from "./testFixture.ts";

// The project's real subgraph schema and the marketer's queries its README documents: they must run unchanged.
const root = new URL("../../subgraph/", import.meta.url);
const schemaText = readFileSync(new URL("schema.graphql", root), "utf8");
const readme = readFileSync(new URL("README.md", root), "utf8");
const documentedQueries = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);

let db: Db;
let schema: SchemaModel;
let server: GraphQLServer;

const SHOPPER = "0x00000000000000000000000000000000000000a1";
const STOREFRONT = "0x00000000000000000000000000000000000000b2";

/** A row with every required field of `typeName` set to a zero value, then `values`. */
function complete(typeName: string, values: Entity): Entity {
  const entity = schema.entities.get(typeName)!;
  const out: Entity = {};
  for (const field of entity.fields) {
    if (field.derivedFrom || !field.required) continue;
    const zero: Record<string, Value> = { BigInt: 0n, Int8: 0n, Timestamp: 0n, BigDecimal: "0", Boolean: false, Int: 0, Bytes: "0x00", String: "" };
    out[field.name] = field.list ? [] : field.enumName ? schema.enums.get(field.enumName)!.values[0]! : zero[field.scalar]!;
  }
  return { ...out, ...values };
}

beforeAll(async () => {
  schema = parseSchema(schemaText);
  db = await openPglite();
  await db.exec(createTablesSql(schema, NAMESPACE));
  await db.exec(createMetaSql(NAMESPACE));
  const put = (type: string, values: Entity, interval?: "hour" | "day") => insertVersion(db, schema, type, complete(type, values), 1, null, interval);
  await put("Storefront", { id: STOREFRONT, issued: 500n, redeemed: 100n, redemptionRate: "0.2" });
  await put("Shopper", { id: SHOPPER, earned: 500n, balance: 400n, redeemed: 100n });
  await put("Issuance", { id: "0x01", storefront: STOREFRONT, shopper: SHOPPER, amount: 500n, orderId: 7n, kind: "Batch", timestamp: 1_700_000_000n });
  await put("StorefrontStat", { id: 1n, timestamp: 1_699_999_200_000_000n, storefront: STOREFRONT, issued: 500n, redeemed: 100n }, "day");
  await db.query(`INSERT INTO ${quote(NAMESPACE)}."_meta" (deployment, head_number, head_hash, head_timestamp) VALUES ('QmReal', 1, $1, 1700000000)`, [hexToBytes("0x01")]);
  server = await startGraphQLServer({ schema, db, namespace: NAMESPACE, subgraphName: "dcrm/local", port: 0 });
});

afterAll(async () => {
  await server.close();
  await db.close();
});

async function post(query: string, variables?: Record<string, unknown>) {
  const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string }[] } };
}

describe("the subgraph README's queries", () => {
  it("finds the documented queries", () => {
    expect(documentedQueries.length).toBeGreaterThanOrEqual(7);
  });

  it("runs every documented query unchanged", async () => {
    for (const query of documentedQueries) {
      const variables = query.includes("$shopper")
        ? { shopper: SHOPPER }
        : query.includes("$storefront")
          ? { storefront: STOREFRONT }
          : query.includes("$token")
            ? { token: STOREFRONT }
            : undefined;
      const { status, body } = await post(query, variables);
      expect(body.errors, `${query}\n${JSON.stringify(body.errors)}`).toBeUndefined();
      expect(status).toBe(200);
    }
  });

  it("answers them from the tables", async () => {
    const daily = await post(documentedQueries[0]!);
    expect(daily.body.data.storefrontStats).toEqual([
      { timestamp: "1699999200000000", storefront: { id: STOREFRONT }, issued: "500", redeemed: "100" },
    ]);
    const history = await post(documentedQueries.find((q) => q.includes("ShopperHistory"))!, { shopper: SHOPPER });
    expect(history.body.data.shopper.issuances).toEqual([
      { timestamp: "1700000000", storefront: { id: STOREFRONT }, orderId: "7", amount: "500", kind: "Batch", pending: false, releaseTime: null },
    ]);
    const rates = await post(`{ storefronts(orderBy: redemptionRate, orderDirection: desc) { id redemptionRate } }`);
    expect(rates.body.data.storefronts).toEqual([{ id: STOREFRONT, redemptionRate: "0.2" }]);
  });
});

describe("internal failures", () => {
  it("answer 500 with no details when the tables are missing", async () => {
    const empty = await openPglite();
    await empty.exec(createMetaSql("other"));
    const reported: unknown[] = [];
    const broken = await startGraphQLServer({
      schema, db: empty, namespace: "other", subgraphName: "dcrm/broken", port: 0, onInternalError: (error) => reported.push(error),
    });
    try {
      const response = await fetch(broken.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ shoppers { id } }" }) });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toMatch(/relation|stack|at .*\.ts/);
      expect(JSON.parse(text).errors[0].message).toBe("Unexpected error.");
      // The operator learns the cause.
      expect(String(reported[0])).toMatch(/relation .* does not exist/);
    } finally {
      await broken.close();
      await empty.close();
    }
  });
});
