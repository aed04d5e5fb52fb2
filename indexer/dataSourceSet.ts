/**
 * The data sources that are running: the manifest's, and those mappings created from its templates
 * (`dataSource.create`), each from its creating block on. Created data sources come from the store, so they
 * survive a restart and go with a revert; `load` rebuilds the set from it.
 *
 * As graph-node: a block's new data sources run after every trigger of that block, on that block's triggers
 * (the logs and block handlers they match, whether before or after the creating event), in creation order; a
 * data source identical to one already running (template, address and context) is not created twice.
 *
 * File data sources (`file/ipfs` templates) are kept apart: they match no chain trigger; each waits for its
 * file and runs once, then is done (`doneAt`). The entities their handlers wrote are hidden from chain handlers.
 */
import { writtenKey } from "./fileIsolation.ts";
import { type DataSourceContext, MappingError, parseContext, serializeContext } from "./host/index.ts";
import type { BlockHandlerSpec, DataSourceSpec, SubgraphBuild } from "./manifest.ts";
import type { LogFilter } from "./chain/source.ts";
import { IpfsPathError, parseIpfsPath } from "./ipfs/cid.ts";
import type { CreatedDataSource, DoneDataSource } from "./store/dataSources.ts";
import { CallMatcher, TriggerMatcher } from "./triggers.ts";

/** A running data source: the manifest's (`created` null) or one a mapping created from a template. */
export interface RunningDataSource extends DataSourceSpec {
  context: DataSourceContext | null;
  created: CreatedDataSource | null;
}

export class DataSourceSet {
  private readonly build: SubgraphBuild;
  private running: RunningDataSource[] = [];
  private files: RunningDataSource[] = [];
  /** The entities file handlers wrote (`writtenKey`): chain handlers do not see them. */
  private written = new Set<string>();
  private keys = new Set<string>();
  matcher: TriggerMatcher;
  /** The running data sources' call handlers. */
  callMatcher: CallMatcher;

  constructor(build: SubgraphBuild, created: readonly CreatedDataSource[]) {
    this.build = build;
    this.matcher = new TriggerMatcher([]);
    this.callMatcher = new CallMatcher([]);
    this.load(created);
  }

  /** Every running chain data source: the manifest's first, then the created ones in creation order. */
  get all(): readonly RunningDataSource[] {
    return this.running;
  }

  /** The file data sources whose files have not been found yet, in creation order. */
  get waitingFiles(): readonly RunningDataSource[] {
    return this.files.filter((source) => source.created!.doneAt === null);
  }

  /** The entities file handlers wrote, by `writtenKey`. */
  get fileEntities(): ReadonlySet<string> {
    return this.written;
  }

  /** Marks file data sources done once the block whose handlers ran them is committed. */
  markDone(done: readonly DoneDataSource[], block: number): void {
    for (const { source, wrote } of done) {
      const running = this.files.find((file) => file.created === source);
      if (running) running.created = { ...source, doneAt: block, wrote };
      for (const [type, key] of wrote) this.written.add(writtenKey(type, key));
    }
  }

  /** Rebuilds the set from the manifest and the created data sources the store holds. */
  load(created: readonly CreatedDataSource[]): void {
    this.running = this.build.dataSources.map((spec) => ({ ...spec, context: null, created: null }));
    this.files = [];
    this.written = new Set();
    this.keys = new Set();
    this.add(created.map((record) => this.fromRecord(record)));
  }

  /** Adds data sources created in a committed block. */
  add(created: readonly RunningDataSource[]): void {
    for (const source of created) this.keys.add(keyOf(source.created!));
    this.running = [...this.running, ...created.filter((source) => source.kind === "ethereum")];
    this.files = [...this.files, ...created.filter((source) => source.kind === "file/ipfs")];
    for (const source of created) for (const [type, key] of source.created!.wrote) this.written.add(writtenKey(type, key));
    this.matcher = new TriggerMatcher(this.running);
    this.callMatcher = new CallMatcher(this.running);
  }

  /**
   * The data source `dataSource.create(template, params)` asks for in block `block`; throws a MappingError
   * (failing the handler) when the template does not exist or the first parameter is missing or, for a chain
   * template, not an address. For a `file/ipfs` template the parameter is an IPFS path (`<cid>[/path]`, a leading
   * `/ipfs/` dropped, so that `stringParam()` and deduplication agree); one that is not is ignored as graph-node
   * ignores it: `warn` gets a line saying why and the result is null.
   */
  instantiate(template: string, params: string[], context: DataSourceContext | null, block: number, warn: (line: string) => void = () => {}): RunningDataSource | null {
    const spec = this.build.templates.find((t) => t.name === template);
    if (!spec) {
      const names = this.build.templates.map((t) => t.name).join(", ");
      throw new MappingError(`failed to create a data source from template \`${template}\`: there is no such template (templates: ${names || "none"})`);
    }
    const address = params[0];
    if (address === undefined) throw new MappingError(`failed to create a data source from template \`${template}\`: the ${spec.kind === "file/ipfs" ? "CID" : "address"} parameter is missing`);
    if (spec.kind === "file/ipfs") {
      let file: string;
      try {
        const { cid, rest } = parseIpfsPath(address);
        file = `${cid.toString()}${rest}`;
      } catch (error) {
        if (!(error instanceof IpfsPathError)) throw error;
        warn(`WARNING data source from template \`${template}\` not created, ignored: ${error.message}`);
        return null;
      }
      const record: CreatedDataSource = { template, address: "", file, context: context === null ? null : serializeContext(context), block, doneAt: null, wrote: [] };
      return { ...spec, startBlock: block, context, created: record };
    }
    if (!/^(0x)?[0-9a-fA-F]{40}$/.test(address)) {
      throw new MappingError(`failed to create a data source from template \`${template}\`: \`${address}\` is not an address`);
    }
    const record: CreatedDataSource = {
      template,
      address: `0x${address.replace(/^0x/, "").toLowerCase()}`,
      file: null,
      context: context === null ? null : serializeContext(context),
      block,
      doneAt: null,
      wrote: [],
    };
    return { ...spec, address: record.address, startBlock: block, context, created: record };
  }

  /** Of `created` (one block's, in creation order), those not already running nor repeated: what to start. */
  fresh(created: readonly RunningDataSource[], alsoStarted: readonly RunningDataSource[]): RunningDataSource[] {
    const seen = new Set([...this.keys, ...alsoStarted.map((s) => keyOf(s.created!))]);
    const out: RunningDataSource[] = [];
    for (const source of created) {
      const key = keyOf(source.created!);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(source);
    }
    return out;
  }

  /** What to fetch logs for: the running data sources' addresses and events (or `sources`' alone). */
  logFilter(sources: readonly DataSourceSpec[] = this.running): LogFilter {
    const addresses = sources.some((d) => d.address === null) ? [] : [...new Set(sources.map((d) => d.address!))];
    const topics0 = [...new Set(sources.flatMap((d) => d.eventHandlers.map((h) => h.topic0)))];
    return { addresses, topics0 };
  }

  /**
   * The block handlers that run on block `number`, in graph-node's order, of every running data source or of
   * `sources`: the `once` handlers (graph-node's start-of-block trigger, which runs before the block's events),
   * then those with the call filter whose data source's address is among `called` (the addresses the block's
   * calls that took effect went to), then the every-block and due `polling` ones (its end-of-block trigger; the
   * manifest holds at most one of them per data source).
   */
  blockHandlersAt(
    number: number,
    sources: readonly RunningDataSource[] = this.running,
    called: ReadonlySet<string> = NONE,
  ): { dataSource: RunningDataSource; handler: BlockHandlerSpec }[] {
    const start: { dataSource: RunningDataSource; handler: BlockHandlerSpec }[] = [];
    const withCalls: { dataSource: RunningDataSource; handler: BlockHandlerSpec }[] = [];
    const end: { dataSource: RunningDataSource; handler: BlockHandlerSpec }[] = [];
    for (const dataSource of sources) {
      const since = number - dataSource.startBlock;
      if (since < 0) continue;
      const once = dataSource.blockHandlers.find((h) => h.kind === "once");
      if (once && since === 0) start.push({ dataSource, handler: once });
      const call = dataSource.blockHandlers.find((h) => h.kind === "call");
      if (call && dataSource.address !== null && called.has(dataSource.address)) withCalls.push({ dataSource, handler: call });
      for (const handler of dataSource.blockHandlers) {
        if (handler.kind === "every" || (handler.kind === "polling" && since % handler.every! === 0)) end.push({ dataSource, handler });
      }
    }
    return [...start, ...withCalls, ...end];
  }

  /** Whether blocks must be traced for `sources` (all running by default): they have call handlers or call-filtered block handlers. */
  needTraces(sources: readonly DataSourceSpec[] = this.running): boolean {
    return sources.some(needsTraces);
  }

  private fromRecord(record: CreatedDataSource): RunningDataSource {
    const spec = this.build.templates.find((t) => t.name === record.template);
    // A store of this deployment only holds its own templates' data sources (the deployment hash covers the manifest).
    if (!spec) throw new Error(`the store holds a data source of template ${record.template}, which the manifest lacks`);
    const context = record.context === null ? null : parseContext(record.context);
    return { ...spec, address: record.file === null ? record.address : null, startBlock: record.block, context, created: record };
  }
}

const NONE: ReadonlySet<string> = new Set();

/** Whether a data source runs on call traces: call handlers, or a block handler with the call filter. */
export function needsTraces(source: DataSourceSpec): boolean {
  return source.callHandlers.length > 0 || source.blockHandlers.some((h) => h.kind === "call");
}

/** What makes two created data sources the same (graph-node ignores the creating block). */
function keyOf(record: CreatedDataSource): string {
  return `${record.template}\n${record.file ?? record.address}\n${record.context ?? ""}`;
}
