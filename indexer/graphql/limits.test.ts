import { buildSchema, Kind, parse, type OperationDefinitionNode } from "graphql/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../store/db.ts";
import { DEFAULT_MAX_DEPTH, queryLimitsFromEnv, startGraphQLServer, type GraphQLServer } from "./index.ts";
import { measureCost } from "./limits.ts";
import { NAMESPACE, openFixture } from "./testFixture.ts";

let db: Db;
let server: GraphQLServer;

const LIMITS = { maxDepth: 4, maxComplexity: 1_000, maxResultBytes: 300 };

beforeAll(async () => {
  const fixture = await openFixture();
  db = fixture.db;
  server = await startGraphQLServer({ schema: fixture.schema, db, namespace: NAMESPACE, subgraphName: "test/limits", port: 0, limits: LIMITS });
});

afterAll(async () => {
  await server.close();
  await db.close();
});

async function post(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: await response.json() };
}

/** A refused query: status 400, no data, and its error message. */
async function refused(query: string, variables?: Record<string, unknown>): Promise<string> {
  const { status, body } = await post(query, variables);
  expect(status).toBe(400);
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  return body.errors[0].message as string;
}

/** A served query: status 200 and its data. */
async function served(query: string, variables?: Record<string, unknown>): Promise<any> {
  const { status, body } = await post(query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(status).toBe(200);
  return body.data;
}

const TOO_DEEP = "query has a depth that exceeds the limit of `4`";
const SHOP_IDS = { shops: [{ id: "0x01" }, { id: "0x02" }, { id: "0x03" }] };

describe("depth limit", () => {
  it("refuses a query nested past the limit, then serves the next query", async () => {
    expect(await refused(`{ shops { owner { shops { owner { shops { id } } } } } }`)).toBe(TOO_DEEP);
    expect(await served(`{ shops { id } }`)).toEqual(SHOP_IDS);
  });

  it("serves a query exactly at the limit", async () => {
    const data = await served(`{ shops(first: 1) { owner { shops(first: 1) { id } } } }`);
    expect(data.shops).toHaveLength(1);
  });

  it("counts fields reached through fragments and inline fragments", async () => {
    const query = `
      fragment deeper on Owner { shops { ... on Shop { owner { id } } } }
      { shops { owner { ...deeper } } }`;
    expect(await refused(query)).toBe(TOO_DEEP);
  });
});

describe("complexity limit", () => {
  it("refuses a query that may return more entities than the limit, naming how many", async () => {
    expect(await refused(`{ shops(first: 1000) { sales(first: 1000) { id } } }`)).toBe(
      "query potentially returns `1001000` entities or more and thereby exceeds the limit of `1000` entities. " +
        "Possible solutions are reducing the depth of the query, querying fewer relationships or using `first` to return smaller collections",
    );
    expect(await served(`{ shops(first: 5) { sales(first: 5) { id } } }`)).toHaveProperty("shops");
  });

  it("counts first's default of 100 per collection, and first given as a variable", async () => {
    expect(await refused(`{ shops { sales { id } } }`)).toMatch(/^query potentially returns `10100` entities/);
    const query = `query ($n: Int) { shops(first: $n) { sales(first: $n) { id } } }`;
    expect(await refused(query, { n: 40 })).toMatch(/^query potentially returns `1640` entities/);
    expect(await served(query, { n: 30 })).toHaveProperty("shops");
  });
});

describe("result size limit", () => {
  it("refuses an answer larger than the limit in bytes, then serves a small one", async () => {
    const message = await refused(`{ shops { id name rank revenue rate big open color tags } }`);
    const [, bytes] = /^the result size of (\d+) is larger than the allowed limit of 300$/.exec(message) ?? [];
    expect(Number(bytes)).toBeGreaterThan(300);
    expect(await served(`{ shops { id } }`)).toEqual(SHOP_IDS);
  });
});

describe("under hostile load", () => {
  it("keeps serving ordinary queries sent alongside many refused ones", async () => {
    const hostile = Array.from({ length: 30 }, () => post(`{ shops { owner { shops { owner { shops { owner { id } } } } } } }`));
    const ordinary = Array.from({ length: 5 }, () => served(`{ shops { id } }`));
    const [refusals, answers] = await Promise.all([Promise.all(hostile), Promise.all(ordinary)]);
    for (const { status, body } of refusals) {
      expect(status).toBe(400);
      expect(body.errors[0].message).toBe(TOO_DEEP);
    }
    for (const data of answers) expect(data).toEqual(SHOP_IDS);
  });
});

describe("queryLimitsFromEnv", () => {
  it("reads graph-node's variables, with its defaults", () => {
    expect(queryLimitsFromEnv({})).toEqual({ maxDepth: DEFAULT_MAX_DEPTH, maxComplexity: undefined, maxResultBytes: undefined });
    expect(queryLimitsFromEnv({ GRAPH_GRAPHQL_MAX_DEPTH: "10", GRAPH_GRAPHQL_MAX_COMPLEXITY: "5000", GRAPH_GRAPHQL_ERROR_RESULT_SIZE: "1048576" })).toEqual({
      maxDepth: 10,
      maxComplexity: 5_000,
      maxResultBytes: 1_048_576,
    });
  });

  it("refuses a value that is not a positive integer, naming the variable", () => {
    expect(() => queryLimitsFromEnv({ GRAPH_GRAPHQL_MAX_DEPTH: "deep" })).toThrow("GRAPH_GRAPHQL_MAX_DEPTH must be a positive integer, but is `deep`");
    expect(() => queryLimitsFromEnv({ GRAPH_GRAPHQL_MAX_COMPLEXITY: "0" })).toThrow("GRAPH_GRAPHQL_MAX_COMPLEXITY must be a positive integer");
  });
});

describe("measureCost", () => {
  const schema = buildSchema(`
    interface Event { id: ID! related(first: Int = 100): [Event!]! }
    type Sale implements Event { id: ID! related(first: Int = 100): [Event!]! amount: Int }
    type Query { events(first: Int = 100): [Event!]! event(id: ID!): Event }
  `);
  const cost = (query: string, variables?: Record<string, unknown>, limits = {}) => {
    const document = parse(query);
    const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION)!;
    return measureCost(schema, document, operation as OperationDefinitionNode, variables, limits);
  };

  it("counts collections of an interface type with their own first", () => {
    expect(cost(`{ events(first: 1000) { related(first: 1000) { id } } }`).complexity).toBe(1_001_000);
  });

  it("uses a variable's default when the request leaves it out", () => {
    const query = `query ($n: Int = 1000) { events(first: $n) { related(first: $n) { id } } }`;
    expect(cost(query).complexity).toBe(1_001_000);
    expect(cost(query, { n: 2 }).complexity).toBe(6);
  });

  it("counts fragments that spread each other many times over once per place, not once per spread", () => {
    // F40 spreads F0 2^40 times: walking every spread would never finish; counting each fragment once per
    // place gives the exact figure at once.
    const levels = Array.from({ length: 40 }, (_, i) => `fragment F${i + 1} on Event { ...F${i} ...F${i} }`);
    const query = `fragment F0 on Event { related(first: 1) { id } } ${levels.join(" ")} { event(id: "x") { ...F40 } }`;
    expect(cost(query).complexity).toBe(1 + 2 ** 40);
  });
});
