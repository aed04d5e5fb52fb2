// Host functions the dCRM mappings do not use, exercised by an AssemblyScript test module (fixtures/hostFunctions.ts)
// compiled here as `graph build` compiles mappings. Expected values are graph-node's answers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAbi } from "viem";
import { parseSchema, type SchemaModel } from "../schema.ts";
import { BlockIdSequence, MappingError, MappingModule, type EventTrigger } from "./index.ts";
import { compileFixture } from "./testing/compileFixture.ts";
import { MemoryStore } from "./testing/memoryStore.ts";
import { block, transaction } from "./testing/triggers.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const ADDRESS = "0x00000000000000000000000000000000000000aa";

let schema: SchemaModel;
let wasm: Uint8Array;
let module: MappingModule;

beforeAll(() => {
  schema = parseSchema(readFileSync(join(FIXTURES, "schema.graphql"), "utf8"));
  wasm = compileFixture(join(FIXTURES, "hostFunctions.ts"));
  module = MappingModule.compile(wasm, { name: "Fixture", apiVersion: "0.0.9", schema });
});

/** Runs a fixture handler; returns what it logged at info level. */
function run(handler: string, store = new MemoryStore(schema), blockNumber = 5n, mapping = module, params: EventTrigger["params"] = []): string[] {
  const logs: string[] = [];
  mapping.runEvent(
    {
      handler,
      address: ADDRESS,
      logIndex: 0n,
      transactionLogIndex: 0n,
      logType: null,
      block: block(blockNumber, 3_600n),
      transaction: transaction(`0x${"11".repeat(32)}`),
      params,
    },
    {
      store,
      dataSource: { name: "Fixture", address: ADDRESS, network: "testnet", context: [["label", { kind: 0, value: "ctx" }]] },
      log: (level, message) => logs.push(level === 3 ? message : `${level}:${message}`),
      ids: new BlockIdSequence(Number(blockNumber)),
    },
  );
  return logs;
}

function failure(handler: string, store?: MemoryStore): MappingError {
  try {
    run(handler, store);
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).handler).toBe(handler);
    return error as MappingError;
  }
  throw new Error(`${handler} did not fail`);
}

describe("numbers", () => {
  it("computes BigDecimals with 34 significant digits and graph-node's rounding", () => {
    expect(run("bigDecimals")).toEqual([
      "0.3333333333333333333333333333333333",
      "0.6666666666666666666666666666666667",
      "-0.6666666666666666666666666666666666",
      "3.75",
      "-0.75",
      "-0.03",
      "1000",
      "123456789012345678901234567890123500000",
      "0.000001",
      "equal",
      "2.5",
    ]);
  });

  it("computes BigInts (division truncates, shifts floor)", () => {
    expect(run("bigInts")).toEqual([
      "-5 -9 -14 -3 -1",
      "1267650600228229401496703205376 15 4",
      "1180591620717411303424 -4",
      "0xff 0x0 340282366920938463463374607431768211456",
    ]);
  });

  it("fails on division by zero", () => {
    expect(failure("divideByZero").message).toMatch(/^attempted to divide BigInt `1` by zero/);
  });
});

describe("conversions and crypto", () => {
  it("converts bytes, base58, addresses and hashes with keccak256", () => {
    expect(run("conversions")).toEqual([
      "0x68c3a96c6c6f",
      "héllo",
      "11233QC4",
      "0xa16081f360e3847006db660bae1c6d1b2e17ec2a",
      "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    ]);
  });

  it("refuses a string that is not an address", () => {
    expect(failure("badAddress").message).toContain("Failed to convert string to Address: '0x1234'");
  });
});

describe("json", () => {
  it("parses JSON keeping every digit of numbers", () => {
    expect(run("jsonValues")).toEqual(["1 2.5 x true null", "123456789012345678901234567890", "-42 number", "error", "7"]);
  });

  it("fails json.fromBytes on invalid JSON", () => {
    expect(failure("badJson").message).toContain("Failed to parse JSON from byte array");
  });
});

describe("ethereum", () => {
  it("encodes and decodes ABI values, null on bad data", () => {
    const [encoded, decoded, bad] = run("ethereumCodec");
    expect(encoded).toBe(
      "0x0000000000000000000000000000000000000000000000000000000000000020" +
        "000000000000000000000000a16081f360e3847006db660bae1c6d1b2e17ec2a" +
        "000000000000000000000000000000000000000000000000000000000000003e" +
        "0000000000000000000000000000000000000000000000000000000000000080" +
        "0000000000000000000000000000000000000000000000000000000000000001" +
        "0000000000000000000000000000000000000000000000000000000000000002" +
        "6869000000000000000000000000000000000000000000000000000000000000",
    );
    expect(decoded).toBe("0xa16081f360e3847006db660bae1c6d1b2e17ec2a 62 hi true");
    expect(bad).toBe("null");
  });

  it("fails a chain read when the indexer has no chain to call from a handler", () => {
    expect(failure("chainCall").message).toContain("ethereum.getBalance: this indexer reads the chain through a provider it cannot call from a handler");
  });

  it("stops a handler that never returns after the handler timeout, and runs the next one", () => {
    const limited = MappingModule.compile(wasm, { name: "Fixture", apiVersion: "0.0.9", schema, timeoutMs: 300 });
    const started = Date.now();
    expect(() => run("spins", undefined, 5n, limited)).toThrow(/handler `spins` did not return within 300 ms \(the handler timeout\)/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run("environment", undefined, 5n, limited)[0]).toMatch(/^0x00000000000000000000000000000000000000aa testnet ctx$/);
  });

  it("fails getBalance below apiVersion 0.0.9, as graph-node", () => {
    const older = MappingModule.compile(wasm, { name: "Fixture", apiVersion: "0.0.8", schema });
    expect(() => run("chainCall", undefined, 5n, older)).toThrow(/ethereum\.getBalance call is not supported before API version 0\.0\.9/);
  });

  it("fails ethereum.call on an unknown ABI, function signature or argument type, with graph-node's messages", () => {
    const known = parseAbi(["function total() view returns (uint256)", "function balanceOf(address) view returns (uint256)"]);
    const withAbi = MappingModule.compile(wasm, { name: "Fixture", apiVersion: "0.0.9", schema, abis: new Map([["Known", known]]) });
    const message = (handler: string) => {
      try {
        run(handler, undefined, 5n, withAbi);
      } catch (error) {
        return (error as Error).message;
      }
      return "no failure";
    };
    expect(message("callUnknownContract")).toMatch(/^Could not find ABI for contract "Nope", try adding it to the 'abis' section of the subgraph manifest/);
    expect(message("callUnknownSignature")).toMatch(/^Unknown function "Known::total" with signature `total\(uint8\):\(uint256\)` called from WASM runtime/);
    expect(message("callWrongArgument")).toMatch(/^Failed to call function "balanceOf" of contract "Known": type mismatch: string given for address/);
  });
});

describe("log, abort and missing host functions", () => {
  it("fails the handler on a critical log", () => {
    expect(failure("critical").message).toMatch(/^Critical error logged in mapping with log message: stop now/);
  });

  it("reports an abort with its message and source location", () => {
    const error = failure("throws");
    expect(error.message).toMatch(/^Mapping aborted at indexer\/host\/fixtures\/hostFunctions\.ts, line \d+, column \d+, with message: boom/);
    expect(error.location).toMatchObject({ file: "indexer/host/fixtures/hostFunctions.ts" });
    expect(error.location!.line).toBeGreaterThan(0);
  });

  it("links a module with an unknown import and fails only when it is called", () => {
    expect(module.missingImports).toEqual(["notAHostFunction"]);
    expect(failure("unprovided").message).toContain("host function `notAHostFunction` (imported from `custom`) is not provided");
  });
});

describe("event triggers", () => {
  it("passes every ABI type to the handler as graph-ts ethereum.Values", () => {
    const tag = `0x${"ab".repeat(32)}`;
    const params: EventTrigger["params"] = [
      { name: "who", type: { name: "who", type: "address", indexed: true } as never, value: ADDRESS },
      { name: "tag", type: { name: "tag", type: "string", indexed: true } as never, value: tag },
      { name: "delta", type: { name: "delta", type: "int64" }, value: -3n },
      { name: "big", type: { name: "big", type: "uint256" }, value: 2n ** 255n },
      { name: "ok", type: { name: "ok", type: "bool" }, value: true },
      { name: "note", type: { name: "note", type: "string" }, value: "hé" },
      { name: "blob", type: { name: "blob", type: "bytes" }, value: "0x0102" },
      { name: "pair", type: { name: "pair", type: "uint8[2]" }, value: [1, 2] },
      {
        name: "items",
        type: { name: "items", type: "tuple[]", components: [{ name: "id", type: "bytes4" }, { name: "amounts", type: "uint256[]" }] },
        value: [{ id: "0xdeadbeef", amounts: [5n, 6n] }, { id: "0x00000001", amounts: [] }],
      },
    ];
    expect(run("eventParams", undefined, 5n, module, params)).toEqual([
      `who 0 ${ADDRESS}`,
      `tag 1 ${tag}`,
      "delta 3 -3",
      `big 4 ${2n ** 255n}`,
      "ok 5 true",
      "note 6 hé",
      "blob 2 0x0102",
      "pair 7 [1,2]",
      "items 8 [(0xdeadbeef,[5,6]),(0x00000001,[])]",
      `0 0x${"11".repeat(32)} 3600`,
    ]);
  });
});

describe("block triggers", () => {
  it("passes the block header to a block handler", () => {
    const logs: string[] = [];
    const header = block(9n, 7_200n);
    module.runBlock(
      { handler: "onBlock", block: header },
      { store: new MemoryStore(schema), dataSource: { name: "Fixture", address: ADDRESS, network: "testnet", context: null }, log: (_, m) => logs.push(m) },
    );
    expect(logs).toEqual([`9 ${header.hash} 1`]);
  });
});

describe("instances", () => {
  it("runs each trigger in a fresh instance: globals start over", () => {
    expect(run("countCalls")).toEqual(["1"]);
    expect(run("countCalls")).toEqual(["1"]);
  });
});

describe("dataSource and ens", () => {
  it("gives the data source's address, network and context; ENS names are unknown", () => {
    expect(run("environment")).toEqual([`${ADDRESS} testnet ctx`, "no name", `${ADDRESS} 5`]);
  });
});

describe("store", () => {
  it("writes typed values, merges updates, removes fields set to null, and loads related entities", () => {
    const store = new MemoryStore(schema);
    run("writeItem", store);
    expect(store.get("Item", "a")).toEqual({
      id: "a",
      name: "first",
      count: 3,
      tags: ["x", "y"],
      amount: -5n,
      ratio: "0.25",
      data: "0xabcd",
      owner: "0x01",
      color: "Blue",
    });
    expect(store.get("Owner", "0x01")).toEqual({ id: "0x01" });
    expect(run("updateItem", store)).toEqual(["first 4 no amount", "0.25 0xabcd", "missing", "1 a", "in block"]);
    expect(store.get("Item", "a")).toMatchObject({ count: 4, amount: null, name: "first" });
    run("removeItem", store);
    expect(store.get("Item", "a")).toBeNull();
  });

  it("gives timeseries data points generated ids and the block's timestamp", () => {
    const store = new MemoryStore(schema);
    run("writePoint", store, 5n);
    expect([...store.tables.get("Point")!.values()]).toEqual([
      { id: (5n << 32n) + 0n, timestamp: 3_600_000_000n, value: 9n },
      { id: (5n << 32n) + 1n, timestamp: 3_600_000_000n, value: 9n },
    ]);
  });

  it("refuses values of the wrong type, missing required fields, conflicting ids, derived fields and aggregations", () => {
    expect(failure("wrongType").message).toContain("Entity Item[b]: the value `1` for field `name` must have type String! but has type Int");
    expect(failure("missingField").message).toContain("Entity Item[c]: missing value for non-nullable field `name`");
    expect(failure("badEnum").message).toContain("Entity Item[g]: `Green` is not a value of enum Color (field `color`: Red, Blue)");
    expect(failure("idMismatch").message).toContain("Value of Item attribute 'id' conflicts with ID passed to `store.set()`: d != e");
    expect(failure("derivedField").message).toContain("Entity Owner[0x02]: field `items` is derived and can not be set");
    expect(failure("getAggregation").message).toContain("Cannot get entity of type `Stat`. The type must be an @entity type");
  });

  it("refuses fields the schema lacks from apiVersion 0.0.8, and drops them before", () => {
    expect(failure("unknownField").message).toContain("Attempted to set undefined fields [nope] for the entity type `Item`");
    const older = MappingModule.compile(wasm, { name: "Fixture", apiVersion: "0.0.7", schema });
    const store = new MemoryStore(schema);
    run("unknownField", store, 5n, older);
    expect(store.get("Item", "f")).toMatchObject({ id: "f", name: "n" });
    expect(store.get("Item", "f")).not.toHaveProperty("nope");
  });
});
