import { describe, expect, it } from "vitest";
import { BaseError } from "viem";

import { readableError } from "./errors.ts";

describe("readableError", () => {
  it("shows an error's short message, not its details", () => {
    const error = new BaseError("The contract reverted: InsufficientPoints(holder, 5, 10).", { details: "stack and calldata" });
    expect(readableError(error)).toBe("The contract reverted: InsufficientPoints(holder, 5, 10).");
  });
  it("says when the wallet declined", () => {
    const declined = Object.assign(new Error("User rejected the request."), { name: "UserRejectedRequestError" });
    expect(readableError(declined)).toBe("You declined the request in your wallet.");
  });
  it("names an unreachable network in words and keeps only the first line of other messages", () => {
    expect(readableError(new TypeError("Failed to fetch"))).toMatch(/network did not answer/);
    expect(readableError(new Error("first line\nsecond line"))).toBe("first line");
    expect(readableError(undefined)).toBe("Something went wrong.");
  });
});
