import { readFile } from "node:fs/promises";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseSchema, storedFields, type EntityModel, type FieldModel, type SchemaModel } from "../schema.ts";
import type { Db } from "./db.ts";
import { EntityStore } from "./entityStore.ts";
import type { Entity, Value } from "./layout.ts";
import { testBlock, testDatabases } from "./testSupport.ts";

// The project's own subgraph schema, read at run time as a fixture.
const SCHEMA_URL = new URL("../../subgraph/schema.graphql", import.meta.url);
const DAY = 19_675 * 86_400;
const HOUR = 3_600;
const NAMESPACE = "sgd42";

const databases = testDatabases();
let schema: SchemaModel;

beforeAll(async () => {
  schema = parseSchema(await readFile(SCHEMA_URL, "utf8"));
});

/** A value of the field's type, different for each `n`. */
function sampleValue(field: FieldModel, n: number): Value {
  const one = (): Value => {
    if (field.enumName) return schema.enums.get(field.enumName)!.values[n % schema.enums.get(field.enumName)!.values.length]!;
    switch (field.scalar) {
      case "String":
        return `${field.name}-${n}`;
      case "Bytes":
        return `0x${(n + 1).toString(16).padStart(8, "0")}`;
      case "Int":
        return -n - 1;
      case "Int8":
      case "Timestamp":
        return BigInt(n) * 1_000_000_007n;
      case "BigInt":
        return 10n ** 30n + BigInt(n);
      case "BigDecimal":
        return `${n}.125`;
      case "Boolean":
        return n % 2 === 0;
    }
  };
  return field.list ? [one(), one()] : one();
}

function sampleEntity(model: EntityModel, n: number): Entity {
  const entity: Entity = {};
  for (const field of storedFields(model)) entity[field.name] = field.name === "id" ? `0x${n.toString(16).padStart(6, "0")}` : sampleValue(field, n);
  return entity;
}

describe.each(databases)("the store on the subgraph's schema, on $name", (database) => {
  let db: Db;
  beforeAll(async () => {
    db = await database.open();
  });
  afterAll(async () => {
    await db.close();
  });

  it("stores every entity type and reads every field back the same after a reopen", async () => {
    const store = await EntityStore.open({ db, schema, namespace: NAMESPACE, deployment: "QmDcrm" });
    const entityTypes = [...schema.entities.values()].filter((e) => e.kind === "entity");
    expect(entityTypes.length).toBeGreaterThan(20);
    const writer = store.startBlock(testBlock(1, DAY + 100));
    const written = new Map<string, Entity>();
    entityTypes.forEach((model, n) => {
      const entity = sampleEntity(model, n);
      writer.set(model.name, entity.id as string, entity);
      written.set(model.name, entity);
    });
    await writer.commit();

    const reopened = await EntityStore.open({ db, schema, namespace: NAMESPACE, deployment: "QmDcrm" });
    expect(reopened.head).toEqual(testBlock(1, DAY + 100));
    const reader = reopened.startBlock(testBlock(2, DAY + 200));
    for (const [type, entity] of written) expect([type, reader.get(type, entity.id as string)]).toEqual([type, entity]);
  });

  it("writes thousands of immutable entities in one block", async () => {
    const store = await EntityStore.open({ db, schema, namespace: NAMESPACE, deployment: "QmDcrm" });
    const transfer = schema.entities.get("Transfer")!;
    const writer = store.startBlock(testBlock(2, DAY + 200));
    const count = 7_000; // × 10 columns: more bind parameters than one statement takes
    for (let n = 0; n < count; n++) {
      const entity = sampleEntity(transfer, 1_000 + n);
      writer.set("Transfer", entity.id as string, entity);
    }
    await writer.commit();
    const { rows } = await db.query<{ count: bigint }>(`SELECT count(*) AS count FROM ${NAMESPACE}.transfer WHERE block_start = 2`);
    expect(rows[0]!.count).toBe(BigInt(count));
    expect(store.startBlock(testBlock(3, DAY + 300)).get("Transfer", sampleEntity(transfer, 1_000 + count - 1).id as string)).not.toBeNull();
  }, 120_000);

  it("rolls ProgramDataPoint and StorefrontDataPoint up into their hourly statistics", async () => {
    const store = await EntityStore.open({ db, schema, namespace: NAMESPACE, deployment: "QmDcrm" });
    const point = (issued: bigint, active: number) => ({
      issued, redeemed: 1n, newActiveInHour: active, newActiveInDay: active, dataAccessRevenue: 0n,
    });
    let writer = store.startBlock(testBlock(3, DAY + 300));
    writer.set("ProgramDataPoint", "", point(100n, 1));
    writer.set("ProgramDataPoint", "", point(50n, 0));
    writer.set("StorefrontDataPoint", "", { storefront: "0x5f01", ...point(100n, 1) });
    writer.set("StorefrontDataPoint", "", { storefront: "0x5f02", ...point(50n, 0) });
    await writer.commit();
    writer = store.startBlock(testBlock(4, DAY + HOUR));
    writer.set("ProgramDataPoint", "", point(1n, 1));
    await writer.commit();

    const program = await db.query(
      `SELECT id, timestamp, issued::text AS issued, redeemed::text AS redeemed, "dataPoints", block_start FROM ${NAMESPACE}.programstat_hour`,
    );
    expect(program.rows).toEqual([
      { id: 2n, timestamp: BigInt(DAY) * 1_000_000n, issued: "150", redeemed: "2", dataPoints: 2n, block_start: 4 },
    ]);
    // The same data points, rolled up by an aggregation of its own on the hour only.
    const active = await db.query(`SELECT "activeShoppers" FROM ${NAMESPACE}.hourlyactivity_hour`);
    expect(active.rows).toEqual([{ activeShoppers: 1 }]);
    const storefronts = await db.query(
      `SELECT '0x' || encode(storefront, 'hex') AS storefront, issued::text AS issued FROM ${NAMESPACE}.storefrontstat_hour ORDER BY storefront`,
    );
    expect(storefronts.rows).toEqual([
      { storefront: "0x5f01", issued: "100" },
      { storefront: "0x5f02", issued: "50" },
    ]);
    expect((await db.query(`SELECT * FROM ${NAMESPACE}.programstat_day`)).rows).toEqual([]);
  });
});
