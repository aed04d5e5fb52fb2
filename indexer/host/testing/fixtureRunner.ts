/**
 * Test support: a mapping fixture of `indexer/host/fixtures`, compiled once, whose handlers a test runs one by
 * one against an empty in-memory store, reading back what each logged or the MappingError it failed with.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { parseSchema } from "../../schema.ts";
import { BlockIdSequence, MappingError, MappingModule } from "../index.ts";
import { compileFixture } from "./compileFixture.ts";
import { MemoryStore } from "./memoryStore.ts";
import { block, transaction } from "./triggers.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures");
const ADDRESS = "0x00000000000000000000000000000000000000aa";

/** What one handler did: its info logs (other levels prefixed with theirs), or the MappingError it failed with. */
export interface HandlerOutcome {
  logs: string[];
  error?: MappingError;
}

/** Compiles `fixtures/<file>` as data source `name`; returns a function that runs one of its handlers. */
export function fixtureRunner(file: string, name: string): (handler: string) => HandlerOutcome {
  const schema = parseSchema(readFileSync(join(FIXTURES, "schema.graphql"), "utf8"));
  const module = MappingModule.compile(compileFixture(join(FIXTURES, file)), { name, apiVersion: "0.0.9", schema });
  return (handler) => {
    const logs: string[] = [];
    try {
      module.runEvent(
        { handler, address: ADDRESS, logIndex: 0n, transactionLogIndex: 0n, logType: null, block: block(5n, 3_600n), transaction: transaction(`0x${"11".repeat(32)}`), params: [] },
        {
          store: new MemoryStore(schema),
          dataSource: { name, address: ADDRESS, network: "testnet", context: null },
          log: (level, message) => logs.push(level === 3 ? message : `${level}:${message}`),
          ids: new BlockIdSequence(5),
        },
      );
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      return { logs, error };
    }
    return { logs };
  };
}
