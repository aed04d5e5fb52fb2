/**
 * The dashboard's server on its own: the built files with the app's own paths falling back to index.html,
 * nothing outside the build folder, /config.json, the chain and GraphQL proxied, and the relayer's answers
 * (a hash, or the reason in words) for what a shopper signed.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { freePort } from "../../test/support/freePort.ts";
import { parseSignedConsent } from "./relayer.ts";
import { type AppServer, startAppServer } from "./server.ts";

let dist: string;
let app: AppServer;
let upstream: Server;
const relayed: unknown[] = [];

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), "dcrm-app-"));
  await mkdir(join(dist, "assets"));
  await writeFile(join(dist, "index.html"), "<!doctype html><title>dCRM</title>");
  await writeFile(join(dist, "assets", "index-abcdef12.js"), "console.log(1)");
  // One upstream for both the chain and GraphQL: it echoes what it was sent.
  upstream = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ path: request.url, body: JSON.parse(body) }));
    });
  });
  const upstreamPort = await freePort();
  await new Promise<void>((resolve) => upstream.listen(upstreamPort, "127.0.0.1", resolve));
  app = await startAppServer({
    distDir: dist,
    port: await freePort(),
    rpc: `http://127.0.0.1:${upstreamPort}/chain`,
    graphqlEndpoint: `http://127.0.0.1:${upstreamPort}/subgraphs/name/dcrm`,
    config: { chainId: 31337, deployment: { chainId: 31337 }, accounts: [{ address: "0x0000000000000000000000000000000000000001", label: "admin" }] },
    relay: async (body) => {
      const signed = parseSignedConsent(body);
      relayed.push(signed);
      if (signed.message.deadline === 0n) throw Object.assign(new Error("long\ndetails"), { shortMessage: "SignatureExpired(0)" });
      return { hash: "0xabc" };
    },
  });
});

afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => upstream?.close(resolve));
  await rm(dist, { recursive: true, force: true });
});

const post = (path: string, body: unknown) => fetch(new URL(path, app.url), { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("the dashboard's server", () => {
  it("serves the build, the app's own paths as index.html, and nothing outside the build folder", async () => {
    const index = await fetch(app.url);
    expect(index.headers.get("content-type")).toMatch(/text\/html/);
    expect(await index.text()).toContain("<title>dCRM</title>");
    const asset = await fetch(new URL("assets/index-abcdef12.js", app.url));
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);
    expect(await (await fetch(new URL("some/page", app.url))).text()).toContain("<title>dCRM</title>");
    expect((await fetch(new URL("/..%2f..%2fetc%2fpasswd", app.url))).status).toBe(404);
  });

  it("serves the runtime configuration with endpoints relative to the page", async () => {
    const config = await (await fetch(new URL("config.json", app.url))).json();
    expect(config).toMatchObject({ chainId: 31337, rpcUrl: "rpc", graphqlUrl: "graphql", relayUrl: "relay", accounts: [{ label: "admin" }] });
  });

  it("proxies JSON-RPC to the node and queries to the subgraph", async () => {
    expect(await (await post("rpc", { method: "eth_chainId" })).json()).toEqual({ path: "/chain", body: { method: "eth_chainId" } });
    expect(await (await post("graphql", { query: "{ _meta { deployment } }" })).json()).toEqual({ path: "/subgraphs/name/dcrm", body: { query: "{ _meta { deployment } }" } });
    expect((await fetch(new URL("rpc", app.url))).status).toBe(405);
  });

  it("relays a signed consent and answers its hash, or why it was refused", async () => {
    const message = { shopper: "0x01", consumer: "0x02", scope: "0x03", pricePerAccess: "10", expiresAt: "99", nonce: "0", deadline: "100" };
    expect(await (await post("relay", { kind: "grant", message, signature: "0x99" })).json()).toEqual({ hash: "0xabc" });
    expect(relayed[0]).toEqual({ kind: "grant", message: { ...message, pricePerAccess: 10n, expiresAt: 99, nonce: 0n, deadline: 100n }, signature: "0x99" });
    const expired = await post("relay", { kind: "revocation", message: { ...message, deadline: "0" }, signature: "0x99" });
    expect(expired.status).toBe(400);
    expect(await expired.json()).toEqual({ error: "SignatureExpired(0)" });
    const malformed = await post("relay", { kind: "gift" });
    expect(await malformed.json()).toEqual({ error: 'expected { kind: "grant" | "revocation", message, signature }' });
    expect(await (await post("relay", "not json")).json()).toEqual({ error: "the body is not JSON" });
  });
});
