/** Helpers the store's tests share (not used by the store itself). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll } from "vitest";

import { parseSchema } from "../schema.ts";
import type { BlockPtr } from "./blockPtr.ts";
import type { Db } from "./db.ts";
import { EntityStore } from "./entityStore.ts";
import { openDb } from "./open.ts";
import { startTestPostgres, type TestPostgres } from "./testPostgres.ts";

/** A block with made-up hashes that chain: block n's parent is block n - 1 (`variant` forks the hash). */
export function testBlock(number: number, timestamp: number, variant = 0): BlockPtr {
  const hash = (n: number, v: number) => `0x${v.toString(16).padStart(2, "0")}${n.toString(16).padStart(62, "0")}`;
  return { number, hash: hash(number, variant), parentHash: hash(number - 1, 0), timestamp };
}

/** A store in namespace `sgd1` on `db` for schema text `schema`. */
export async function testStore(db: Db, schema: string, deployment = "QmTest"): Promise<{ db: Db; store: EntityStore }> {
  const store = await EntityStore.open({ db, schema: parseSchema(schema), namespace: "sgd1", deployment });
  return { db, store };
}

/** One of the databases the store runs on, for `describe.each`. */
export interface TestDatabase {
  name: "PGlite" | "PostgreSQL";
  /**
   * Where a new, empty database is, for `openDb`: a new database on the test PostgreSQL server, or PGlite in
   * memory (undefined), or in a temporary directory when it must be closed and opened again (`reopenable`).
   * `icuLocale` gives a server's database that language's default collation; PGlite's is always C.
   */
  create(options?: { reopenable?: boolean; icuLocale?: string }): Promise<string | undefined>;
  /** Opens a new, empty database (`create` then `openDb`). */
  open(): Promise<Db>;
}

/**
 * PGlite and a real PostgreSQL server. The server starts when a test first asks for it (about a second) and
 * stops, like the temporary directories, after the file's tests: call this at the top of a test file.
 */
export function testDatabases(): TestDatabase[] {
  let server: Promise<TestPostgres> | undefined;
  const directories: string[] = [];
  afterAll(async () => {
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
    if (server) await (await server).stop();
  }, 60_000);
  const pglite: TestDatabase = {
    name: "PGlite",
    async create(options) {
      if (!options?.reopenable) return undefined;
      const directory = await mkdtemp(join(tmpdir(), "pglite-test-"));
      directories.push(directory);
      return directory;
    },
    open: async () => openDb(await pglite.create()),
  };
  const postgres: TestDatabase = {
    name: "PostgreSQL",
    async create(options) {
      server ??= startTestPostgres();
      return (await server).createDatabase({ icuLocale: options?.icuLocale });
    },
    open: async () => openDb(await postgres.create()),
  };
  return [pglite, postgres];
}
