import { describe, expect, it } from "vitest";
import { JsonNumber, JsonSyntaxError, parseJsonText } from "./jsonText.ts";

describe("parseJsonText", () => {
  it("keeps number text and reads nested values", () => {
    const value = parseJsonText(' {"a": [1, -2.5e3, "x\\u00e9\\n", true, false, null], "b": {}} ') as Map<string, unknown>;
    const list = value.get("a") as unknown[];
    expect((list[0] as JsonNumber).text).toBe("1");
    expect((list[1] as JsonNumber).text).toBe("-2.5e3");
    expect(list.slice(2)).toEqual(["xé\n", true, false, null]);
    expect(value.get("b")).toEqual(new Map());
    expect((parseJsonText("123456789012345678901234567890") as JsonNumber).text).toBe("123456789012345678901234567890");
  });

  it("refuses what strict JSON refuses", () => {
    for (const bad of ["", "foo", "{a:1}", "[1,]", "01", "1.", '"\\x"', "[1] 2", "{\"a\" 1}", '"line\nbreak"']) {
      expect(() => parseJsonText(bad), bad).toThrow(JsonSyntaxError);
    }
  });
});
