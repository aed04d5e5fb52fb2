/**
 * The IPFS client against a real HTTP server standing in for a node: found, missing, too large, too slow, and
 * content that is not what its CID names, through a node's HTTP API and through a gateway, asynchronously and
 * from the worker thread host functions wait on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startIpfsServer, type IpfsTestServer } from "../testing/ipfsServer.ts";
import { contentMatches, fileCid } from "./cid.ts";
import { IpfsClient } from "./client.ts";
import { IpfsEndpointError, ipfsEndpoint } from "./endpoint.ts";
import { TimeLimitExceeded, withinTimeLimit } from "../host/timeLimit.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("IPFS content", () => {
  let ipfs: IpfsTestServer;
  const clients: IpfsClient[] = [];
  const client = (url: string, options: { timeoutMs?: number; maxFileBytes?: number; missMs?: number } = {}) => {
    const made = new IpfsClient({ url, ...options });
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    ipfs = await startIpfsServer();
  });
  afterAll(async () => {
    for (const made of clients) made.close();
    await ipfs.close();
  });

  it("computes the CIDs `ipfs add` gives", () => {
    expect(fileCid(new TextEncoder().encode("hello world\n"))).toBe("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o");
    expect(fileCid(new Uint8Array())).toBe("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");
    expect(contentMatches("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o", new TextEncoder().encode("hello world"))).toBe(false);
    expect(contentMatches("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o/a.txt", new TextEncoder().encode("x"))).toBeNull();
  });

  it("tells a gateway from a node's HTTP API by the URL's path, and refuses what is not a URL", () => {
    expect(ipfsEndpoint("http://127.0.0.1:5001")).toEqual({ kind: "api", url: "http://127.0.0.1:5001" });
    expect(ipfsEndpoint("http://127.0.0.1:5001/api/v0/")).toEqual({ kind: "api", url: "http://127.0.0.1:5001" });
    expect(ipfsEndpoint("https://gw.example/ipfs/")).toEqual({ kind: "gateway", url: "https://gw.example/ipfs" });
    expect(() => ipfsEndpoint("127.0.0.1:5001")).toThrow(IpfsEndpointError);
    expect(() => ipfsEndpoint("ftp://host/ipfs")).toThrow(/not http/);
  });

  for (const kind of ["api", "gateway"] as const) {
    it(`reads files by CID through the ${kind}, synchronously and not, and keeps them`, async () => {
      const url = kind === "api" ? ipfs.apiUrl : ipfs.gatewayUrl;
      const v0 = await ipfs.add(`a file for the ${kind}`);
      const raw = await ipfs.add(`a raw file for the ${kind}`, "raw");
      const reader = client(url);
      const found = await reader.cat(v0);
      expect(found.ok && text(found.bytes)).toBe(`a file for the ${kind}`);
      const sync = reader.catSync(raw);
      expect(sync.ok && text(sync.bytes)).toBe(`a raw file for the ${kind}`);
      expect(reader.catSync(`/ipfs/${raw}`).ok).toBe(true);
      const before = await ipfs.requests(v0);
      expect(reader.catSync(v0).ok).toBe(true);
      expect(await ipfs.requests(v0)).toBe(before); // kept
      const block = reader.blockSync(v0);
      expect(block.ok && block.bytes.length).toBeGreaterThan(`a file for the ${kind}`.length);
    });
  }

  it("says a file is missing, too large, too slow, or not what its CID names", async () => {
    const reader = client(ipfs.gatewayUrl, { timeoutMs: 300, maxFileBytes: 100 });
    const missing = ipfs.cidOf("nobody has this");
    expect(await reader.cat(missing)).toMatchObject({ ok: false, reason: "not found" });
    expect(reader.catSync(missing)).toMatchObject({ ok: false, reason: "not found" });
    const large = await ipfs.add("x".repeat(101));
    expect(await reader.cat(large)).toMatchObject({ ok: false, reason: "too large" });
    expect(reader.catSync(large)).toMatchObject({ ok: false, reason: "too large" });
    const slow = await ipfs.add("slow");
    await ipfs.delay(slow, 2_000);
    expect(await reader.cat(slow)).toMatchObject({ ok: false, reason: "timeout" });
    expect(reader.catSync(slow)).toMatchObject({ ok: false, reason: "timeout" });
    const lied = ipfs.cidOf("the real content");
    await ipfs.serveAs(lied, "other content");
    expect(await reader.cat(lied)).toMatchObject({ ok: false, reason: "mismatch" });
    expect(reader.catSync("not-a-cid")).toMatchObject({ ok: false, reason: "bad path" });
    const closed = client("http://127.0.0.1:1");
    expect(await closed.cat(missing)).toMatchObject({ ok: false, reason: "unreachable" });
  });

  it("never takes the late answer of a wait a handler's time limit cut for a later request's", async () => {
    const reader = client(ipfs.gatewayUrl, { timeoutMs: 5_000 });
    const slow = await ipfs.add("answered after the handler gave up");
    const fast = await ipfs.add("answered at once");
    await ipfs.delay(slow, 300);
    expect(() => withinTimeLimit(100, () => void reader.catSync(slow))).toThrow(TimeLimitExceeded);
    await new Promise((resolve) => setTimeout(resolve, 600)); // the slow answer has arrived by now
    const next = reader.catSync(fast);
    expect(next.ok && text(next.bytes)).toBe("answered at once");
  });

  it("remembers a handler's miss briefly instead of asking again, and waits less than the handler's time limit", async () => {
    expect(new IpfsClient({ url: ipfs.gatewayUrl }).syncTimeoutMs).toBe(30_000);
    expect(new IpfsClient({ url: ipfs.gatewayUrl, timeoutMs: 5_000 }).syncTimeoutMs).toBe(5_000);
    const reader = client(ipfs.gatewayUrl, { missMs: 60_000 });
    const missing = ipfs.cidOf("a miss remembered");
    expect(reader.catSync(missing)).toMatchObject({ ok: false, reason: "not found" });
    expect(reader.catSync(missing)).toMatchObject({ ok: false, reason: "not found" });
    expect(await ipfs.requests(missing)).toBe(1);
  });

  it("aborts the fetches in flight when closed", async () => {
    const reader = client(ipfs.gatewayUrl, { timeoutMs: 10_000 });
    const slow = await ipfs.add("never waited for to the end");
    await ipfs.delay(slow, 1_500);
    const pending = reader.cat(slow);
    await new Promise((resolve) => setTimeout(resolve, 100));
    reader.close();
    expect(await pending).toEqual({ ok: false, reason: "unreachable", message: "the IPFS client is closed" });
    expect(await reader.cat(slow)).toMatchObject({ ok: false, reason: "unreachable" });
  });
});
