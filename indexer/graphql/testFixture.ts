/**
 * A small subgraph schema and its rows for the GraphQL tests: tables made with `createTablesSql`, rows
 * inserted as the store writes them (values through `toSql`), several versions of one entity over block
 * ranges, an aggregation's hour and day tables, `_meta` and `_blocks`.
 */
import { parseSchema, type SchemaModel } from "../schema.ts";
import { openPglite, type Db } from "../store/db.ts";
import { aggregationTable, createMetaSql, createTablesSql, entityTable, hexToBytes, quote, toSql, type Entity } from "../store/layout.ts";
import type { AggregationInterval } from "../schema.ts";

export const FIXTURE_SCHEMA = `
enum Color { Red Green }
type Shop @entity(immutable: false) {
  id: Bytes!
  name: String!
  rank: Int!
  revenue: BigInt!
  rate: BigDecimal!
  big: Int8!
  open: Boolean!
  color: Color!
  tags: [String!]!
  code: Bytes
  owner: Owner
  sales: [Sale!]! @derivedFrom(field: "shop")
}
type Owner @entity(immutable: false) {
  id: ID!
  name: String!
  shops: [Shop!]! @derivedFrom(field: "owner")
  profile: Profile @derivedFrom(field: "owner")
}
type Profile @entity(immutable: false) {
  id: ID!
  owner: Owner!
  score: Int!
}
type Sale @entity(immutable: true) {
  id: ID!
  shop: Shop!
  amount: BigInt!
  at: Timestamp!
  items: [Item!]!
}
type Item @entity(immutable: true) {
  id: ID!
  label: String!
}
type Point @entity(timeseries: true) {
  id: Int8!
  timestamp: Timestamp!
  shop: Shop!
  amount: BigInt!
}
type Stat @aggregation(intervals: ["hour", "day"], source: "Point") {
  id: Int8!
  timestamp: Timestamp!
  shop: Shop!
  total: BigInt! @aggregate(fn: "sum", arg: "amount")
}
type DailyStat @aggregation(intervals: ["day"], source: "Point") {
  id: Int8!
  timestamp: Timestamp!
  total: BigInt! @aggregate(fn: "sum", arg: "amount")
}
`;

export const NAMESPACE = "sgd1";
export const HOUR = 3_600_000_000n;

/** Inserts one version of an entity, valid from `blockStart` until `blockEnd` (null: current). */
export async function insertVersion(db: Db, schema: SchemaModel, typeName: string, values: Entity, blockStart: number, blockEnd: number | null = null, interval?: AggregationInterval): Promise<void> {
  const entity = schema.entities.get(typeName)!;
  const fields = entity.fields.filter((f) => !f.derivedFrom && values[f.name] !== undefined);
  const table = interval ? aggregationTable(entity, interval) : entityTable(entity);
  const columns = ["block_start", "block_end", ...fields.map((f) => quote(f.name))];
  const params = [blockStart, blockEnd, ...fields.map((f) => toSql(f, values[f.name]!))];
  await db.query(
    `INSERT INTO ${quote(NAMESPACE)}.${quote(table)} (${columns.join(", ")}) VALUES (${params.map((_, i) => `$${i + 1}`).join(", ")})`,
    params,
  );
}

/** A fresh in-memory database with the fixture's tables and rows, indexed up to block 4. */
export async function openFixture(): Promise<{ db: Db; schema: SchemaModel }> {
  const schema = parseSchema(FIXTURE_SCHEMA);
  const db = await openPglite();
  await db.exec(createTablesSql(schema, NAMESPACE));
  await db.exec(createMetaSql(NAMESPACE));
  const put = (type: string, values: Entity, from: number, to: number | null = null, interval?: AggregationInterval) =>
    insertVersion(db, schema, type, values, from, to, interval);

  await put("Owner", { id: "o1", name: "Alice" }, 1);
  await put("Owner", { id: "o2", name: "bob" }, 1);
  await put("Profile", { id: "p1", owner: "o1", score: 5 }, 1);
  await put("Profile", { id: "p2", owner: "o2", score: 1 }, 1);
  await put("Profile", { id: "p0", owner: "o2", score: 9 }, 1, 2);
  const shop1 = { id: "0x01", name: "Alpha Shop", rate: "0.5", big: 1n, open: true, color: "Red", tags: ["a", "B"], code: "0x0a0b0c", owner: "o1" };
  await put("Shop", { ...shop1, rank: 1, revenue: 50n }, 1, 3);
  await put("Shop", { ...shop1, rank: 3, revenue: 100n }, 3);
  await put("Shop", { id: "0x02", name: "beta store", rank: 2, revenue: 300n, rate: "1.25", big: 9007199254740993n, open: false, color: "Green", tags: ["b"], code: "0xff", owner: "o2" }, 2);
  await put("Shop", { id: "0x03", name: "Gamma", rank: 2, revenue: 200n, rate: "0.75", big: 3n, open: true, color: "Red", tags: [], owner: null }, 1);
  await put("Item", { id: "i1", label: "first" }, 1);
  await put("Item", { id: "i2", label: "second" }, 1);
  await put("Sale", { id: "s1", shop: "0x01", amount: 10n, at: 1_000_000n, items: [] }, 1);
  await put("Sale", { id: "s2", shop: "0x01", amount: 30n, at: 2_000_000n, items: ["i2", "i1"] }, 2);
  await put("Sale", { id: "s3", shop: "0x02", amount: 20n, at: 3_000_000n, items: ["i1"] }, 3);
  await put("Point", { id: 1n, timestamp: 10n, shop: "0x01", amount: 5n }, 1);
  await put("Stat", { id: 1n, timestamp: 0n, shop: "0x01", total: 5n }, 2, null, "hour");
  await put("Stat", { id: 2n, timestamp: HOUR, shop: "0x01", total: 7n }, 3, null, "hour");
  await put("Stat", { id: 3n, timestamp: HOUR, shop: "0x02", total: 4n }, 3, null, "hour");
  await put("Stat", { id: 4n, timestamp: 0n, shop: "0x01", total: 12n }, 4, null, "day");

  for (let number = 1; number <= 4; number++) {
    await db.query(`INSERT INTO ${quote(NAMESPACE)}."_blocks" (number, hash, parent_hash, timestamp) VALUES ($1, $2, $3, $4)`, [
      number, hexToBytes(`0xaa0${number}`), hexToBytes(`0xaa0${number - 1}`), String(1_700_000_000 + number * 12),
    ]);
  }
  await db.query(`INSERT INTO ${quote(NAMESPACE)}."_meta" (deployment, head_number, head_hash, head_timestamp, earliest_block) VALUES ($1, $2, $3, $4, 1)`, [
    "QmFixture", 4, hexToBytes("0xaa04"), String(1_700_000_048),
  ]);
  return { db, schema };
}
