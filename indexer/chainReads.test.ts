/**
 * Handlers that read the chain, on a real chain: `ethereum.call` (plain, overloaded, struct results, `try_`),
 * `ethereum.getBalance` and `ethereum.hasCode`, answered at the trigger's block by hash, once per block and
 * call; a plain call that reverts fails the handler as on graph-node; a node that does not answer is asked again.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalletClient, http, publicActions, type Hex } from "viem";
import { foundry } from "viem/chains";

import { RpcChainReads } from "./chain/blockReads.ts";
import { RpcTransportError, SyncRpc } from "./chain/syncRpc.ts";
import { startLocalIndexer, type LocalIndexer } from "./service.ts";
import { type Anvil, anvilAccount, startAnvil } from "./testing/anvil.ts";
import { buildSubgraph } from "./testing/buildSubgraph.ts";
import { compileSolidity, deploy, type CompiledContract } from "./testing/solidity.ts";

const FIXTURE = join(import.meta.dirname, "testing", "calls-subgraph");
const sender = anvilAccount(0);

describe("handlers that read the chain", () => {
  let anvil: Anvil;
  let rpc: SyncRpc;
  let vault: { address: Hex; block: number };
  let contract: CompiledContract;
  let build: string;
  let local: LocalIndexer | undefined;
  /** eth_call requests that reached the node, by block hash. */
  const callsByBlock = new Map<string, number>();
  let failCalls = 0;

  const wallet = () => createWalletClient({ account: sender, chain: foundry, transport: http(anvil.url) }).extend(publicActions);
  async function send(functionName: string, args: unknown[], value = 0n) {
    const hash = await wallet().writeContract({ address: vault.address, abi: contract.abi, functionName, args, value } as never);
    return wallet().waitForTransactionReceipt({ hash });
  }
  async function query(text: string) {
    const response = await fetch(local!.server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: text }) });
    return (await response.json()) as { data?: any; errors?: { message: string }[] };
  }

  beforeAll(async () => {
    anvil = await startAnvil();
    rpc = new SyncRpc(anvil.url);
    contract = compileSolidity(readFileSync(join(FIXTURE, "Vault.sol"), "utf8")).Vault!;
    vault = await deploy(wallet() as never, contract);
    build = buildSubgraph(FIXTURE, { address: vault.address, startBlock: vault.block }, { "abis/Vault.json": JSON.stringify(contract.abi) });
  }, 120_000);

  afterAll(async () => {
    await local?.close();
    rpc?.close();
    await anvil?.stop();
  });

  it("answers calls at the trigger's block, once per block and call", async () => {
    const first = await send("store", [5n], 1n);
    const second = await send("store", [7n], 2n);
    const twice = await send("storeTwice", [300n]);
    // What reaches the node, counted; and a node that does not answer, when the test says so.
    const counting = {
      request(method: string, params: unknown[]) {
        if (method === "eth_call") {
          if (failCalls > 0) {
            failCalls -= 1;
            throw new RpcTransportError("eth_call: HTTP 503 busy");
          }
          const hash = (params[1] as { blockHash?: string }).blockHash ?? "by number";
          callsByBlock.set(hash, (callsByBlock.get(hash) ?? 0) + 1);
        }
        return rpc.request(method, params);
      },
    };
    local = await startLocalIndexer({
      subgraph: build,
      rpcUrl: anvil.url,
      chainReads: new RpcChainReads(counting),
      subgraphName: "test/calls",
      port: 0,
      pollInterval: 20,
      log: () => {},
    });
    await local.waitForBlock(Number(twice.blockNumber));
    const { data, errors } = await query(`{
      observations(orderBy: value) { value stored scaled scaledWithOffset label self small refuseReverted balance vaultHasCode senderHasCode }
    }`);
    expect(errors).toBeUndefined();
    const seen = { label: "vault", self: vault.address, refuseReverted: true, vaultHasCode: true, senderHasCode: false };
    // Each value as the chain held it after that event's block, not as it holds it now (300).
    expect(data.observations).toEqual([
      { value: "5", stored: "5", scaled: "15", scaledWithOffset: "16", small: 5, balance: "1", ...seen },
      { value: "7", stored: "7", scaled: "21", scaledWithOffset: "22", small: 7, balance: "3", ...seen },
      { value: "300", stored: "300", scaled: "900", scaledWithOffset: "901", small: 44, balance: "3", ...seen },
      { value: "300", stored: "300", scaled: "900", scaledWithOffset: "901", small: 44, balance: "3", ...seen },
    ]);
    // Five distinct calls per block (stored, both scaled, describe, refuse), by block hash; the second event of
    // the last block asked nothing new.
    expect(callsByBlock.get(first.blockHash)).toBe(5);
    expect(callsByBlock.get(second.blockHash)).toBe(5);
    expect(callsByBlock.get(twice.blockHash)).toBe(5);
    expect(callsByBlock.get("by number")).toBeUndefined();
  }, 120_000);

  it("asks again when the node does not answer a call, instead of failing the handler", async () => {
    failCalls = 3;
    const receipt = await send("store", [8n]);
    await local!.waitForBlock(Number(receipt.blockNumber), 30_000);
    expect(failCalls).toBe(0);
    expect(local!.indexer.status).not.toBe("failed");
    expect((await query(`{ observations(where: { value: "8" }) { stored } }`)).data.observations).toEqual([{ stored: "8" }]);
  });

  it("fails the handler on a reverted call made without try_, with graph-ts's message", async () => {
    const receipt = await send("store", [13n]);
    await expect(local!.waitForBlock(Number(receipt.blockNumber))).rejects.toThrow(
      /Call reverted, probably because an `assert` or `require` in the contract failed, consider using `try_refuse` to handle this in the mapping/,
    );
  });
});
