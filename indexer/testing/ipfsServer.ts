/**
 * Test support: a small HTTP server that stands in for an IPFS node. It serves files by their real CIDs (as
 * `ipfs add` computes them for a file of one chunk) both as a node's HTTP API (`POST /api/v0/cat?arg=`,
 * `/api/v0/block/get`) and as a gateway (`GET /ipfs/<cid>`, `?format=raw` for the block). A test can hold a
 * file back (it is then missing, as content no peer has), slow it down, or serve other bytes under a CID.
 *
 * It runs in a worker thread: `ipfs.cat` waits for its answer with the test's own thread asleep.
 */
import { Worker } from "node:worker_threads";

import { fileBlock, fileCid } from "../ipfs/cid.ts";

export interface IpfsTestServer {
  /** The HTTP API root, `http://127.0.0.1:<port>`. */
  apiUrl: string;
  /** The gateway, `http://127.0.0.1:<port>/ipfs`. */
  gatewayUrl: string;
  /** Serves `content` (a string as UTF-8) and returns its CID (`v0`: `Qm…`; `raw`: CIDv1 with the raw codec). */
  add(content: string | Uint8Array, form?: "v0" | "raw"): Promise<string>;
  /** Serves `content` under `cid` whatever it hashes to (a node that lies). */
  serveAs(cid: string, content: string | Uint8Array): Promise<void>;
  /** The CID `content` would have, without serving it (content no peer has yet). */
  cidOf(content: string | Uint8Array, form?: "v0" | "raw"): string;
  /** Answers requests for `cid` only after `ms`. */
  delay(cid: string, ms: number): Promise<void>;
  /** How many times `cid` was asked for. */
  requests(cid: string): Promise<number>;
  close(): Promise<void>;
}

const SERVER = `
const { parentPort } = require("node:worker_threads");
const { createServer } = require("node:http");
const files = new Map();
const delays = new Map();
const counts = new Map();
const server = createServer(async (request, response) => {
  const url = new URL(request.url || "/", "http://localhost");
  const api = url.pathname === "/api/v0/cat" || url.pathname === "/api/v0/block/get";
  const gateway = url.pathname.startsWith("/ipfs/");
  if ((api && request.method !== "POST") || (gateway && request.method !== "GET") || (!api && !gateway)) {
    response.writeHead(405).end(request.method + " " + url.pathname + " is not served");
    return;
  }
  const path = api ? (url.searchParams.get("arg") || "") : decodeURIComponent(url.pathname.slice(6));
  const cid = path.replace(/^\\/?ipfs\\//, "").split("/")[0];
  counts.set(cid, (counts.get(cid) || 0) + 1);
  const wait = delays.get(cid);
  if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
  const file = files.get(cid);
  if (response.destroyed) return;
  if (!file) {
    if (api) response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ Message: "block " + cid + " not found", Code: 0, Type: "error" }));
    else response.writeHead(404).end(cid + " not found");
    return;
  }
  const body = url.pathname === "/api/v0/block/get" || url.searchParams.get("format") === "raw" ? file.block : file.content;
  response.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
});
parentPort.on("message", ({ id, op, cid, content, block, ms }) => {
  if (op === "serve") files.set(cid, { content: Buffer.from(content), block: Buffer.from(block) });
  if (op === "delay") delays.set(cid, ms);
  if (op === "close") return server.close(() => parentPort.postMessage({ id }));
  parentPort.postMessage({ id, value: op === "requests" ? counts.get(cid) || 0 : undefined });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
`;

const bytesOf = (content: string | Uint8Array) => (typeof content === "string" ? new TextEncoder().encode(content) : content);

export async function startIpfsServer(): Promise<IpfsTestServer> {
  const worker = new Worker(SERVER, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", (message: { port: number }) => resolve(message.port));
    worker.once("error", reject);
  });
  let nextId = 1;
  const pending = new Map<number, (value: unknown) => void>();
  worker.on("message", (message: { id?: number; value?: unknown }) => {
    if (message.id !== undefined) pending.get(message.id)?.(message.value);
    pending.delete(message.id!);
  });
  const ask = (message: Record<string, unknown>) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      worker.postMessage({ id, ...message });
    });
  const base = `http://127.0.0.1:${port}`;
  return {
    apiUrl: base,
    gatewayUrl: `${base}/ipfs`,
    async add(content, form = "v0") {
      const bytes = bytesOf(content);
      const cid = fileCid(bytes, form);
      await ask({ op: "serve", cid, content: bytes, block: form === "raw" ? bytes : fileBlock(bytes) });
      return cid;
    },
    async serveAs(cid, content) {
      const bytes = bytesOf(content);
      await ask({ op: "serve", cid, content: bytes, block: bytes });
    },
    cidOf: (content, form = "v0") => fileCid(bytesOf(content), form),
    delay: async (cid, ms) => void (await ask({ op: "delay", cid, ms })),
    requests: async (cid) => (await ask({ op: "requests", cid })) as number,
    async close() {
      await ask({ op: "close" });
      await worker.terminate();
    },
  };
}
