/**
 * Test support: a JSON-RPC relay in front of a real node, which a test can switch off (503) or have answer some
 * requests itself, to play the endpoints users meet (outages, providers that cap eth_getLogs, rate limits).
 */
import { createServer, type Server } from "node:http";

/** What the relay answers instead of the node, or undefined to pass the request on. */
export type Intercept = (request: { method: string; params: unknown[] }) => { status: number; body: unknown } | undefined;

export interface Relay {
  url: string;
  /** When false, every request answers 503. */
  up: boolean;
  intercept: Intercept | undefined;
  close(): Promise<void>;
}

export async function startRelay(target: string): Promise<Relay> {
  const relay: Relay = { url: "", up: true, intercept: undefined, close: async () => {} };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (!relay.up) {
      response.writeHead(503).end("down");
      return;
    }
    const body = Buffer.concat(chunks);
    const parsed = JSON.parse(body.toString()) as { id: number; method: string; params: unknown[] };
    const own = relay.intercept?.(parsed);
    if (own) {
      const payload = own.status === 200 ? { jsonrpc: "2.0", id: parsed.id, ...(own.body as object) } : own.body;
      response.writeHead(own.status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      return;
    }
    const answer = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
    response.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  relay.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  relay.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return relay;
}
