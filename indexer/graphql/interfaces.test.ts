import { graphql, type GraphQLSchema } from "graphql/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Db } from "../store/db.ts";
import type { EntityStore } from "../store/entityStore.ts";
import { testBlock, testDatabases, testStore } from "../store/testSupport.ts";
import { buildQuerySchema } from "./schemaBuilder.ts";

const SCHEMA = `
  interface Event { id: ID! account: Account! amount: BigInt! }
  type Deposit implements Event @entity { id: ID! account: Account! amount: BigInt! note: String! }
  type Withdrawal implements Event @entity { id: ID! account: Account! amount: BigInt! fee: BigInt! }
  type Account @entity {
    id: ID!
    name: String!
    events: [Event!]! @derivedFrom(field: "account")
    latest: Event
    pinned: [Event!]!
  }
`;

describe.each(testDatabases())("interfaces on $name", (database) => {
  let db: Db;
  let store: EntityStore;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    ({ db, store } = await testStore(await database.open(), SCHEMA));
    let writer = store.startBlock(testBlock(1, 1_700_000_000));
    writer.set("Account", "a1", { id: "a1", name: "alice", latest: "d1", pinned: ["w2", "d1"] });
    writer.set("Account", "a2", { id: "a2", name: "bob", latest: null, pinned: [] });
    writer.set("Deposit", "d1", { id: "d1", account: "a1", amount: 50n, note: "salary" });
    writer.set("Withdrawal", "w1", { id: "w1", account: "a2", amount: 20n, fee: 1n });
    await writer.commit();
    writer = store.startBlock(testBlock(2, 1_700_000_012));
    writer.set("Deposit", "d2", { id: "d2", account: "a2", amount: 70n, note: "gift" });
    writer.set("Withdrawal", "w2", { id: "w2", account: "a1", amount: 30n, fee: 2n });
    writer.set("Account", "a1", { id: "a1", name: "alice", latest: "w2", pinned: ["w2", "d1"] });
    // The store's derived loads go through the interface too: every type that implements it.
    expect(writer.loadRelated("Account", "a1", "events").map((e) => e.id).sort()).toEqual(["d1", "w2"]);
    await writer.commit();
    schema = buildQuerySchema({ schema: store.schema, db, namespace: "sgd1" });
  });

  afterAll(async () => {
    await db.close();
  });

  async function data(source: string): Promise<any> {
    const result = await graphql({ schema, source, contextValue: {} });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data;
  }

  it("lists every implementer's entities by id, each as its own type with its own fields", async () => {
    const result = await data(`{ events { id __typename amount ... on Deposit { note } ... on Withdrawal { fee } } }`);
    expect(result.events).toEqual([
      { id: "d1", __typename: "Deposit", amount: "50", note: "salary" },
      { id: "d2", __typename: "Deposit", amount: "70", note: "gift" },
      { id: "w1", __typename: "Withdrawal", amount: "20", fee: "1" },
      { id: "w2", __typename: "Withdrawal", amount: "30", fee: "2" },
    ]);
  });

  it("orders, filters and pages across the implementers' tables as one collection", async () => {
    const ids = async (args: string) => (await data(`{ events(${args}) { id } }`)).events.map((e: { id: string }) => e.id);
    expect(await ids(`orderBy: amount, orderDirection: desc`)).toEqual(["d2", "d1", "w2", "w1"]);
    expect(await ids(`orderBy: amount, first: 2, skip: 1`)).toEqual(["w2", "d1"]);
    expect(await ids(`where: { amount_gte: 30 }`)).toEqual(["d1", "d2", "w2"]);
    expect(await ids(`where: { account_: { name: "bob" } }, orderBy: account__name`)).toEqual(["d2", "w1"]);
    expect(await ids(`orderBy: account__name, orderDirection: desc`)).toEqual(["w1", "d2", "w2", "d1"]);
    expect(await ids(`block: { number: 1 }`)).toEqual(["d1", "w1"]);
  });

  it("reads one entity of the interface by id, and null for an id no implementer has", async () => {
    const result = await data(`{ w: event(id: "w2") { __typename ... on Withdrawal { fee } } none: event(id: "x") { id } }`);
    expect(result).toEqual({ w: { __typename: "Withdrawal", fee: "2" }, none: null });
  });

  it("serves @derivedFrom through the interface, stored interface references and lists, each page per parent", async () => {
    const result = await data(`{
      accounts {
        id
        events(orderBy: amount) { __typename id }
        first: events(first: 1, orderBy: amount, orderDirection: desc) { id }
        latest { __typename id account { name } }
        pinned { id }
      }
    }`);
    expect(result.accounts).toEqual([
      {
        id: "a1",
        events: [{ __typename: "Withdrawal", id: "w2" }, { __typename: "Deposit", id: "d1" }],
        first: [{ id: "d1" }],
        latest: { __typename: "Withdrawal", id: "w2", account: { name: "alice" } },
        pinned: [{ id: "d1" }, { id: "w2" }],
      },
      { id: "a2", events: [{ __typename: "Withdrawal", id: "w1" }, { __typename: "Deposit", id: "d2" }], first: [{ id: "d2" }], latest: null, pinned: [] },
    ]);
    const then = await data(`{ accounts(block: { number: 1 }, where: { id: "a1" }) { latest { id } events { id } } }`);
    expect(then.accounts).toEqual([{ latest: { id: "d1" }, events: [{ id: "d1" }] }]);
  });

  it("filters an entity by its interface-typed children", async () => {
    const result = await data(`{ accounts(where: { events_: { amount_gt: 60 } }) { id } }`);
    expect(result.accounts).toEqual([{ id: "a2" }]);
  });
});
