import { describe, expect, it } from "vitest";

import { issuedToday } from "./issuedToday.ts";

describe("issuedToday", () => {
  it("is the period's issuance when the cap period is one day, and unknown for any other period", () => {
    expect(issuedToday({ capPeriod: 86_400, issuedInPeriod: 130n })).toBe(130n);
    expect(issuedToday({ capPeriod: 86_400n, issuedInPeriod: 0n })).toBe(0n);
    expect(issuedToday({ capPeriod: 3_600, issuedInPeriod: 130n })).toBeUndefined();
    expect(issuedToday({ capPeriod: 7 * 86_400, issuedInPeriod: 130n })).toBeUndefined();
    expect(issuedToday({ capPeriod: 0, issuedInPeriod: 130n })).toBeUndefined();
  });
});
