/**
 * The entity store of one deployment: block-ranged entity tables in PostgreSQL (the source of truth), a
 * bounded cache of current entities for the WASM host's synchronous reads, one atomic commit per block, reverts for
 * reorgs, and the fatal error that stops indexing.
 */
import type { SchemaModel } from "../schema.ts";
import { rollupsOf, type Rollup } from "./aggregation.ts";
import { buildAttributeIndexes, type BuildIndexesOptions } from "./attributeIndexes.ts";
import { effectiveChanges, replacedKeys, writeBlocks, type PreparedBlock } from "./blockCommit.ts";
import type { BlockPtr } from "./blockPtr.ts";
import { BlockCache, type BlockContent, type BlockWriter } from "./blockWriter.ts";
import { createDataSourcesSql, readDataSources, sameDataSource, type CreatedDataSource } from "./dataSources.ts";
import type { Db } from "./db.ts";
import { createMetaSql, createTablesSql, entityTable } from "./layout.ts";
import { readBlock, readBlockAtOrBefore, readMeta, REVERTIBLE_BLOCKS, setFatalError, setHead } from "./meta.ts";
import { EntityCache, type EntityCacheStats } from "./entityCache.ts";
import { PlannerStatistics } from "./plannerStatistics.ts";
import { revertTables } from "./revert.ts";
import { qualified } from "./rows.ts";
import { StoreError } from "./storeError.ts";

/** Which database, schema and deployment `EntityStore.open` opens. */
export interface EntityStoreOptions {
  db: Db;
  schema: SchemaModel;
  /** The PostgreSQL schema that holds the deployment's tables. */
  namespace: string;
  /** The deployment (subgraph id) the tables belong to; a database of another deployment is refused. */
  deployment: string;
  /** How many committed entities the handlers' read cache keeps (DEFAULT_ENTITY_CACHE_SIZE). */
  entityCacheSize?: number;
}

/** One deployment's entities: open it, write blocks through `startBlock`, revert, and record failure. */
export class EntityStore {
  readonly db: Db;
  readonly schema: SchemaModel;
  readonly namespace: string;
  readonly deployment: string;
  private readonly rollups: Rollup[];
  private readonly cache: EntityCache;
  private readonly statistics: PlannerStatistics;
  private nextTimeseriesIds: Map<string, bigint>;
  private currentHead: BlockPtr | null;
  private currentFatalError: string | null;
  private currentFatalBlock: { number: number; hash: string } | null;
  private created: CreatedDataSource[];
  /** Blocks committed with `defer`: in memory (entity cache, head) already, written by the next commit or `flush`. */
  private staged: PreparedBlock[] = [];
  /** Set when a failed write left the memory ahead of the database and reading it back failed too. */
  private reloadNeeded = false;
  /** Set while a commit, revert or failure is being written: they run one at a time. */
  private busy = false;

  private constructor(
    options: EntityStoreOptions,
    state: {
      head: BlockPtr | null;
      fatalError: string | null;
      fatalBlock: { number: number; hash: string } | null;
      nextTimeseriesIds: Map<string, bigint>;
      created: CreatedDataSource[];
    },
  ) {
    this.db = options.db;
    this.schema = options.schema;
    this.namespace = options.namespace;
    this.deployment = options.deployment;
    this.rollups = rollupsOf(options.schema, options.namespace);
    this.statistics = new PlannerStatistics(options.db, options.namespace);
    this.cache = new EntityCache({ schema: options.schema, db: options.db, namespace: options.namespace, capacity: options.entityCacheSize });
    this.nextTimeseriesIds = state.nextTimeseriesIds;
    this.currentHead = state.head;
    this.currentFatalError = state.fatalError;
    this.currentFatalBlock = state.fatalBlock;
    this.created = state.created;
  }

  /**
   * Opens the deployment's store: creates its tables when missing, refuses a database that belongs to another
   * deployment, and loads the head, the fatal error, the current entities and the next timeseries ids.
   */
  static async open(options: EntityStoreOptions): Promise<EntityStore> {
    const { db, schema, namespace, deployment } = options;
    // The deployment is checked before any entity table is touched: another deployment's tables may have
    // other columns, and creating this schema's tables beside them would fail or leave empty tables behind.
    await db.exec(createMetaSql(namespace));
    const meta = await readMeta(db, namespace, deployment);
    if (meta.deployment !== deployment) {
      throw new StoreError(
        `namespace ${namespace} holds deployment ${meta.deployment}, not ${deployment}: start with --fresh to index ${deployment} from nothing, or use another database`,
      );
    }
    await db.exec(createTablesSql(schema, namespace) + createDataSourcesSql(namespace));
    const store = new EntityStore(options, {
      head: meta.head,
      fatalError: meta.fatalError,
      fatalBlock: meta.fatalBlock,
      nextTimeseriesIds: await loadNextTimeseriesIds(db, schema, namespace),
      created: await readDataSources(db, namespace),
    });
    await store.cache.loadKeys();
    return store;
  }

  /**
   * Runs `work` (a block's handlers, whose reads may miss the entity cache and read the database synchronously)
   * while the database runs no other statement.
   */
  whileReading<T>(work: () => T): Promise<T> {
    return this.db.whileIdle(work);
  }

  /** The handlers' entity cache: reads, hits, misses and size. */
  get entityCacheStats(): EntityCacheStats {
    return this.cache.stats;
  }

  /** How many blocks are staged (committed with `defer`) and not yet written. */
  get stagedBlocks(): number {
    return this.staged.length;
  }

  /** Writes the staged blocks in one transaction (nothing when none are). */
  async flush(): Promise<void> {
    if (this.staged.length === 0) return;
    await this.exclusively(() => this.writeStaged());
  }

  /** The last block written to the database (staged ones are not, yet); null before the first. */
  get head(): BlockPtr | null {
    return this.staged.length === 0 ? this.currentHead : this.staged[0]!.previousHead;
  }

  /** The fatal (deterministic) indexing error recorded by `fail`, if any. */
  get fatalError(): string | null {
    return this.currentFatalError;
  }

  /** The block whose handler failed, while `fatalError` is set: if a reorg replaces it, the failure is undone. */
  get fatalBlock(): { number: number; hash: string } | null {
    return this.currentFatalBlock;
  }

  /**
   * Makes the store ready for queries once the indexer has caught up with the chain head: builds the
   * attribute indexes that do not exist yet (`attributeIndexes.ts`; postponed until now so that catching up
   * writes without them), then analyzes every table for the planner. Returns whether every index exists
   * (false when `shouldStop` stopped the build: call it again). Without a missing index it only analyzes.
   */
  async prepareForQueries(options: BuildIndexesOptions = {}): Promise<boolean> {
    let complete = false;
    await this.exclusively(async () => {
      ({ complete } = await buildAttributeIndexes(this.db, this.schema, this.namespace, options));
      if (!complete) return;
      const tables = await this.statistics.tables();
      await this.statistics.analyze(tables);
      options.log?.(`query indexes: planner statistics of ${tables.length} tables updated`);
    });
    return complete;
  }

  /**
   * Analyzes the tables enough of whose rows changed since they were last analyzed (`plannerStatistics.ts`);
   * returns them. Meant for the indexer's loop between passes, at the head, not for a query's path.
   */
  async refreshStatistics(): Promise<string[]> {
    let analyzed: string[] = [];
    await this.exclusively(async () => {
      analyzed = await this.statistics.refresh();
    });
    return analyzed;
  }

  /** The data sources mappings created from templates up to the head, in creation order. */
  get dataSources(): readonly CreatedDataSource[] {
    return this.created;
  }

  /** The hash of committed block `number`, while it is one of the last 250 (for reorg detection). */
  async blockHash(number: number): Promise<string | null> {
    return (await readBlock(this.db, this.namespace, number))?.hash ?? null;
  }

  /** The entity cache for `block`, which must come after the head; blocks without triggers may be skipped. */
  startBlock(block: BlockPtr): BlockWriter {
    if (this.currentFatalError !== null) {
      throw new StoreError(`deployment ${this.deployment} has failed (${this.currentFatalError}): revert before indexing on`);
    }
    this.assertReadBack();
    this.assertAfterHead(block);
    const head = this.currentHead;
    return new BlockCache({
      block,
      schema: this.schema,
      cache: this.cache,
      nextTimeseriesIds: this.nextTimeseriesIds,
      commit: (content, defer) => this.commitBlock(content, head, defer),
    });
  }

  /** Moves the head to `block` without entity changes (and rolls up the buckets it closes). */
  advanceHead(block: BlockPtr): Promise<void> {
    return this.startBlock(block).commit();
  }

  /**
   * Reverts to the state as of block `number` (inclusive): what later blocks wrote is undone and the head
   * becomes that block (or the last committed one before it; null when there is none). Blocks down to 250
   * before the head can be reverted to.
   * A recorded fatal error is cleared, since the block that failed is undone.
   */
  async revertTo(number: number): Promise<void> {
    await this.exclusively(async () => {
      await this.writeStaged();
      const head = this.currentHead;
      if (head === null || number >= head.number) {
        // Nothing committed to undo; the failed block (after the head) is undone all the same.
        if (this.currentFatalError !== null) {
          await setFatalError(this.db, this.namespace, null);
          this.currentFatalError = null;
          this.currentFatalBlock = null;
        }
        return;
      }
      if (number < head.number - REVERTIBLE_BLOCKS) {
        throw new StoreError(`cannot revert to block ${number}: only the last ${REVERTIBLE_BLOCKS} blocks before head ${head.number} can be reverted`);
      }
      const newHead = await readBlockAtOrBefore(this.db, this.namespace, number);
      // No committed block at or before `number` (pruning keeps one): nothing was committed by then.
      await this.db.transaction(async (tx) => {
        await revertTables(tx, this.schema, this.namespace, number);
        await setHead(tx, this.namespace, newHead);
        await setFatalError(tx, this.namespace, null);
      });
      // The database holds the reverted state now: so does the memory, before anything else can fail.
      this.currentHead = newHead;
      this.currentFatalError = null;
      this.currentFatalBlock = null;
      this.reloadNeeded = true;
      await this.reload();
    });
  }

  /** Records a fatal (deterministic) indexing error at `block` in `_meta`; indexing stops until a revert. */
  async fail(message: string, block: BlockPtr): Promise<void> {
    await this.exclusively(async () => {
      // A handler that read entities of blocks that could not be written failed on a state that never was.
      this.assertReadBack();
      await this.writeStaged();
      this.assertAfterHead(block);
      await setFatalError(this.db, this.namespace, { message, block });
      this.currentFatalError = message;
      this.currentFatalBlock = { number: block.number, hash: block.hash };
    });
  }

  private async commitBlock(content: BlockContent, headAtStart: BlockPtr | null, defer: boolean): Promise<void> {
    await this.exclusively(async () => {
      if (this.currentHead !== headAtStart) {
        throw new StoreError(`block ${content.block.number} was started at another head: the store moved on since`);
      }
      if (this.reloadNeeded) {
        // The block's handlers read entities that a failed write had put in memory: it must run again.
        await this.reload();
        throw new StoreError(`block ${content.block.number} read entities of blocks that could not be written; index it again`);
      }
      const { changes, replaced } = await this.db.whileIdle(() => {
        const changes = effectiveChanges(this.schema, this.cache, content.changes);
        return { changes, replaced: replacedKeys(this.schema, this.cache, changes) };
      });
      this.staged.push({ content, changes, replaced, previousHead: headAtStart });
      this.cache.apply(changes);
      this.nextTimeseriesIds = new Map(content.nextTimeseriesIds);
      this.created = [...this.created, ...content.createdDataSources].map((source) => {
        const done = source.doneAt === null ? content.doneDataSources.find((d) => sameDataSource(d.source, source)) : undefined;
        return done ? { ...source, doneAt: content.block.number, wrote: done.wrote } : source;
      });
      this.currentHead = content.block;
      if (!defer) await this.writeStaged();
    });
  }

  /**
   * Writes the staged blocks in one transaction. When it fails nothing of them is written, so the memory goes
   * back to what the database holds (the entity cache emptied) and the error is thrown: those blocks are indexed again.
   */
  private async writeStaged(): Promise<void> {
    if (this.staged.length === 0) return;
    const blocks = this.staged;
    const layout = { schema: this.schema, namespace: this.namespace, rollups: this.rollups };
    try {
      await this.db.transaction(async (tx) => {
        await writeBlocks(tx, layout, blocks);
      });
      // Only now are they the head: until the commit returns, readers on other connections cannot see them.
      this.staged = [];
      for (const block of blocks) this.countChangedRows(block);
      this.cache.written();
    } catch (error) {
      this.staged = [];
      this.currentHead = blocks[0]!.previousHead;
      this.reloadNeeded = true;
      await this.reload().catch(() => {}); // a database that does not answer: the next commit reloads
      throw error;
    }
  }

  /** Counts a written block's new and ended versions per table, for `refreshStatistics`. */
  private countChangedRows({ content, changes, replaced }: PreparedBlock): void {
    for (const [entityType, entities] of changes) {
      this.statistics.noteChanged(entityTable(entityType), entities.size + (replaced.get(entityType)?.length ?? 0));
    }
    for (const [timeseries, points] of content.dataPoints) this.statistics.noteChanged(entityTable(timeseries), points.length);
  }

  /**
   * Reads the database back when a failed write left the memory ahead of it and reading back failed too;
   * returns whether it did. Until then no block starts and no failure is recorded.
   */
  async recover(): Promise<boolean> {
    if (!this.reloadNeeded) return false;
    await this.exclusively(() => this.reload());
    return true;
  }

  private assertReadBack(): void {
    if (this.reloadNeeded) {
      throw new StoreError("the store could not read back the database after a failed write: recover() before indexing on");
    }
  }

  /** Reads the current entities, timeseries ids and created data sources again, after staged blocks failed to be written. */
  private async reload(): Promise<void> {
    this.cache.clear();
    this.nextTimeseriesIds = await loadNextTimeseriesIds(this.db, this.schema, this.namespace);
    this.created = await readDataSources(this.db, this.namespace);
    this.reloadNeeded = false;
  }

  private assertAfterHead(block: BlockPtr): void {
    if (this.currentHead !== null && block.number <= this.currentHead.number) {
      throw new StoreError(`block ${block.number} is not after the head, block ${this.currentHead.number}`);
    }
  }

  private async exclusively(work: () => Promise<void>): Promise<void> {
    if (this.busy) throw new StoreError("another commit, revert or failure of this store is still being written");
    this.busy = true;
    try {
      await work();
    } finally {
      this.busy = false;
    }
  }
}

/** The id the next data point of each timeseries gets: one more than the largest stored. */
async function loadNextTimeseriesIds(db: Db, schema: SchemaModel, namespace: string): Promise<Map<string, bigint>> {
  const next = new Map<string, bigint>();
  for (const entity of schema.entities.values()) {
    if (entity.kind !== "timeseries") continue;
    const { rows } = await db.query<{ max: bigint | string | null }>(`SELECT max(id) AS max FROM ${qualified(namespace, entityTable(entity))}`);
    next.set(entity.name, BigInt(rows[0]?.max ?? 0) + 1n);
  }
  return next;
}
