/** Helpers the store's tests share (not used by the store itself). */
import { parseSchema } from "../schema.ts";
import type { BlockPtr } from "./blockPtr.ts";
import { openPglite, type Db } from "./db.ts";
import { EntityStore } from "./entityStore.ts";

/** A block with made-up hashes that chain: block n's parent is block n - 1 (`variant` forks the hash). */
export function testBlock(number: number, timestamp: number, variant = 0): BlockPtr {
  const hash = (n: number, v: number) => `0x${v.toString(16).padStart(2, "0")}${n.toString(16).padStart(62, "0")}`;
  return { number, hash: hash(number, variant), parentHash: hash(number - 1, 0), timestamp };
}

/** A store on a fresh in-memory PGlite for schema text `schema`. */
export async function memoryStore(schema: string, deployment = "QmTest"): Promise<{ db: Db; store: EntityStore }> {
  const db = await openPglite();
  const store = await EntityStore.open({ db, schema: parseSchema(schema), namespace: "sgd1", deployment });
  return { db, store };
}
