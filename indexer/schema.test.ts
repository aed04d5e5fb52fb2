import { describe, expect, it } from "vitest";

import { parseSchema, SchemaError } from "./schema.ts";

describe("parseSchema", () => {
  it.each(["vid", "block_start", "block_end"])("refuses a field named %s, which every entity table has as a column", (name) => {
    const text = `type Shop @entity { id: ID!, ${name}: Int! }`;
    expect(() => parseSchema(text)).toThrow(SchemaError);
    expect(() => parseSchema(text)).toThrow(new RegExp(`^Shop\\.${name}: the field name ${name} is reserved`));
  });

  it("accepts fields whose names only resemble the system columns", () => {
    expect(parseSchema(`type Shop @entity { id: ID!, vids: Int!, blockStart: Int!, current: Int! }`).entities.get("Shop")!.fields).toHaveLength(4);
  });

  it.each([
    ["@fulltext", `type _Schema_ @fulltext(name: "search", language: en, algorithm: rank, include: [{ entity: "Shop", fields: [{ name: "name" }] }])\ntype Shop @entity { id: ID!, name: String! }`, /@fulltext search is not supported/],
    ["interfaces", `interface Named { id: ID! }\ntype Shop @entity { id: ID! }`, /interfaces are not supported/],
    ["a type without @entity", `type Shop { id: ID! }`, /Shop: needs @entity or @aggregation/],
    ["an unknown field type", `type Shop @entity { id: ID!, owner: Owner! }`, /Shop\.owner: unknown type Owner/],
    ["an aggregation over something not a timeseries", `type Shop @entity { id: ID! }\ntype Stat @aggregation(intervals: ["hour"], source: "Shop") { id: Int8!, timestamp: Timestamp! }`, /not a timeseries/],
    ["a @derivedFrom without its back reference", `type Shop @entity { id: ID!, items: [Item!]! @derivedFrom(field: "shop") }\ntype Item @entity { id: ID! }`, /needs Item\.shop referencing Shop/],
  ])("refuses %s with a SchemaError that names it", (_, text, message) => {
    expect(() => parseSchema(text)).toThrow(SchemaError);
    expect(() => parseSchema(text)).toThrow(message);
  });
});
