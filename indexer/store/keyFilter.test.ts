import { describe, expect, it } from "vitest";

import { KeyFilter } from "./keyFilter.ts";

describe("the filter of existing keys", () => {
  it("never says no to a key it holds, past its first capacity, and rarely yes to one it does not", () => {
    const filter = new KeyFilter(1_000);
    const held = Array.from({ length: 5_000 }, (_, i) => `Shopper\u00000x${i.toString(16).padStart(40, "0")}`);
    for (const key of held) filter.add(key);
    expect(held.every((key) => filter.mayHave(key))).toBe(true);
    const others = Array.from({ length: 5_000 }, (_, i) => `Shopper\u00000x${(i + 1_000_000).toString(16).padStart(40, "0")}`);
    const falsePositives = others.filter((key) => filter.mayHave(key)).length;
    expect(falsePositives).toBeLessThan(250); // a few percent over its four filters
    expect(new KeyFilter().mayHave("Shopper\u00000x01")).toBe(false);
  });
});
