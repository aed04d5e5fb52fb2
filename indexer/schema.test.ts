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
});
