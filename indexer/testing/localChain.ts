/**
 * Test support: a real local chain (anvil) with a funded wallet, the Ping contract, and the local indexer started
 * on a fixture build with its log lines kept: the setup the indexer's end-to-end tests share.
 */
import { createTestClient, createWalletClient, http, pad, publicActions, toHex, type Hex } from "viem";
import { foundry } from "viem/chains";

import { startLocalIndexer, type LocalIndexer, type LocalIndexerOptions } from "../service.ts";
import { type Anvil, anvilAccount, PING_CREATION_CODE, startAnvil } from "./anvil.ts";

export interface LocalChain {
  anvil: Anvil;
  /** anvil's first account, as a wallet that also reads. */
  wallet: ReturnType<typeof walletOf>;
  /** anvil's test actions (`mine`, `snapshot`, `revert`). */
  test: ReturnType<typeof testClientOf>;
  /** The indexer's log lines, from every indexer started here. */
  lines: string[];
  /** The running indexer, once `startIndexer` was called. */
  indexer: LocalIndexer | undefined;
  /** Deploys a Ping contract; its address (lower case) and receipt. */
  deployPing(): Promise<{ address: Hex; blockNumber: bigint }>;
  /** Calls Ping at `address` with `value`; the receipt. */
  ping(address: Hex, value: bigint): Promise<{ blockNumber: bigint }>;
  /** The chain's head block number. */
  head(): Promise<number>;
  /** Starts the local indexer on `subgraph` (PGlite in memory unless `options.database`), served on a free port. */
  startIndexer(subgraph: string, options?: Partial<LocalIndexerOptions>): Promise<LocalIndexer>;
  /** Waits until the indexer has committed the chain's head; fails with the log lines if it does not. */
  synced(): Promise<void>;
  /** Asks the indexer's GraphQL endpoint. */
  query(text: string): Promise<{ data?: any; errors?: { message: string }[] }>;
  /** Stops the indexer (if running) and anvil. */
  close(): Promise<void>;
}

const walletOf = (url: string) => createWalletClient({ account: anvilAccount(0), chain: foundry, transport: http(url) }).extend(publicActions);
const testClientOf = (url: string) => createTestClient({ mode: "anvil", chain: foundry, transport: http(url) });

export async function startLocalChain(): Promise<LocalChain> {
  const anvil = await startAnvil();
  const wallet = walletOf(anvil.url);
  const chain: LocalChain = {
    anvil,
    wallet,
    test: testClientOf(anvil.url),
    lines: [],
    indexer: undefined,
    async deployPing() {
      const receipt = await wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ data: PING_CREATION_CODE }) });
      return { address: receipt.contractAddress!.toLowerCase() as Hex, blockNumber: receipt.blockNumber };
    },
    async ping(address, value) {
      return wallet.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: address, data: pad(toHex(value)) }) });
    },
    async head() {
      return Number(await wallet.getBlockNumber({ cacheTime: 0 }));
    },
    async startIndexer(subgraph, options = {}) {
      chain.indexer = await startLocalIndexer({
        subgraph,
        rpcUrl: anvil.url,
        subgraphName: "test/subgraph",
        port: 0,
        pollInterval: 20,
        log: (line) => chain.lines.push(line),
        ...options,
      });
      return chain.indexer;
    },
    async synced() {
      const head = await chain.head();
      await chain.indexer!.waitForBlock(head).catch((error) => {
        throw new Error(`${(error as Error).message}\n${chain.lines.join("\n")}`);
      });
    },
    async query(text) {
      const response = await fetch(chain.indexer!.server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: text }) });
      return (await response.json()) as { data?: any; errors?: { message: string }[] };
    },
    async close() {
      await chain.indexer?.close();
      await anvil.stop();
    },
  };
  return chain;
}
