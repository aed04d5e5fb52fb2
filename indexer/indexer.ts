/**
 * The indexing loop: follows the chain from the last committed block to its head, runs every trigger of a
 * block through the WASM handlers into that block's entity cache, and commits the block atomically (entities
 * and position together), so a crash loses nothing committed and a restart resumes at the next block. A chain
 * whose committed block changed (a reorg) is reverted to the last block both agree on. A handler that fails
 * is a deterministic error: the indexer records it, stops indexing and keeps serving what it has.
 *
 * File data sources wait for their files in the background (`ipfs/fileFetcher.ts`); a file found runs its
 * data sources' handlers in the next block indexed, after that block's chain triggers, as graph-node does.
 */
import { readFileSync } from "node:fs";

import { ChainError, ChainSource, type BlockHeader, type FullBlock, type Log } from "./chain/source.ts";
import { ChainTraces, type TracedBlock, type TracedCall } from "./chain/traces.ts";
import { DataSourceSet, needsTraces, type RunningDataSource } from "./dataSourceSet.ts";
import { ChainHandlerStore, FileHandlerStore } from "./fileIsolation.ts";
import { BlockIdSequence, ChainCallError, DEFAULT_HANDLER_TIMEOUT_MS, MappingError, MappingModule, TimeLimitExceeded, withinTimeLimit, type ChainReads, type IpfsReads, type MappingEnv, type ReceiptData } from "./host/index.ts";
import type { IpfsClient } from "./ipfs/client.ts";
import { FileFetcher } from "./ipfs/fileFetcher.ts";
import type { BlockHandlerSpec, DataSourceSpec, SubgraphBuild } from "./manifest.ts";
import { REVERTIBLE_BLOCKS, type EntityStore } from "./store/index.ts";
import type { BlockWriter } from "./store/blockWriter.ts";
import type { DoneDataSource } from "./store/dataSources.ts";
import { blockData, CallMatcher, toCallTrigger, toEventTrigger, TriggerMatcher, UndecodableCallError, UndecodableLogError } from "./triggers.ts";

export interface IndexerOptions {
  build: SubgraphBuild;
  chain: ChainSource;
  store: EntityStore;
  /** The node's call traces, for call handlers (required when the subgraph has any). */
  traces?: ChainTraces;
  /** What handlers read from the chain (`ethereum.call`…); absent, those calls fail the handler with a message. */
  reads?: ChainReads;
  /** An IPFS node: `ipfs.cat`, `ipfs.getBlock` and file data sources read it (required when the subgraph has `file/ipfs` templates). */
  ipfs?: IpfsClient;
  /** The first wait before a file data source's file is asked for again (ms); it doubles up to 60 s. Default 1 s. */
  fileRetryMs?: number;
  /** Progress and handler log lines. */
  log?: (line: string) => void;
  /** How long to wait at the chain head before asking again (ms). */
  pollInterval?: number;
  /** How long one handler may run before it fails (ms); null: no limit. Default 60 s. */
  handlerTimeoutMs?: number | null;
  /** Blocks per pass (one eth_getLogs range). */
  rangeSize?: number;
}

export type IndexerStatus = "syncing" | "synced" | "failed" | "stopped";

/** One pass's work, for progress output and tests; times in milliseconds. */
export interface PassReport {
  from: number;
  to: number;
  /** The last block of the range that was committed (`from - 1` when none was): what the pass indexed. */
  indexedTo: number;
  blocksWithTriggers: number;
  triggers: number;
  /** Reading logs, blocks and headers from the chain. */
  readMs: number;
  /** Decoding triggers and running handlers. */
  handlerMs: number;
  /** Committing blocks to the store. */
  commitMs: number;
}

/** What the indexer has done since it started: the sums of its passes. */
export type IndexerTotals = Omit<PassReport, "from" | "to" | "indexedTo">;

export class Indexer {
  readonly build: SubgraphBuild;
  readonly store: EntityStore;
  private readonly chain: ChainSource;
  private readonly reads: ChainReads | undefined;
  private readonly traces: ChainTraces | undefined;
  private readonly ipfs: IpfsReads | undefined;
  /** The files file data sources wait for. */
  private readonly files: FileFetcher | undefined;
  private readonly modules = new Map<string, MappingModule>();
  /** The manifest's data sources and those created from its templates. */
  private readonly sources: DataSourceSet;
  private readonly log: (line: string) => void;
  private readonly pollInterval: number;
  private readonly rangeSize: number;
  private readonly startBlock: number;
  private readonly handlerTimeoutMs: number | null;
  private stopping = false;
  /** Whether the store's query indexes are built (`prepareForQueries`), which waits until the head is reached. */
  private readyForQueries = false;
  private wake: (() => void) | null = null;
  /** What failed last ("the chain", "the store"), for the line that says it works again. */
  private lastFailure = "the chain";
  status: IndexerStatus = "syncing";
  readonly totals: IndexerTotals = { blocksWithTriggers: 0, triggers: 0, readMs: 0, handlerMs: 0, commitMs: 0 };

  constructor(options: IndexerOptions) {
    this.build = options.build;
    this.chain = options.chain;
    this.reads = options.reads;
    this.traces = options.traces;
    const calling = [...this.build.dataSources, ...this.build.templates].filter(needsTraces);
    if (calling.length > 0 && !this.traces) throw new Error(`${calling.map((d) => d.name).join(", ")} run${calling.length > 1 ? "" : "s"} on calls, which needs the node's call traces: pass \`traces\``);
    this.store = options.store;
    this.log = options.log ?? (() => {});
    this.pollInterval = options.pollInterval ?? 1_000;
    this.rangeSize = options.rangeSize ?? 2_000;
    this.handlerTimeoutMs = options.handlerTimeoutMs === undefined ? DEFAULT_HANDLER_TIMEOUT_MS : options.handlerTimeoutMs;
    this.sources = new DataSourceSet(this.build, this.store.dataSources);
    const fileTemplates = this.build.templates.filter((t) => t.kind === "file/ipfs");
    if (fileTemplates.length > 0 && !options.ipfs) throw new Error(`${fileTemplates.map((t) => t.name).join(", ")} read${fileTemplates.length > 1 ? "" : "s"} files from IPFS: pass \`ipfs\``);
    const client = options.ipfs;
    this.ipfs = client && { cat: (path) => client.catSync(path), block: (cid) => client.blockSync(cid) };
    this.files = client && fileTemplates.length > 0 ? new FileFetcher(client, { retryMs: options.fileRetryMs, log: this.log }) : undefined;
    this.wantFiles();
    this.startBlock = Math.min(...this.build.dataSources.map((d) => d.startBlock));
    for (const dataSource of [...this.build.dataSources, ...this.build.templates]) {
      this.modules.set(
        dataSource.name,
        MappingModule.compile(readFileSync(dataSource.wasmPath), { name: dataSource.name, apiVersion: dataSource.apiVersion, schema: this.build.schema, abis: dataSource.abis, timeoutMs: options.handlerTimeoutMs }),
      );
    }
    if (this.store.fatalError) this.status = "failed";
  }

  /** The union of the data sources' addresses and events, for the chain source's eth_getLogs. */
  static logFilter(dataSources: DataSourceSpec[]) {
    const addresses = dataSources.some((d) => d.address === null) ? [] : [...new Set(dataSources.map((d) => d.address!))];
    const topics0 = [...new Set(dataSources.flatMap((d) => d.eventHandlers.map((h) => h.topic0)))];
    return { addresses, topics0 };
  }

  /**
   * Indexes up to the chain's current head; returns what it did (null when there was nothing new). At the
   * head, it then readies the store for queries (`atHead`).
   */
  async syncOnce(): Promise<PassReport | null> {
    const report = await this.pass();
    if (this.status === "synced" || this.status === "failed") await this.atHead();
    return report;
  }

  private async pass(): Promise<PassReport | null> {
    // A failed write whose read-back failed too: read the store back, and with it the data sources it holds.
    if (await this.store.recover()) this.reloadSources();
    if (this.status === "failed" && !(await this.failureUndone())) return null;
    await this.handleReorg();
    const chainHead = await this.chain.headNumber();
    const from = Math.max((this.store.head?.number ?? this.startBlock - 1) + 1, this.startBlock);
    if (from > chainHead) {
      this.status = "synced";
      return null;
    }
    const to = this.rangeEnd(from, chainHead);
    const report: PassReport = { from, to, indexedTo: from - 1, blocksWithTriggers: 0, triggers: 0, readMs: 0, handlerMs: 0, commitMs: 0 };
    try {
      return await this.indexAndWrite(report, chainHead);
    } catch (error) {
      // Blocks that were not written are indexed again, and create their data sources again: forget those.
      this.reloadSources();
      throw error;
    }
  }

  /** The last block of a pass that starts at `from`. */
  private rangeEnd(from: number, chainHead: number): number {
    const to = Math.min(chainHead, from + this.rangeSize - 1);
    // A pass that would leap into the blocks a reorg can still replace stops where they begin, so that a block
    // hash is kept there for the reorg check to find the common ancestor by.
    const reorgable = chainHead - REVERTIBLE_BLOCKS;
    return from < reorgable && to > reorgable ? reorgable : to;
  }

  /** Indexes the pass's range, then writes what it staged, even when it ended early. */
  private async indexAndWrite(report: PassReport, chainHead: number): Promise<PassReport> {
    try {
      return await this.indexRange(report, chainHead);
    } finally {
      // Blocks staged by a pass that ended early (a chain that moved, an error) are written all the same.
      if (this.store.stagedBlocks > 0) {
        const started = performance.now();
        try {
          await this.store.flush();
        } finally {
          report.commitMs += performance.now() - started;
        }
      }
      for (const key of Object.keys(this.totals) as (keyof IndexerTotals)[]) this.totals[key] += report[key];
    }
  }

  private async indexRange(report: PassReport, chainHead: number): Promise<PassReport> {
    const { from, to } = report;
    let started = performance.now();
    // The range's last block before and after reading it: the same hash means the chain up to it did not change
    // meanwhile (a block's hash covers its ancestors), so the logs and blocks read in between belong together.
    const target = await this.chain.header(to);
    const logs = await this.chain.logs(from, to, this.sources.logFilter());
    report.readMs += performance.now() - started;
    if (!target) return report; // the chain got shorter under us: the next pass sees it settled
    const byBlock = new Map<number, typeof logs>();
    for (const log of logs) {
      const number = Number(log.blockNumber);
      if (!byBlock.has(number)) byBlock.set(number, []);
      byBlock.get(number)!.push(log);
    }
    // Blocks that block handlers run on, beside those with logs.
    for (let number = from; number <= to; number++) {
      if (!byBlock.has(number) && this.sources.blockHandlersAt(number).length > 0) byBlock.set(number, []);
    }
    // And those with calls that call handlers or call-filtered block handlers match: every block of the range is
    // traced then.
    const traced = new Map<number, TracedBlock>();
    if (this.traces && this.sources.needTraces()) {
      started = performance.now();
      for (const block of await this.traceRange(from, to)) {
        traced.set(block.number, block);
        const runs = () =>
          block.calls.some((call) => this.sources.callMatcher.match(call, block.number).length > 0) ||
          this.sources.blockHandlersAt(block.number, this.sources.all, calledAddresses(block)).length > 0;
        if (!byBlock.has(block.number) && runs()) byBlock.set(block.number, []);
      }
      report.readMs += performance.now() - started;
    }
    // A file found while no block of the range has a trigger: its handlers run in the range's last block.
    if (byBlock.size === 0 && this.files?.anyFound) byBlock.set(to, []);
    const blocks = [...byBlock.entries()].sort((a, b) => a[0] - b[0]);
    // The chain is read ahead while handlers run and blocks are written: up to FETCH_AHEAD blocks in flight.
    const fetched = new Map<number, Promise<FullBlock>>();
    const fetchAhead = (index: number) => {
      for (let i = index; i < Math.min(blocks.length, index + FETCH_AHEAD); i++) {
        const number = blocks[i]![0];
        if (fetched.has(number)) continue;
        const pending = this.chain.fullBlock(number);
        pending.catch(() => {}); // awaited (and its failure thrown) when its turn comes
        fetched.set(number, pending);
      }
    };
    for (const [index, [number, blockLogs]] of blocks.entries()) {
      if (this.stopping) return report;
      started = performance.now();
      fetchAhead(index);
      const block = await fetched.get(number)!;
      fetched.delete(number);
      report.readMs += performance.now() - started;
      started = performance.now();
      if (blockLogs.some((log) => log.blockHash && log.blockHash !== block.hash!.toLowerCase())) {
        // The chain moved under us between eth_getLogs and the block: the next pass sees it settled.
        this.log(`block ${number} changed while it was read; reading it again`);
        return report;
      }
      const trace = traced.get(number);
      if (trace && !ChainTraces.matches(trace, block)) {
        this.log(`block ${number} changed while its calls were traced; reading it again`);
        return report;
      }
      const header: BlockHeader = { number, hash: block.hash!.toLowerCase(), parentHash: block.parentHash.toLowerCase(), timestamp: Number(block.timestamp) };
      const writer = this.store.startBlock(header);
      // One sequence per block, shared by every data source: the ids graph-node gives timeseries points.
      const ids = new BlockIdSequence(number);
      const run = { block, header, writer, ids, created: [] as RunningDataSource[], receipts: new Map<string, ReceiptData>() };
      const calls = trace?.calls ?? [];
      const called = trace ? calledAddresses(trace) : undefined;
      // Reads made while the block is handled (receipts, the logs of data sources it creates): reading, not handling.
      let sideReadMs = performance.now();
      await this.readReceipts(blockLogs, this.sources.matcher, run);
      sideReadMs = performance.now() - sideReadMs;
      let failure = await this.store.whileReading(() => this.runJobs(this.jobsOf(run, blockLogs, this.sources.matcher, this.sources.blockHandlersAt(number, this.sources.all, called), calls, this.sources.callMatcher)));
      let blockTriggers = failure.ran;
      // As graph-node: the data sources this block created run on this block's triggers, after all others, and
      // so on for those they create, breadth first.
      const begun: RunningDataSource[] = [];
      for (let created = this.sources.fresh(run.created, begun); !failure.failure && created.length > 0; created = this.sources.fresh(run.created, begun)) {
        run.created = [];
        for (const source of created) writer.createDataSource(source.created!);
        begun.push(...created);
        // File data sources match no chain trigger: they wait for their files.
        const fresh = created.filter((source) => source.kind === "ethereum");
        if (fresh.length === 0) continue;
        const readAt = performance.now();
        const freshLogs = (await this.chain.logs(number, number, this.sources.logFilter(fresh))).filter((log) => log.blockHash?.toLowerCase() === header.hash);
        const freshTrace = this.sources.needTraces(fresh) ? (trace ?? (await this.traceBlock(block))) : undefined;
        const freshMatcher = new TriggerMatcher(fresh);
        await this.readReceipts(freshLogs, freshMatcher, run);
        sideReadMs += performance.now() - readAt;
        const freshCalled = freshTrace ? calledAddresses(freshTrace) : undefined;
        failure = await this.store.whileReading(() => this.runJobs(this.jobsOf(run, freshLogs, freshMatcher, this.sources.blockHandlersAt(number, fresh, freshCalled), freshTrace?.calls ?? [], new CallMatcher(fresh))));
        blockTriggers += failure.ran;
      }
      // Then the file data sources whose files were found, each once.
      const done: DoneDataSource[] = [];
      if (!failure.failure && this.files?.anyFound) {
        failure = await this.store.whileReading(() => this.runJobs(this.fileJobs(run, done)));
        blockTriggers += failure.ran;
      }
      if (failure.failure) {
        const message = `${failure.failure.job.what}: ${failure.failure.error.message}`;
        await this.store.fail(message, header);
        this.status = "failed";
        this.log(`indexing stopped: ${message}`);
        return report;
      }
      report.readMs += sideReadMs;
      report.handlerMs += performance.now() - started - sideReadMs;
      started = performance.now();
      // Far behind the head, blocks are written several to a transaction (each commit atomic, the head moving
      // with it); near the head, each block is written as soon as it is indexed.
      const defer =
        chainHead - number > COMMIT_BATCH_DISTANCE &&
        this.store.stagedBlocks < COMMIT_BATCH_BLOCKS - 1 &&
        this.store.entityCacheStats.staged + writer.changeCount < COMMIT_BATCH_CHANGES;
      await writer.commit({ defer });
      report.commitMs += performance.now() - started;
      report.blocksWithTriggers += 1;
      report.triggers += blockTriggers;
      report.indexedTo = number;
      if (done.length > 0) {
        this.sources.markDone(done, number);
        this.wantFiles();
        this.log(`block ${number} ran ${done.length} file data source${done.length > 1 ? "s" : ""} (${done.map((d) => `${d.source.template} ${d.source.file}`).join(", ")})`);
      }
      if (begun.length > 0) {
        // The next pass asks the chain for the new data sources' logs too.
        this.sources.add(begun);
        this.wantFiles();
        this.log(`block ${number} created ${begun.length} data source${begun.length > 1 ? "s" : ""} (${begun.map((s) => `${s.name} ${s.address ?? s.created!.file}`).join(", ")})`);
        return report;
      }
    }
    started = performance.now();
    const settled = await this.chain.header(to);
    report.readMs += performance.now() - started;
    if (settled?.hash !== target.hash) {
      // A reorg during the pass: keep what was committed (each block was checked against its logs) and let the
      // next pass's reorg check compare the head with the chain.
      this.log(`the chain changed at block ${to} while blocks ${from}..${to} were read; checking again`);
      return report;
    }
    started = performance.now();
    await this.store.flush();
    report.commitMs += performance.now() - started;
    // Record progress through the blocks without triggers too (and close finished aggregation buckets).
    if ((this.store.head?.number ?? -1) < to) {
      started = performance.now();
      await this.store.advanceHead(target);
      report.commitMs += performance.now() - started;
    }
    report.indexedTo = to;
    this.status = to >= chainHead ? "synced" : "syncing";
    return report;
  }

  /**
   * Runs passes until `stop()`: at the head it waits `pollInterval` between passes. A chain or a database that
   * fails is asked again, less and less often (up to every 30 s), with a line each time; nothing is lost
   * meanwhile, since a block is committed whole or not at all. Only a `ReorgError` (another chain) ends it.
   */
  async run(): Promise<void> {
    let retryDelay = 0;
    while (!this.stopping) {
      const startedAt = Date.now();
      let report: PassReport | null;
      try {
        report = await this.syncOnce();
        if (retryDelay > 0) this.log(`${this.lastFailure} works again`);
        retryDelay = 0;
      } catch (error) {
        if (error instanceof ReorgError) {
          this.status = "failed";
          throw error;
        }
        if (this.stopping) break;
        this.lastFailure = error instanceof ChainError || error instanceof ChainCallError ? "the chain" : "the store";
        retryDelay = Math.min(30_000, Math.max(1_000, retryDelay * 2));
        this.log(`${(error as Error).message}; trying again in ${retryDelay / 1000} s`);
        await this.sleep(retryDelay);
        continue;
      }
      // Only what was committed: a pass cut short (a failing handler, a chain that moved) claims no more.
      if (report && report.indexedTo >= report.from && (report.triggers > 0 || report.indexedTo - report.from >= 100)) {
        const ms = (value: number) => `${Math.round(value)} ms`;
        this.log(
          `indexed blocks ${report.from}..${report.indexedTo}: ${report.triggers} triggers in ${report.blocksWithTriggers} blocks in ${ms(Date.now() - startedAt)} ` +
            `(chain ${ms(report.readMs)}, handlers ${ms(report.handlerMs)}, store ${ms(report.commitMs)}), head ${this.store.head?.number}`,
        );
      }
      if (this.stopping) break;
      if (!report || this.status === "synced" || this.status === "failed") await this.sleep(this.pollInterval);
    }
    this.status = "stopped";
  }

  /**
   * At the chain head (or stopped by a failure, whose data is still served): the first time, the store
   * builds its query indexes and analyzes its tables; afterwards it analyzes the tables that changed enough.
   * Both run here, between passes, so that no query waits on them.
   */
  private async atHead(): Promise<void> {
    if (!this.readyForQueries) {
      this.readyForQueries = await this.store.prepareForQueries({ log: this.log, shouldStop: () => this.stopping });
      return;
    }
    await this.store.refreshStatistics();
  }

  /**
   * Runs a block's triggers in order under the handler time limit: in timed sections of up to TIME_SLICE_MS of
   * work each, a section's limit being the handler timeout plus the slice, so every handler still gets at least
   * its full timeout and one that never returns is stopped (a section per trigger would cost more than the
   * trigger). Returns how many ran, or the first that failed.
   */
  private runJobs(jobs: TriggerJob[]): { ran: number; failure?: { job: TriggerJob; error: MappingError } } {
    let next = 0;
    let ran = 0;
    let failure: { job: TriggerJob; error: MappingError } | undefined;
    const slice = () => {
      const sliceStart = performance.now();
      while (next < jobs.length && !failure && performance.now() - sliceStart < TIME_SLICE_MS) {
        const job = jobs[next]!;
        try {
          job.run();
          ran += 1;
        } catch (error) {
          if (error instanceof UndecodableLogError || error instanceof UndecodableCallError) {
            // As graph-node: a log whose data this handler's ABI cannot decode (an ERC-721 Transfer under an
            // ERC-20 Transfer handler: same topic0), or a call whose input it cannot decode, is not this handler's trigger.
            this.log(`DEBUG ${job.dataSource.name}: ${error.message}; skipped`);
          } else if (error instanceof MappingError) failure = { job, error };
          else throw error;
        }
        next += 1;
      }
    };
    while (next < jobs.length && !failure) {
      if (this.handlerTimeoutMs === null) {
        slice();
        continue;
      }
      try {
        withinTimeLimit(this.handlerTimeoutMs + TIME_SLICE_MS, slice);
      } catch (error) {
        if (!(error instanceof TimeLimitExceeded)) throw error;
        const job = jobs[next]!;
        const where = `in handler \`${job.handler}\` of data source \`${job.dataSource.name}\``;
        failure = { job, error: new MappingError(`handler \`${job.handler}\` did not return within ${this.handlerTimeoutMs} ms (the handler timeout) (${where})`, { handler: job.handler }) };
      }
    }
    return { ran, failure };
  }

  /**
   * A block's triggers as jobs, in graph-node's order: the `once` block handlers of `blockHandlers` first; then
   * the event and call triggers (`logs` as `matcher` matches them, `calls` as `callMatcher` does) by
   * transaction, and within one transaction its events (by log index) before its calls (in the order they ran);
   * then the other block handlers, in the order given. The data sources their handlers create go to
   * `run.created`.
   */
  private jobsOf(
    run: { block: FullBlock; header: BlockHeader; writer: BlockWriter; ids: BlockIdSequence; created: RunningDataSource[]; receipts: ReadonlyMap<string, ReceiptData> },
    logs: Log[],
    matcher: TriggerMatcher,
    blockHandlers: { dataSource: RunningDataSource; handler: BlockHandlerSpec }[],
    calls: readonly TracedCall[] = [],
    callMatcher?: CallMatcher,
  ): TriggerJob[] {
    const { block, header } = run;
    const hidden = this.sources.fileEntities;
    const store = hidden.size > 0 ? new ChainHandlerStore(run.writer, this.build.schema, hidden) : run.writer;
    const env = (dataSource: RunningDataSource, address: string): MappingEnv => ({
      store,
      chain: this.reads,
      ipfs: this.ipfs,
      dataSource: { name: dataSource.name, address, network: dataSource.network, context: dataSource.context },
      log: (level, message) => this.log(`${LEVELS[level] ?? "LOG"} ${dataSource.name}: ${message}`),
      ids: run.ids,
      createDataSource: (template, params, context) => {
        const created = this.sources.instantiate(template, params, context, header.number, this.log);
        if (created) run.created.push(created);
      },
    });
    const jobs: TriggerJob[] = [];
    const blockJob = ({ dataSource, handler }: { dataSource: RunningDataSource; handler: BlockHandlerSpec }): TriggerJob => ({
      dataSource,
      handler: handler.handler,
      what: `${dataSource.name}.${handler.handler} failed at block ${header.number}`,
      run: () => this.modules.get(dataSource.name)!.runBlock({ handler: handler.handler, block: blockData(block) }, env(dataSource, dataSource.address ?? ZERO_ADDRESS)),
    });
    jobs.push(...blockHandlers.filter(({ handler }) => handler.kind === "once").map(blockJob));
    let nextCall = 0;
    // The calls of transactions before `transactionIndex` (all of them when it is Infinity), as jobs.
    const callsBefore = (transactionIndex: number) => {
      for (; nextCall < calls.length && calls[nextCall]!.transactionIndex < transactionIndex; nextCall++) {
        const call = calls[nextCall]!;
        for (const matched of callMatcher?.match(call, header.number) ?? []) {
          const dataSource = matched.dataSource as RunningDataSource;
          jobs.push({
            dataSource,
            handler: matched.handler.handler,
            what: `${dataSource.name}.${matched.handler.handler} failed at block ${header.number}, call of ${matched.handler.signature} in transaction ${call.transactionIndex}`,
            run: () => this.modules.get(dataSource.name)!.runCall(toCallTrigger(matched, block), env(dataSource, dataSource.address ?? call.to)),
          });
        }
      }
    };
    for (const log of logs) {
      callsBefore(log.transactionIndex ?? 0);
      for (const matched of matcher.match(log)) {
        const dataSource = matched.dataSource as RunningDataSource;
        const handler = matched.handlers.map((h) => h.handler).join("/");
        jobs.push({
          dataSource,
          handler,
          what: `${dataSource.name}.${handler} failed at block ${header.number}, log ${log.logIndex}`,
          run: () => this.modules.get(dataSource.name)!.runEvent(toEventTrigger(matched, block, run.receipts), env(dataSource, dataSource.address ?? log.address)),
        });
      }
    }
    callsBefore(Infinity);
    jobs.push(...blockHandlers.filter(({ handler }) => handler.kind !== "once").map(blockJob));
    return jobs;
  }

  /**
   * Reads into `run.receipts` the receipts of the transactions of the logs (of `logs`) that handlers run on and
   * that get a receipt (`MatchedLog.receipt`), checked to be of the run's block (a ChainError when the chain
   * changed meanwhile).
   */
  private async readReceipts(logs: readonly Log[], matcher: TriggerMatcher, run: { block: FullBlock; receipts: Map<string, ReceiptData> }): Promise<void> {
    if (!matcher.wantsReceipts) return;
    const hashes = new Set<string>();
    for (const log of logs) {
      const hash = log.transactionHash?.toLowerCase();
      if (hash && !run.receipts.has(hash) && matcher.match(log).some((matched) => matched.receipt)) hashes.add(hash);
    }
    const blockHash = run.block.hash!.toLowerCase();
    // A few at a time, as traces are read: a block of thousands of transactions does not flood the node.
    const all = [...hashes];
    for (let start = 0; start < all.length; start += RECEIPTS_AT_ONCE) {
      await Promise.all(
        all.slice(start, start + RECEIPTS_AT_ONCE).map(async (hash) => {
          const receipt = await this.chain.receipt(hash);
          if (receipt.blockHash !== blockHash) throw new ChainError(`block ${run.block.number} changed while the receipt of transaction ${hash} was read`);
          run.receipts.set(hash, receipt);
        }),
      );
    }
  }

  /**
   * The file data sources created before this block whose files were found, as jobs: each handler gets the
   * file's content and sees only its own writes (`fileIsolation.ts`); each that ran goes to `done` and is
   * marked done with the block.
   */
  private fileJobs(run: { block: FullBlock; header: BlockHeader; writer: BlockWriter; ids: BlockIdSequence }, done: DoneDataSource[]): TriggerJob[] {
    const jobs: TriggerJob[] = [];
    for (const dataSource of this.sources.waitingFiles) {
      const record = dataSource.created!;
      const content = this.files!.content(record.file!);
      if (record.block >= run.header.number || !content) continue;
      jobs.push({
        dataSource,
        handler: dataSource.fileHandler!,
        what: `${dataSource.name}.${dataSource.fileHandler} failed at block ${run.header.number}, file ${record.file}`,
        run: () => {
          const store = new FileHandlerStore(run.writer, this.build.schema, dataSource);
          const env: MappingEnv = {
            store,
            chain: this.reads,
            ipfs: this.ipfs,
            dataSource: { name: dataSource.name, address: ZERO_ADDRESS, network: dataSource.network, context: dataSource.context, file: record.file! },
            log: (level, message) => this.log(`${LEVELS[level] ?? "LOG"} ${dataSource.name}: ${message}`),
            ids: run.ids,
            createDataSource: () => {
              throw new MappingError(`a file data source's handler cannot create data sources (${dataSource.name})`);
            },
          };
          this.modules.get(dataSource.name)!.runFile(dataSource.fileHandler!, content, blockData(run.block), env);
          run.writer.markDone(record, store.wrote);
          done.push({ source: record, wrote: store.wrote });
        },
      });
    }
    return jobs;
  }

  /** Rebuilds the running data sources from the store (after a revert, or blocks that were not written). */
  private reloadSources(): void {
    this.sources.load(this.store.dataSources);
    this.wantFiles();
  }

  /** Has the fetcher wait for the files of the file data sources not done yet. */
  private wantFiles(): void {
    this.files?.want(this.sources.waitingFiles.map((source) => source.created!.file!));
  }

  /** The traces of blocks from..to, a few asked at a time. */
  private async traceRange(from: number, to: number): Promise<TracedBlock[]> {
    const out: TracedBlock[] = [];
    for (let start = from; start <= to; start += TRACES_AT_ONCE) {
      const numbers = Array.from({ length: Math.min(TRACES_AT_ONCE, to - start + 1) }, (_, i) => start + i);
      out.push(...(await Promise.all(numbers.map((number) => this.traces!.block(number)))));
    }
    return out;
  }

  /** The traces of `block`, checked to be of it (a ChainError when the chain changed between the reads). */
  private async traceBlock(block: FullBlock): Promise<TracedBlock> {
    const trace = await this.traces!.block(Number(block.number));
    if (!ChainTraces.matches(trace, block)) throw new ChainError(`block ${block.number} changed while its calls were traced`);
    return trace;
  }

  /** Waits `ms`, or less if `stop()` is called. */
  private async sleep(ms: number): Promise<void> {
    if (this.stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  /** Asks the loop to finish the block it is on and return. */
  stop(): void {
    this.stopping = true;
    this.files?.close();
    this.wake?.();
  }

  /**
   * Whether a reorg replaced the block whose handler failed: then the failure is undone (as graph-node unfails a
   * subgraph) and indexing goes on from the head.
   */
  private async failureUndone(): Promise<boolean> {
    const failed = this.store.fatalBlock;
    if (!failed) return false;
    const onChain = await this.chain.header(failed.number);
    if (onChain?.hash === failed.hash) return false;
    this.log(`the block that failed (${failed.number}, ${failed.hash}) is no longer on the chain; indexing again`);
    await this.store.revertTo(this.store.head?.number ?? this.startBlock - 1);
    this.reloadSources();
    this.status = "syncing";
    return true;
  }

  /**
   * Before anything is served: reverts what the chain no longer has (a local node restarted from older state
   * after a kill, say), so no query answers from a block the chain lost. When the chain does not answer yet, the
   * first pass of `run()` does the same check; a `ReorgError` (another chain) is thrown here as there.
   */
  async reconcileWithChain(): Promise<void> {
    try {
      await this.handleReorg();
    } catch (error) {
      if (!(error instanceof ChainError)) throw error;
      this.log(`${error.message}; the stored head is checked against the chain once it answers`);
    }
  }

  /** Reverts the store to the last block the chain still has, if a committed block is no longer on it. */
  private async handleReorg(): Promise<void> {
    const head = this.store.head;
    if (!head) return;
    const onChain = await this.chain.header(head.number);
    if (onChain?.hash === head.hash) return;
    const oldest = Math.max(this.startBlock - 1, head.number - REVERTIBLE_BLOCKS);
    for (let number = head.number - 1; number >= Math.max(0, oldest); number--) {
      const stored = await this.store.blockHash(number);
      if (stored === null) continue;
      const chainBlock = await this.chain.header(number);
      if (chainBlock?.hash === stored) {
        this.log(`reorg: block ${head.number} is no longer ${head.hash}; reverting to block ${number}`);
        await this.store.revertTo(number);
        this.reloadSources();
        return;
      }
    }
    if (oldest < this.startBlock) {
      // Nothing committed is known to be on the chain, and everything is still revertible: start over.
      this.log(`reorg: no committed block is on the chain any more; indexing again from block ${this.startBlock}`);
      await this.store.revertTo(this.startBlock - 1);
      this.reloadSources();
      return;
    }
    throw new ReorgError(
      `the chain at ${this.chain.url} no longer holds the indexed block ${head.number} (${head.hash}) nor any of the last blocks before it: ` +
        "it is another chain (a restarted local node?). Start the indexer on a fresh database.",
    );
  }
}

/** The chain no longer contains what was indexed, beyond what the store can revert. */
export class ReorgError extends Error {
  override name = "ReorgError";
}

/** One trigger of a block, ready to run, and how its failure is told. */
interface TriggerJob {
  dataSource: DataSourceSpec;
  handler: string;
  /** The start of its failure message. */
  what: string;
  run(): void;
}

/** Blocks further than this from the chain head are committed in batches. */
const COMMIT_BATCH_DISTANCE = 20;
/** The most blocks one commit writes. */
const COMMIT_BATCH_BLOCKS = 100;
/** The most entity changes staged blocks hold in memory before they are written (memory stays bounded). */
const COMMIT_BATCH_CHANGES = 50_000;

/** The addresses a traced block's calls that took effect went to. */
function calledAddresses(block: TracedBlock): Set<string> {
  return new Set(block.calls.map((call) => call.to));
}

/** How many blocks' traces are asked for at once. */
/** How many receipts are asked for at once. */
const RECEIPTS_AT_ONCE = 8;
const TRACES_AT_ONCE = 8;

/** How many blocks (with their transactions) are read from the chain ahead of the one being indexed. */
const FETCH_AHEAD = 8;

/** How much handler work one timed section takes on before the next starts (ms). */
const TIME_SLICE_MS = 1_000;

const LEVELS = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"];
const ZERO_ADDRESS = `0x${"00".repeat(20)}`;
