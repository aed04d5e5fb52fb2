/**
 * The dashboard beside GraphQL: app/dist served as static files, with what the built app cannot know
 * (`/config.json`: the deployment, the dev accounts, the endpoints), the chain's JSON-RPC and the subgraph's
 * GraphQL proxied under the same origin (`/rpc`, `/graphql`), and the consent relayer (`POST /relay`).
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";

import type { Relay } from "./relayer.ts";

export interface AppServerOptions {
  /** The built app (app/dist). */
  distDir: string;
  port: number;
  rpc: string;
  graphqlEndpoint: string;
  /** What `/config.json` serves besides the endpoints. */
  config: { chainId: number; deployment: unknown; accounts: { address: string; label: string; code?: string }[] };
  relay: Relay;
}

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};
const BODY_LIMIT = 1_000_000;

async function readBody(request: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of request) {
    body += chunk;
    if (body.length > BODY_LIMIT) throw new Error("request body too large");
  }
  return body;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  response.end(body);
}

const sendJson = (response: ServerResponse, status: number, value: unknown) => send(response, status, "application/json", JSON.stringify(value));

async function proxy(request: IncomingMessage, response: ServerResponse, target: string): Promise<void> {
  if (request.method !== "POST") return sendJson(response, 405, { error: "POST only" });
  const answer = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: await readBody(request), signal: AbortSignal.timeout(60_000) });
  send(response, answer.status, answer.headers.get("content-type") ?? "application/json", await answer.text());
}

function serveFile(request: IncomingMessage, response: ServerResponse, distDir: string): void {
  const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
  let file = normalize(join(distDir, path));
  if (!file.startsWith(distDir + sep) && file !== distDir) return send(response, 404, "text/plain", "not found");
  // Paths without a file are the app's own: its index.html.
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(distDir, "index.html");
  const hashed = /[.-][A-Za-z0-9_-]{8,}\.(js|css)$/.test(file);
  response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache" });
  createReadStream(file).pipe(response);
}

/** Starts the server on 127.0.0.1:`port`; rejects when the port is taken. */
export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const config = JSON.stringify({ ...options.config, rpcUrl: "rpc", graphqlUrl: "graphql", relayUrl: "relay" });
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const handled = (async () => {
      if (path === "/config.json") return send(response, 200, "application/json", config);
      if (path === "/rpc") return proxy(request, response, options.rpc);
      if (path === "/graphql") return proxy(request, response, options.graphqlEndpoint);
      if (path === "/relay") {
        if (request.method !== "POST") return sendJson(response, 405, { error: "POST only" });
        let body: unknown;
        try {
          body = JSON.parse(await readBody(request));
        } catch {
          return sendJson(response, 400, { error: "the body is not JSON" });
        }
        try {
          return sendJson(response, 200, await options.relay(body));
        } catch (error) {
          const message = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message.split("\n")[0];
          return sendJson(response, 400, { error: message });
        }
      }
      return serveFile(request, response, options.distDir);
    })();
    handled.catch((error: Error) => {
      if (!response.headersSent) sendJson(response, 502, { error: error.message });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${options.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
