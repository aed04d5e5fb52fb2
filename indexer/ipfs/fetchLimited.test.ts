/** One limited request against a real HTTP server that answers an error with a large body. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { fetchLimited } from "./fetchLimited.ts";

describe("fetchLimited", () => {
  let server: Server;
  let url: string;
  let sent = 0;

  beforeAll(async () => {
    server = createServer((_, response) => {
      response.writeHead(404, { "content-type": "text/plain" });
      // A body far larger than what is read: written in chunks while the client still listens.
      const chunk = "e".repeat(64 * 1024);
      const write = () => {
        while (sent < 64 && response.write(chunk)) sent++;
        if (sent >= 64) response.end();
        else response.once("drain", write);
      };
      write();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("keeps at most 200 bytes of an error body and does not read the rest", async () => {
    const outcome = await fetchLimited({ url, method: "GET" }, 5_000, 1_000);
    expect(outcome).toMatchObject({ ok: false, reason: "not found" });
    expect((outcome as { message: string }).message).toBe(`HTTP 404 ${"e".repeat(200)}`);
    expect(sent).toBeLessThan(64);
  });
});
