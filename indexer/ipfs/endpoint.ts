/**
 * Where IPFS content is asked for. One option names either an IPFS node's HTTP API or a gateway, told apart
 * by the URL's path: one that ends in `/ipfs` is a gateway (`GET <url>/<cid>`, raw blocks with
 * `?format=raw`), anything else is the root of a node's HTTP API (`POST /api/v0/cat?arg=<cid>`,
 * `/api/v0/block/get`), as kubo serves it on port 5001.
 */

/** An `--ipfs` URL that cannot be used. */
export class IpfsEndpointError extends Error {
  override name = "IpfsEndpointError";
}

export interface IpfsEndpoint {
  kind: "api" | "gateway";
  /** The URL as given, without a trailing slash. */
  url: string;
}

/** Reads an `--ipfs` URL: `http(s)://host:port` (an API), `…/api/v0` (the same), or `…/ipfs` (a gateway). */
export function ipfsEndpoint(url: string): IpfsEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new IpfsEndpointError(`the IPFS URL \`${url}\` is not a URL: give a node's HTTP API (http://127.0.0.1:5001) or a gateway (https://host/ipfs)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new IpfsEndpointError(`the IPFS URL \`${url}\` is not http(s): give a node's HTTP API (http://127.0.0.1:5001) or a gateway (https://host/ipfs)`);
  }
  const path = parsed.pathname.replace(/\/+$/, "");
  if (path.endsWith("/ipfs")) return { kind: "gateway", url: `${parsed.origin}${path}` };
  return { kind: "api", url: `${parsed.origin}${path.replace(/\/api\/v0$/, "")}` };
}

/** The request for a file's content (`cat`) or a block's raw bytes (`block`) at `path` (`<cid>[/path]`). */
export function ipfsRequest(endpoint: IpfsEndpoint, what: "cat" | "block", path: string): { url: string; method: string } {
  if (endpoint.kind === "gateway") {
    const target = `${endpoint.url}/${path.split("/").map(encodeURIComponent).join("/")}`;
    return { url: what === "block" ? `${target}?format=raw` : target, method: "GET" };
  }
  const route = what === "block" ? "block/get" : "cat";
  return { url: `${endpoint.url}/api/v0/${route}?arg=${encodeURIComponent(path)}`, method: "POST" };
}
