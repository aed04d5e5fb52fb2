// graph-node's limits, so that a subgraph failing on graph-node fails here: reading a null pointer, BigInt size,
// the nesting depth of values read from WASM memory, and JSON input (size and nesting). The handlers are in
// fixtures/limits.ts; the limits and messages are graph-node's (runtime/test's null_ptr_read and
// big_int_size_limit, asc_heap's recursion limit, host_exports' JSON size, serde_json's nesting).
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { parseSchema, type SchemaModel } from "../schema.ts";
import { BlockIdSequence, MappingError, MappingModule } from "./index.ts";
import { compileFixture } from "./testing/compileFixture.ts";
import { MemoryStore } from "./testing/memoryStore.ts";
import { block, transaction } from "./testing/triggers.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const ADDRESS = "0x00000000000000000000000000000000000000aa";

let schema: SchemaModel;
let module: MappingModule;

beforeAll(() => {
  schema = parseSchema(readFileSync(join(FIXTURES, "schema.graphql"), "utf8"));
  module = MappingModule.compile(compileFixture(join(FIXTURES, "limits.ts")), { name: "Limits", apiVersion: "0.0.9", schema });
}, 120_000);

/** Runs a handler; returns its info logs, or the MappingError it failed with. */
function run(handler: string): { logs: string[]; error?: MappingError } {
  const logs: string[] = [];
  try {
    module.runEvent(
      { handler, address: ADDRESS, logIndex: 0n, transactionLogIndex: 0n, logType: null, block: block(5n, 3_600n), transaction: transaction(`0x${"11".repeat(32)}`), params: [] },
      {
        store: new MemoryStore(schema),
        dataSource: { name: "Limits", address: ADDRESS, network: "testnet", context: null },
        log: (level, message) => logs.push(level === 3 ? message : `${level}:${message}`),
        ids: new BlockIdSequence(5),
      },
    );
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return { logs, error: error as MappingError };
  }
  return { logs };
}

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
