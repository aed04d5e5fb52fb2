// Whether a node gives call traces, asked of JSON-RPC servers that answer as geth and as a node without them do.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { ChainTraces } from "./traces.ts";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A JSON-RPC server whose every answer to `debug_traceBlockByNumber` is `error`. */
async function nodeAnswering(error: { code: number; message: string }): Promise<string> {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const { id } = JSON.parse(body) as { id: number };
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ jsonrpc: "2.0", id, error }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe("ChainTraces.unavailable", () => {
  it("takes geth's refusal to trace the genesis block for a node that traces", async () => {
    const url = await nodeAnswering({ code: -32000, message: "genesis is not traceable" });
    expect(await new ChainTraces({ url, retryCount: 0 }).unavailable()).toBeNull();
  });

  it("names the node's answer when it has no such method", async () => {
    const url = await nodeAnswering({ code: -32601, message: "the method debug_traceBlockByNumber does not exist/is not available" });
    expect(await new ChainTraces({ url, retryCount: 0 }).unavailable()).toBe(
      "debug_traceBlockByNumber with the callTracer failed: the method debug_traceBlockByNumber does not exist/is not available",
    );
  });
});
