/**
 * Opens the store's database from one location string, as `--db` takes it: a `postgres://` or
 * `postgresql://` URL is a PostgreSQL server, anything else a PGlite data directory, nothing at all memory.
 */
import { mkdirSync, rmSync } from "node:fs";

import { openPglite, type Db } from "./db.ts";
import { quote } from "./layout.ts";
import { openPostgres, redactUrl } from "./postgres.ts";
import { StoreError } from "./storeError.ts";

/** Whether `location` names a PostgreSQL server rather than a PGlite directory. */
export function isPostgresUrl(location: string | undefined): location is string {
  return location !== undefined && /^postgres(ql)?:\/\//i.test(location);
}

/** `location` as it may be printed: a URL without its password, a directory, or "memory". */
export function describeLocation(location: string | undefined): string {
  if (location === undefined) return "memory";
  return isPostgresUrl(location) ? redactUrl(location) : location;
}

export interface OpenDbOptions {
  /**
   * Start from nothing: delete the PGlite directory, or drop the schema `namespace` (with its tables) on a
   * PostgreSQL server, whose other schemas are left alone.
   */
  fresh?: boolean;
  /** The PostgreSQL schema the store keeps its tables in; needed with `fresh` on a server. */
  namespace?: string;
}

/**
 * Opens the database at `location`: a PostgreSQL server for a `postgres://` or `postgresql://` URL, a PGlite
 * data directory (created if missing) for a path, an in-memory PGlite when undefined.
 */
export async function openDb(location: string | undefined, options: OpenDbOptions = {}): Promise<Db> {
  if (isPostgresUrl(location)) {
    if (options.fresh && !options.namespace) throw new StoreError("openDb: `fresh` on a PostgreSQL server needs the `namespace` (schema) to drop");
    const db = await openPostgres(location);
    if (options.fresh) {
      try {
        await db.exec(`DROP SCHEMA IF EXISTS ${quote(options.namespace!)} CASCADE`);
      } catch (error) {
        await db.close();
        throw error;
      }
    }
    return db;
  }
  if (location !== undefined) {
    if (options.fresh) rmSync(location, { recursive: true, force: true });
    mkdirSync(location, { recursive: true });
  }
  return openPglite(location);
}
