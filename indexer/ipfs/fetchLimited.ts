/**
 * One HTTP request for IPFS content under a time limit and a size limit. Self-contained (no imports, no
 * outside names), because the worker thread of `syncIpfs.ts` runs its source text too.
 */

/** What a request for content came to. */
export type FetchOutcome =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: "not found" | "timeout" | "too large" | "unreachable"; message: string };

/** Sends `request`; reads the body unless it is over `maxBytes`; gives up after `timeoutMs` in all. */
export async function fetchLimited(request: { url: string; method: string }, timeoutMs: number, maxBytes: number, signal?: AbortSignal): Promise<FetchOutcome> {
  const controller = new AbortController();
  if (signal?.aborted) return { ok: false, reason: "unreachable", message: "the IPFS client is closed" };
  signal?.addEventListener("abort", () => controller.abort(), { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  // A pending request must not keep the process alive on its own.
  (timer as { unref?: () => void }).unref?.();
  try {
    const response = await fetch(request.url, { method: request.method, signal: controller.signal });
    if (!response.ok) {
      // Only the start of an error body is kept: it may be a large page, and nobody reads past it.
      const start = response.body ? (await response.body.getReader().read()).value : undefined;
      controller.abort();
      const text = new TextDecoder().decode((start ?? new Uint8Array()).subarray(0, 200));
      return { ok: false, reason: "not found", message: `HTTP ${response.status} ${text}`.trim() };
    }
    const declared = Number(response.headers.get("content-length") ?? NaN);
    if (declared > maxBytes) {
      controller.abort();
      return { ok: false, reason: "too large", message: `the file is ${declared} bytes, over the limit of ${maxBytes}` };
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        controller.abort();
        return { ok: false, reason: "too large", message: `the file is over the limit of ${maxBytes} bytes` };
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return { ok: true, bytes };
  } catch (error) {
    if (timedOut) return { ok: false, reason: "timeout", message: `no answer within ${timeoutMs} ms` };
    if (signal?.aborted) return { ok: false, reason: "unreachable", message: "the IPFS client is closed" };
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { ok: false, reason: "unreachable", message: `${(error as Error).message}${cause ? ` (${cause})` : ""}` };
  } finally {
    clearTimeout(timer);
  }
}
