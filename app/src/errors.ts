/** Errors as a person reads them: the SDK's short message (a contract error by its name), never a stack. */

/** The first line a user should see for `error`. */
export function readableError(error: unknown): string {
  if (error === null || error === undefined) return "Something went wrong.";
  if (typeof error === "string") return error;
  const value = error as { shortMessage?: unknown; message?: unknown; name?: unknown; cause?: unknown };
  // viem and the SDK both carry a short message; a wallet's refusal says so.
  if (typeof value.name === "string" && /UserRejected/.test(value.name)) return "You declined the request in your wallet.";
  if (typeof value.shortMessage === "string" && value.shortMessage) return value.shortMessage;
  if (typeof value.message === "string" && value.message) {
    const firstLine = value.message.split("\n")[0]!.trim();
    if (/Failed to fetch|NetworkError|fetch failed/i.test(firstLine)) return "The network did not answer. Is the local stack running (`npm start`)?";
    return firstLine;
  }
  return String(error);
}
