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

  it("reads interfaces: their fields, implementers and id type, and references to them", () => {
    const model = parseSchema(`
      interface Event { id: Bytes!, shop: Shop! }
      type Sale implements Event @entity(immutable: true) { id: Bytes!, shop: Shop!, amount: BigInt! }
      type Refund implements Event @entity { id: Bytes!, shop: Shop! }
      type Shop @entity { id: ID!, events: [Event!]! @derivedFrom(field: "shop"), last: Event }
    `);
    const event = model.interfaces.get("Event")!;
    expect(event.implementers).toEqual(["Sale", "Refund"]);
    expect(event.idType).toBe("Bytes");
    expect(event.fields.map((f) => f.name)).toEqual(["id", "shop"]);
    expect(model.entities.get("Sale")!.interfaces).toEqual(["Event"]);
    expect(model.entities.has("Event")).toBe(false);
    expect(model.entities.get("Shop")!.field.get("last")).toMatchObject({ reference: "Event", scalar: "Bytes" });
  });

  it.each([
    ["@fulltext in an unknown language", `type _Schema_ @fulltext(name: "search", language: xx, algorithm: rank, include: [{ entity: "Shop", fields: [{ name: "name" }] }])\ntype Shop @entity { id: ID!, name: String! }`, /@fulltext\(name: "search"\): language "xx" is not one of simple, da/],
    ["@fulltext with an unknown algorithm", `type _Schema_ @fulltext(name: "search", language: en, algorithm: best, include: [{ entity: "Shop", fields: [{ name: "name" }] }])\ntype Shop @entity { id: ID!, name: String! }`, /algorithm "best" is not rank or proximityRank/],
    ["@fulltext over a field that is not a String", `type _Schema_ @fulltext(name: "search", language: en, algorithm: rank, include: [{ entity: "Shop", fields: [{ name: "rank" }] }])\ntype Shop @entity { id: ID!, rank: Int! }`, /Shop\.rank is not a String field/],
    ["an interface nothing implements", `interface Named { id: ID! }\ntype Shop @entity { id: ID! }`, /interface Named: no entity type implements it/],
    ["an implementer without an interface field", `interface Named { id: ID!, name: String! }\ntype Shop implements Named @entity { id: ID! }`, /type Shop: implements Named, so it needs the field name with the interface's type String!/],
    ["an implementer whose field has another type", `interface Named { id: ID!, name: String! }\ntype Shop implements Named @entity { id: ID!, name: String }`, /needs the field name with the interface's type String!/],
    ["implementers with different id types", `interface Named { id: ID! }\ntype Shop implements Named @entity { id: ID! }\ntype Till implements Named @entity { id: Bytes! }`, /must all have the same id type, but they use String and Bytes/],
    ["implementing what is not an interface", `type Shop implements Named @entity { id: ID! }`, /type Shop: implements Named, which is not an interface/],
    ["an interface with @entity", `interface Named @entity { id: ID! }\ntype Shop implements Named @entity { id: ID! }`, /interface Named: an interface takes no directives/],
    ["a @derivedFrom through an interface whose implementer lacks the back reference", `interface Event { id: ID! }\ntype A implements Event @entity { id: ID!, shop: Shop! }\ntype B implements Event @entity { id: ID! }\ntype Shop @entity { id: ID!, events: [Event!]! @derivedFrom(field: "shop") }`, /Shop\.events: @derivedFrom\(field: "shop"\) needs B\.shop referencing Shop/],
    ["a type without @entity", `type Shop { id: ID! }`, /Shop: needs @entity or @aggregation/],
    ["an unknown field type", `type Shop @entity { id: ID!, owner: Owner! }`, /Shop\.owner: unknown type Owner/],
    ["an aggregation over something not a timeseries", `type Shop @entity { id: ID! }\ntype Stat @aggregation(intervals: ["hour"], source: "Shop") { id: Int8!, timestamp: Timestamp! }`, /not a timeseries/],
    ["a @derivedFrom without its back reference", `type Shop @entity { id: ID!, items: [Item!]! @derivedFrom(field: "shop") }\ntype Item @entity { id: ID! }`, /needs Item\.shop referencing Shop/],
  ])("refuses %s with a SchemaError that names it", (_, text, message) => {
    expect(() => parseSchema(text)).toThrow(SchemaError);
    expect(() => parseSchema(text)).toThrow(message);
  });
});
