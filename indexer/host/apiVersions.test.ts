// apiVersion 0.0.5 to 0.0.9: the trigger objects a handler receives are laid out as graph-node lays them out for
// the mapping's version (fixtures/apiVersions.ts reads the sizes AssemblyScript records for them).
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSchema } from "../schema.ts";
import { BlockIdSequence, MappingModule } from "./index.ts";
import { compileFixture } from "./testing/compileFixture.ts";
import { MemoryStore } from "./testing/memoryStore.ts";
import { block, transaction } from "./testing/triggers.ts";

const ADDRESS = "0x00000000000000000000000000000000000000aa";
const CALLER = "0x00000000000000000000000000000000000000bb";
const schema = parseSchema("type Unused @entity { id: ID! }");
let wasm: Uint8Array;

beforeAll(() => {
  wasm = compileFixture(join(import.meta.dirname, "fixtures", "apiVersions.ts"));
});

function run(apiVersion: string, handler: string, kind: "event" | "block" | "call" = "event"): string[] {
  const module = MappingModule.compile(wasm, { name: "Versions", apiVersion, schema });
  const logs: string[] = [];
  const env = {
    store: new MemoryStore(schema),
    dataSource: { name: "Versions", address: ADDRESS, network: "testnet", context: null },
    log: (_: number, message: string) => logs.push(message),
    ids: new BlockIdSequence(5),
  };
  const header = { ...block(5n, 3_600n), size: 512n, baseFeePerGas: 7n };
  const tx = { ...transaction(`0x${"11".repeat(32)}`), input: "0xabcd", nonce: 9n };
  if (kind === "block") module.runBlock({ handler, block: header }, env);
  else if (kind === "call") {
    const uint = { name: "amount", type: "uint256" } as const;
    const bool = { name: "", type: "bool" } as const;
    module.runCall(
      { handler, to: ADDRESS, from: CALLER, block: header, transaction: tx, inputs: [{ ...uint, type: uint, value: 42n }], outputs: [{ ...bool, type: bool, value: true }] },
      env,
    );
  } else {
    module.runEvent({ handler, address: ADDRESS, logIndex: 0n, transactionLogIndex: 0n, logType: null, block: header, transaction: tx, params: [] }, env);
  }
  return logs;
}

describe("trigger layouts per apiVersion, as graph-node's", () => {
  it.each([
    ["0.0.5", 28, 32, 56],
    ["0.0.6", 28, 36, 60],
    ["0.0.7", 32, 36, 60],
    ["0.0.9", 32, 36, 60],
  ])("apiVersion %s: event %i bytes, transaction %i, block %i", (apiVersion, event, tx, header) => {
    expect(run(apiVersion, "layouts")).toEqual([`event ${event} transaction ${tx} block ${header}`, "input 0xabcd size 512"]);
    expect(run(apiVersion, "blockLayout", "block")).toEqual([`block ${header} number 5`]);
  });

  it.each([
    ["0.0.5", 32, 56],
    ["0.0.6", 36, 60],
    ["0.0.9", 36, 60],
  ])("apiVersion %s: a call handler's ethereum.Call is 24 bytes, its transaction %i, its block %i", (apiVersion, tx, header) => {
    expect(run(apiVersion, "callLayout", "call")).toEqual([
      `call 24 transaction ${tx} block ${header}`,
      `to ${ADDRESS} from ${CALLER} input 42 output true block 5 transaction 0xabcd`,
    ]);
  });

  it("passes the transaction nonce and the block base fee from 0.0.6 on", () => {
    expect(run("0.0.6", "newerFields")).toEqual(["nonce 9 baseFee 7"]);
  });
});
