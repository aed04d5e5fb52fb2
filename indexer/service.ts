/**
 * The whole local indexer in one call: reads the build, opens the store, starts the GraphQL endpoint and the
 * indexing loop. The CLI (cli.ts) and tests use this; `close()` stops the loop after the block it is on,
 * then the server, then the database.
 */
import type { EIP1193Provider } from "viem";

import { RpcChainReads } from "./chain/blockReads.ts";
import { ChainSource } from "./chain/source.ts";
import { ChainTraces } from "./chain/traces.ts";
import { startGraphQLServer, watchWrites, type ExampleQuery, type GraphQLServer } from "./graphql/index.ts";
import { readMeta } from "./graphql/planner.ts";
import type { ChainReads } from "./host/index.ts";
import { needsTraces } from "./dataSourceSet.ts";
import { Indexer } from "./indexer.ts";
import { IpfsClient, type IpfsClientOptions } from "./ipfs/client.ts";
import { loadSubgraph, ManifestError, type SubgraphBuild } from "./manifest.ts";
import type { Db } from "./store/db.ts";
import { EntityStore } from "./store/index.ts";
import { openDb } from "./store/open.ts";

export interface LocalIndexerOptions {
  /** The folder `graph build` wrote. */
  subgraph: string;
  /** JSON-RPC endpoint of the chain. */
  rpcUrl: string;
  /** An EIP-1193 provider to read the chain through instead of `rpcUrl` (an in-process node). */
  provider?: EIP1193Provider;
  /**
   * How handlers read the chain (`ethereum.call`, `getBalance`, `hasCode`): by default JSON-RPC at `rpcUrl`
   * from a worker thread, which waits while the caller's thread sleeps; so the node must not run in this
   * process's main thread (an in-process `provider` cannot answer them: those calls then fail the handler).
   */
  chainReads?: ChainReads;
  /**
   * Where entities are stored: a PostgreSQL server (`postgres://user:password@host:port/db`), or a PGlite data
   * directory; omitted: PGlite in memory (gone when the process ends).
   */
  database?: string;
  /** Start from nothing: delete the PGlite directory, or drop the schema `subgraph` on the PostgreSQL server. */
  fresh?: boolean;
  /** Served at /subgraphs/name/<subgraphName>. */
  subgraphName: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  pollInterval?: number;
  /** How long one handler may run before it fails (ms); null: no limit. Default 60 s. */
  handlerTimeoutMs?: number | null;
  /**
   * An IPFS node's HTTP API (`http://127.0.0.1:5001`) or a gateway (`https://host/ipfs`), with optional limits:
   * what `ipfs.cat`, `ipfs.getBlock`, `ipfs.map` and `file/ipfs` templates read. Without it, a subgraph that uses them is
   * refused at start.
   */
  ipfs?: IpfsClientOptions;
  /** Queries GraphiQL opens in its tabs. */
  exampleQueries?: ExampleQuery[];
  log?: (line: string) => void;
}

export interface LocalIndexer {
  build: SubgraphBuild;
  indexer: Indexer;
  server: GraphQLServer;
  db: Db;
  /** Settles when the indexing loop ends: with the error that ended it (another chain), or undefined after `close()`. */
  stopped: Promise<Error | undefined>;
  /** Resolves when the indexer has committed `blockNumber` (or the chain head when omitted), or has failed. */
  waitForBlock(blockNumber?: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The PostgreSQL schema the store's tables live in. */
export const NAMESPACE = "subgraph";

export async function startLocalIndexer(options: LocalIndexerOptions): Promise<LocalIndexer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const build = loadSubgraph(options.subgraph, { ipfs: options.ipfs !== undefined });
  const ipfs = options.ipfs ? new IpfsClient(options.ipfs) : undefined;
  const traces = await callTraces(build, options);
  const db = await openDb(options.database, { fresh: options.fresh, namespace: NAMESPACE });
  let server: GraphQLServer | undefined;
  let reads: ChainReads | undefined;
  let built: Indexer | undefined;
  try {
    // The store writes through a watch, so that the GraphQL server reads `_meta` only after a write.
    const watched = watchWrites(db);
    const store = await EntityStore.open({ db: watched.db, schema: build.schema, namespace: NAMESPACE, deployment: build.deployment });
    const chain = new ChainSource({ url: options.rpcUrl, provider: options.provider, filter: Indexer.logFilter(build.dataSources) });
    // Handlers' reads of the chain (ethereum.call…) need a URL to reach from a worker thread; an in-process provider has none.
    reads = options.chainReads ?? (options.provider ? undefined : new RpcChainReads(options.rpcUrl));
    const indexer = new Indexer({ build, chain, store, reads, traces, ipfs, log, pollInterval: options.pollInterval, handlerTimeoutMs: options.handlerTimeoutMs });
    built = indexer;
    await indexer.reconcileWithChain();
    server = await startGraphQLServer({
      schema: build.schema,
      db,
      namespace: NAMESPACE,
      subgraphName: options.subgraphName,
      host: options.host,
      port: options.port,
      exampleQueries: options.exampleQueries,
      storeVersion: watched.version,
    });
    const running: Promise<Error | undefined> = indexer.run().then(
      () => undefined,
      (error: Error) => {
        indexer.status = "failed";
        log(`indexer stopped: ${error.message}`);
        return error;
      },
    );
    const ready = server;
    return {
      build,
      indexer,
      server: ready,
      db,
      stopped: running,
      async waitForBlock(blockNumber, timeoutMs = 60_000) {
        const target = blockNumber ?? (await chain.headNumber());
        const deadline = Date.now() + timeoutMs;
        // The store moves its head in memory before the block's transaction ends: wait for the database too,
        // which is what GraphQL answers from.
        const committed = async () => (store.head?.number ?? -1) >= target && ((await readMeta({ db, namespace: NAMESPACE }))?.headNumber ?? -1) >= target;
        while (!(await committed())) {
          if (indexer.status === "failed") throw new Error(`the indexer failed: ${store.fatalError ?? "see its log"}`);
          if (Date.now() > deadline) throw new Error(`the indexer did not reach block ${target} within ${timeoutMs} ms (at ${store.head?.number ?? "none"})`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
      async close() {
        indexer.stop();
        await running;
        reads?.close?.();
        ipfs?.close();
        await ready.close();
        await db.close();
      },
    };
  } catch (error) {
    // The indexer may already wait for files in the background: stop it with the rest.
    built?.stop();
    reads?.close?.();
    ipfs?.close();
    await server?.close();
    await db.close();
    throw error;
  }
}

/**
 * The node's call traces when the subgraph has call handlers; refused at start, naming each data source and
 * template that has them, when the node does not answer them (a node that cannot be reached yet is not refused:
 * the indexer asks it again, as for any outage).
 */
async function callTraces(build: SubgraphBuild, options: LocalIndexerOptions): Promise<ChainTraces | undefined> {
  const calling = [...build.dataSources.map((d, i) => ({ d, where: `dataSources[${i}]` })), ...build.templates.map((d, i) => ({ d, where: `templates[${i}]` }))].filter(
    ({ d }) => needsTraces(d),
  );
  if (calling.length === 0) return undefined;
  const traces = new ChainTraces({ url: options.rpcUrl, provider: options.provider });
  const reason = await traces.unavailable();
  if (reason === null) return traces;
  throw new ManifestError(
    calling.map(({ d, where }) => `${where} (${d.name}): ${d.callHandlers.length > 0 ? "call handlers need" : "a block handler with the call filter needs"} the node's call traces, which ${options.rpcUrl} does not answer (${reason})`),
  );
}
