// graph-node's limits, so that a subgraph failing on graph-node fails here: reading a null pointer, BigInt size,
// the nesting depth of values read from WASM memory, and JSON input (size and nesting). The handlers are in
// fixtures/limits.ts; the limits and messages are graph-node's (runtime/test's null_ptr_read and
// big_int_size_limit, asc_heap's recursion limit, host_exports' JSON size, serde_json's nesting).
import { beforeAll, describe, expect, it } from "vitest";

import { fixtureRunner, type HandlerOutcome } from "./testing/fixtureRunner.ts";

let run: (handler: string) => HandlerOutcome;

beforeAll(() => {
  run = fixtureRunner("limits.ts", "Limits");
}, 120_000);

const NULL_READ = /^Tried to read AssemblyScript value that is 'null'\. Suggestion: look into the function/;

describe("graph-node's limits", () => {
  it("fails a handler that passes a null operand to a host function", () => {
    expect(run("nullOperand").error?.message).toMatch(NULL_READ);
  });

  it("fails a handler that stores a null entity", () => {
    expect(run("nullEntity").error?.message).toMatch(NULL_READ);
  });

  it("takes a BigInt of 435,412 bits and fails one over", () => {
    expect(run("bigIntAtLimit")).toEqual({ logs: ["bits fit"] });
    expect(run("bigIntOverLimit").error?.message).toMatch(/^BigInt is too big, total bits 435416 \(max 435412\)/);
  });

  it("reads values nested up to depth 128 and fails deeper ones", () => {
    // At the limit the read succeeds and the schema refuses the list of lists; one level more fails the read.
    expect(run("valuesAtLimit").error?.message).toMatch(/field `tags`/);
    expect(run("valuesOverLimit").error?.message).toMatch(/^recursion limit reached/);
  });

  it("parses JSON nested 127 levels and fails at 128", () => {
    const { logs, error } = run("jsonNesting");
    expect(logs).toEqual(["127 levels: ok, 128 levels: error"]);
    expect(error?.message).toMatch(/recursion limit exceeded/);
  });

  it("parses JSON of 10,000,000 bytes and fails one byte more", () => {
    const { logs, error } = run("jsonSize");
    expect(logs).toEqual(["10000000 bytes: ok"]);
    expect(error?.message).toMatch(/^JSON size exceeds max size of 10000000/);
  });
});
