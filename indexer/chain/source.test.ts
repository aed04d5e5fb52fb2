import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClient, createWalletClient, http, pad, publicActions, toHex } from "viem";
import { foundry } from "viem/chains";

import { type Anvil, anvilAccount, PING_CREATION_CODE, PING_TOPIC, startAnvil } from "../testing/anvil.ts";
import { startRelay } from "../testing/relay.ts";
import { ChainError, ChainSource } from "./source.ts";

const account = anvilAccount(0);

describe("ChainSource on a real node", () => {
  let anvil: Anvil;
  let ping: `0x${string}`;
  let other: `0x${string}`;
  let wallet: ReturnType<typeof makeWallet>;

  function makeWallet(url: string) {
    return createWalletClient({ account, chain: foundry, transport: http(url) }).extend(publicActions);
  }

  async function deploy(): Promise<`0x${string}`> {
    const hash = await wallet.sendTransaction({ data: PING_CREATION_CODE });
    return (await wallet.waitForTransactionReceipt({ hash })).contractAddress!.toLowerCase() as `0x${string}`;
  }

  async function sendPing(to: `0x${string}`, value: bigint) {
    const hash = await wallet.sendTransaction({ to, data: pad(toHex(value)) });
    return wallet.waitForTransactionReceipt({ hash });
  }

  beforeAll(async () => {
    anvil = await startAnvil();
    wallet = makeWallet(anvil.url);
    ping = await deploy();
    other = await deploy();
    for (let i = 1n; i <= 5n; i++) await sendPing(i % 2n ? ping : other, i);
  });
  afterAll(async () => anvil?.stop());

  it("reads the head, headers and full blocks", async () => {
    const source = new ChainSource({ url: anvil.url, filter: { addresses: [ping], topics0: [PING_TOPIC] } });
    expect(await source.chainId()).toBe(31_337);
    const head = await source.headNumber();
    expect(head).toBe(7);
    const header = await source.header(head);
    const parent = await source.header(head - 1);
    expect(header!.parentHash).toBe(parent!.hash);
    expect(await source.header(head + 10)).toBeNull();
    const block = await source.fullBlock(head);
    expect(block.transactions).toHaveLength(1);
    expect(block.transactions[0]!.from.toLowerCase()).toBe(account.address.toLowerCase());
  });

  it("returns only the filter's logs, in chain order, whatever the range size", async () => {
    for (const maxRange of [1, 2, 1_000]) {
      const source = new ChainSource({ url: anvil.url, filter: { addresses: [ping], topics0: [PING_TOPIC] }, maxRange });
      const logs = await source.logs(0, await source.headNumber());
      expect(logs.map((l) => BigInt(l.data))).toEqual([1n, 3n, 5n]);
      expect(logs.every((l) => l.address === ping)).toBe(true);
      const blocks = logs.map((l) => Number(l.blockNumber));
      expect(blocks).toEqual([...blocks].sort((a, b) => a - b));
    }
    const both = new ChainSource({ url: anvil.url, filter: { addresses: [ping, other], topics0: [PING_TOPIC] } });
    expect((await both.logs(0, 7)).map((l) => BigInt(l.data))).toEqual([1n, 2n, 3n, 4n, 5n]);
    const everyContract = new ChainSource({ url: anvil.url, filter: { addresses: [], topics0: [PING_TOPIC] } });
    expect(await everyContract.logs(0, 7)).toHaveLength(5);
    const otherEvent = new ChainSource({ url: anvil.url, filter: { addresses: [ping], topics0: [pad("0x01")] } });
    expect(await otherEvent.logs(0, 7)).toHaveLength(0);
  });

  it("sees a reorg: the same height gets another hash after a revert", async () => {
    const test = createTestClient({ mode: "anvil", chain: foundry, transport: http(anvil.url) });
    const source = new ChainSource({ url: anvil.url, filter: { addresses: [ping], topics0: [PING_TOPIC] } });
    const snapshot = await test.snapshot();
    await sendPing(ping, 100n);
    const first = await source.header(8);
    await test.revert({ id: snapshot });
    await test.mine({ blocks: 1 });
    const second = await source.header(8);
    expect(second!.hash).not.toBe(first!.hash);
    expect(await source.logs(8, 8)).toHaveLength(0);
  });

  it("fails with a ChainError naming the endpoint when nothing answers", async () => {
    const source = new ChainSource({ url: "http://127.0.0.1:9", filter: { addresses: [], topics0: [PING_TOPIC] }, retryCount: 0 });
    await expect(source.headNumber()).rejects.toThrow(ChainError);
    await expect(source.headNumber()).rejects.toThrow("http://127.0.0.1:9");
  });

  it("splits eth_getLogs ranges a provider refuses as too large, and grows them back", async () => {
    const relay = await startRelay(anvil.url);
    const spans: number[] = [];
    relay.intercept = ({ method, params }) => {
      if (method !== "eth_getLogs") return undefined;
      const { fromBlock, toBlock } = params[0] as { fromBlock: string; toBlock: string };
      const span = Number(toBlock) - Number(fromBlock) + 1;
      spans.push(span);
      return span > 2 ? { status: 200, body: { error: { code: -32005, message: "query returned more than 10000 results" } } } : undefined;
    };
    try {
      const source = new ChainSource({ url: relay.url, filter: { addresses: [ping], topics0: [PING_TOPIC] }, maxRange: 8, retryCount: 0 });
      expect((await source.logs(0, 7)).map((l) => BigInt(l.data))).toEqual([1n, 3n, 5n]);
      expect(spans[0]).toBe(8);
      expect(Math.max(...spans.slice(-3))).toBeLessThanOrEqual(4); // after a success it tries twice the range, then halves again
    } finally {
      await relay.close();
    }
  });

  it("does not take a rate limit or an endpoint answering 404 for a range or a block that is not there", async () => {
    const relay = await startRelay(anvil.url);
    try {
      let getLogsCalls = 0;
      relay.intercept = ({ method }) => {
        if (method === "eth_getLogs") getLogsCalls += 1;
        return method === "eth_getLogs" ? { status: 429, body: { error: "Too Many Requests" } } : undefined;
      };
      const limited = new ChainSource({ url: relay.url, filter: { addresses: [ping], topics0: [PING_TOPIC] }, retryCount: 0 });
      await expect(limited.logs(0, 7)).rejects.toThrow(ChainError);
      expect(getLogsCalls).toBe(1);

      relay.intercept = () => ({ status: 404, body: { error: "Not Found" } });
      const broken = new ChainSource({ url: relay.url, filter: { addresses: [ping], topics0: [PING_TOPIC] }, retryCount: 0 });
      await expect(broken.header(1)).rejects.toThrow(ChainError);
    } finally {
      await relay.close();
    }
  });
});
