/** Blocking JSON-RPC from a worker thread, against anvil: answers, the node's errors, no node; reverts told apart. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type Anvil, startAnvil } from "../testing/anvil.ts";
import { freePort } from "../testing/freePort.ts";
import { isRevert, RpcChainReads } from "./blockReads.ts";
import { RpcResponseError, RpcTransportError, SyncRpc } from "./syncRpc.ts";

describe("SyncRpc", () => {
  let anvil: Anvil;
  let rpc: SyncRpc;

  beforeAll(async () => {
    anvil = await startAnvil();
    rpc = new SyncRpc(anvil.url);
  }, 60_000);

  afterAll(async () => {
    rpc?.close();
    await anvil?.stop();
  });

  it("returns the node's result without giving up the thread", () => {
    expect(rpc.request("eth_chainId", [])).toBe("0x7a69");
    expect(rpc.request("eth_blockNumber", [])).toBe("0x0");
  });

  it("throws the node's JSON-RPC error with its code", () => {
    expect(() => rpc.request("eth_noSuchMethod", [])).toThrow(RpcResponseError);
    try {
      rpc.request("eth_noSuchMethod", []);
    } catch (error) {
      expect((error as RpcResponseError).code).toBe(-32601);
    }
  });

  it("throws a transport error when no node answers", async () => {
    const nobody = new SyncRpc(`http://127.0.0.1:${await freePort()}`, { timeoutMs: 2_000 });
    try {
      expect(() => nobody.request("eth_chainId", [])).toThrow(RpcTransportError);
    } finally {
      nobody.close();
    }
  });

  it("reads calls, code and balances at a block named by its hash", async () => {
    const reads = new RpcChainReads(anvil.url);
    try {
      const genesis = rpc.request("eth_getBlockByNumber", ["0x0", false]) as { hash: string };
      expect(reads.call("0x0000000000000000000000000000000000000000", "0x", genesis.hash)).toEqual({ output: "0x" });
      expect(reads.code("0x0000000000000000000000000000000000000000", genesis.hash)).toBe("0x");
      expect(reads.balance("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", genesis.hash)).toBe(10_000n * 10n ** 18n);
    } finally {
      reads.close();
    }
  });

  it.each([
    [{ code: 3, message: "execution reverted: no" }, true],
    [{ code: -32000, message: "EVM error: StackUnderflow" }, true],
    [{ code: -32015, message: "VM execution error.", data: "Reverted 0x" }, true],
    [{ code: -32015, message: "x", data: "Bad instruction fe" }, true],
    [{ code: -32000, message: "header not found" }, false],
    [{ code: -32005, message: "rate limited" }, false],
  ])("tells a revert from a failure to answer: %o", (error, revert) => {
    expect(isRevert(new RpcResponseError(error))).toBe(revert);
  });
});
