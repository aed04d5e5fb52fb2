/**
 * `npm run bench:indexer:memory`: the indexer's store at 1,000,000 entities, for its resident memory. Writes
 * blocks of new entities and updates of older ones (read back through the handlers' entity cache, most of them
 * misses that go to the database) into PGlite in a temporary directory, committed as the indexer commits far
 * from the head (several blocks a transaction, up to 50,000 entity changes), and samples the process's resident memory throughout. Writes
 * `memoryRun` into reports/indexer.json (the rest of it is `npm run bench:indexer`'s).
 *
 * DCRM_BENCH_ENTITIES sets the number of new entities (default 1,000,000).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { parseSchema } from "../indexer/schema.ts";
import { DEFAULT_ENTITY_CACHE_SIZE } from "../indexer/store/entityCache.ts";
import { EntityStore } from "../indexer/store/entityStore.ts";
import { openDb } from "../indexer/store/open.ts";

const ENTITIES = Number(process.env.DCRM_BENCH_ENTITIES ?? 1_000_000);
const PER_BLOCK = 5_000;
const UPDATES_PER_BLOCK = 500;
const BLOCKS_PER_COMMIT = 10;
const CEILING_MB = 1_024;

const SCHEMA = parseSchema(`
  type Shopper @entity {
    id: Bytes!
    balance: BigInt!
    issued: BigInt!
    orders: Int!
    lastBlock: Int!
  }
`);

const root = join(import.meta.dirname, "..");
const dir = await mkdtemp(join(tmpdir(), "dcrm-bench-memory-"));
const db = await openDb(join(dir, "db"));
const store = await EntityStore.open({ db, schema: SCHEMA, namespace: "sgd1", deployment: "QmMemoryBench" });
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const id = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const started = performance.now();
const cpuAtStart = process.cpuUsage();
const blocks = Math.ceil(ENTITIES / PER_BLOCK);
let written = 0;
let seed = 1;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
for (let number = 1; number <= blocks; number++) {
  const writer = store.startBlock({ number, hash: `0x${number.toString(16).padStart(64, "0")}`, parentHash: `0x${(number - 1).toString(16).padStart(64, "0")}`, timestamp: 1_700_000_000 + 12 * number });
  await store.whileReading(() => {
    for (let i = 0; i < PER_BLOCK && written < ENTITIES; i++, written++) {
      writer.set("Shopper", id(written), { id: id(written), balance: 10n ** 18n, issued: 10n ** 18n, orders: 1, lastBlock: number });
    }
    // Shoppers of earlier blocks come back: read (through the cache) and updated, as a handler does.
    for (let i = 0; i < UPDATES_PER_BLOCK && number > 1; i++) {
      const key = id(Math.floor(random() * (written - PER_BLOCK)));
      const shopper = writer.get("Shopper", key)!;
      writer.set("Shopper", key, { ...shopper, balance: (shopper.balance as bigint) + 10n ** 18n, orders: (shopper.orders as number) + 1, lastBlock: number });
    }
  });
  await writer.commit({ defer: number % BLOCKS_PER_COMMIT !== 0 && number < blocks });
  // The loop may never yield to timers (PGlite's promises settle at once): sample here too.
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (number % 5 === 0) console.log(`bench:indexer:memory: block ${number}/${blocks}, ${written} shoppers, RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
}
await store.flush();
clearInterval(sampler);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int4 AS n FROM sgd1.shopper WHERE block_end IS NULL`);
const stats = store.entityCacheStats;
await db.close();
await rm(dir, { recursive: true, force: true });

const memoryRun = {
  entities: rows[0]!.n,
  entityVersions: written + (blocks - 1) * UPDATES_PER_BLOCK,
  blocks,
  seconds: Math.round(seconds * 10) / 10,
  cpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
  peakRssMb: Math.round(peakRss / 2 ** 20),
  ceilingMb: CEILING_MB,
  entityCache: { capacity: DEFAULT_ENTITY_CACHE_SIZE, hits: stats.hits, misses: stats.misses },
  note: "the store alone (PGlite in a directory), no chain and no WASM: what grows with the number of entities",
};
const reportFile = join(root, "reports", "indexer.json");
const report = existsSync(reportFile) ? (JSON.parse(await readFile(reportFile, "utf8")) as Record<string, unknown>) : {};
report.memoryRun = memoryRun;
await mkdir(join(root, "reports"), { recursive: true });
await writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
console.log(`bench:indexer:memory: ${JSON.stringify(memoryRun)}`);
if (memoryRun.peakRssMb > CEILING_MB) process.exitCode = 1;
