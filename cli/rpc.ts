/** Plain JSON-RPC and GraphQL requests with a time limit, for the checks the commands make. */

/** The result of one JSON-RPC call; throws when the node does not answer or answers an error. */
export async function jsonRpc<T = unknown>(url: string, method: string, params: unknown[] = [], timeoutMs = 5_000): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Whether a JSON-RPC node answers at `url`. */
export async function nodeAnswers(url: string): Promise<boolean> {
  return jsonRpc(url, "eth_chainId", [], 2_000).then(
    () => true,
    () => false,
  );
}

export interface GraphQLAnswer<T> {
  data?: T;
  errors?: { message: string }[];
}

/** One GraphQL query; throws when nothing answers. */
export async function graphql<T = unknown>(url: string, query: string, timeoutMs = 5_000): Promise<GraphQLAnswer<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return (await response.json()) as GraphQLAnswer<T>;
}

/** Waits until `check` resolves true; false when `timeoutMs` passes or `gaveUp` says to stop first. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) return false;
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
