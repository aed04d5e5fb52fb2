// Trigger isolation: a test module (fixtures/isolation.ts) tries to carry state from one trigger to the next (a
// global counter, a heap object, a static field, raw memory, the allocator's position, grown memory, a failed
// trigger's leftovers); every trigger must find what a fresh instance has, while the instance is made only once.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSchema, type SchemaModel } from "../schema.ts";
import { exposeMutableGlobals } from "./exposeGlobals.ts";
import { BlockIdSequence, MappingError, MappingModule } from "./index.ts";
import { compileFixture } from "./testing/compileFixture.ts";
import { MemoryStore } from "./testing/memoryStore.ts";
import { block, transaction } from "./testing/triggers.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const ADDRESS = "0x00000000000000000000000000000000000000aa";

let schema: SchemaModel;
let wasm: Uint8Array;

beforeAll(() => {
  schema = parseSchema(readFileSync(join(FIXTURES, "schema.graphql"), "utf8"));
  wasm = compileFixture(join(FIXTURES, "isolation.ts"));
});

function run(module: MappingModule, handler: string, blockNumber = 7n): string[] {
  const logs: string[] = [];
  module.runEvent(
    {
      handler,
      address: ADDRESS,
      logIndex: 0n,
      transactionLogIndex: 0n,
      logType: null,
      block: block(blockNumber, 3_600n),
      transaction: transaction(`0x${"22".repeat(32)}`),
      params: [],
    },
    {
      store: new MemoryStore(schema),
      dataSource: { name: "Isolation", address: ADDRESS, network: "testnet", context: null },
      log: (level, message) => logs.push(message),
      ids: new BlockIdSequence(Number(blockNumber)),
    },
  );
  return logs;
}

const compile = () => MappingModule.compile(wasm, { name: "Isolation", apiVersion: "0.0.9", schema });

describe("trigger isolation", () => {
  it("gives every trigger what a fresh instance gives, from one instance", () => {
    const fresh = run(compile(), "leak")[0]!;
    expect(fresh).toMatch(/^counter=1 seen=1 registry=1 raw=0 pointer=\d+ pages=\d+$/);
    const module = compile();
    for (let trigger = 0; trigger < 5; trigger++) expect(run(module, "leak", BigInt(trigger))).toEqual([fresh]);
    expect(module.instantiations).toBe(1);
  });

  it("keeps nothing of a trigger that failed", () => {
    const module = compile();
    const fresh = run(module, "leak")[0];
    expect(() => run(module, "leakThenFail")).toThrow(MappingError);
    expect(run(module, "leak")).toEqual([fresh]);
  });

  it("drops grown memory: the next trigger starts with the pages a fresh instance has", () => {
    const module = compile();
    const fresh = run(module, "leak")[0]!;
    const pages = Number(/pages=(\d+)/.exec(fresh)![1]);
    const [grown] = run(module, "grow");
    expect(Number(/pages=(\d+)/.exec(grown!)![1])).toBeGreaterThan(pages);
    expect(run(module, "leak")).toEqual([fresh]);
    expect(module.instantiations).toBe(2);
  });

  it("exports every mutable global and changes nothing else", () => {
    const exposed = exposeMutableGlobals(wasm);
    expect(exposed.globals.length).toBeGreaterThan(0);
    const before = WebAssembly.Module.exports(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>));
    const after = WebAssembly.Module.exports(new WebAssembly.Module(exposed.wasm as Uint8Array<ArrayBuffer>));
    expect(after).toEqual([...before, ...exposed.globals.map((name) => ({ name, kind: "global" }))]);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(exposed.wasm as Uint8Array<ArrayBuffer>))).toEqual(
      WebAssembly.Module.imports(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>)),
    );
  });
});
