/** The background fetcher of file data sources' files, against a real HTTP server standing in for an IPFS node. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startIpfsServer, type IpfsTestServer } from "../testing/ipfsServer.ts";
import { IpfsClient } from "./client.ts";
import { FileFetcher } from "./fileFetcher.ts";

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

describe("FileFetcher", () => {
  let ipfs: IpfsTestServer;
  let client: IpfsClient;

  beforeAll(async () => {
    ipfs = await startIpfsServer();
    client = new IpfsClient({ url: ipfs.apiUrl, timeoutMs: 2_000, cacheFiles: 0 });
  });
  afterAll(async () => {
    client.close();
    await ipfs.close();
  });

  async function found(fetcher: FileFetcher, path: string): Promise<Uint8Array> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const content = fetcher.content(path);
      if (content) return content;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`${path} was not found`);
  }

  it("releases a found file once it is no longer wanted, so that nothing is left found", async () => {
    const fetcher = new FileFetcher(client, { retryMs: 10 });
    const first = await ipfs.add("released after its run");
    const second = await ipfs.add("still waited for");
    fetcher.want([first, second]);
    expect(text(await found(fetcher, first))).toBe("released after its run");
    await found(fetcher, second);
    expect(fetcher.anyFound).toBe(true);
    // The data sources of `first` ran: only `second` is still wanted.
    fetcher.want([second]);
    expect(fetcher.content(first)).toBeUndefined();
    expect(text(fetcher.content(second))).toBe("still waited for");
    fetcher.want([]);
    expect(fetcher.content(second)).toBeUndefined();
    expect(fetcher.anyFound).toBe(false);
    fetcher.close();
  });
});
