/** The three states every figure has besides its value: loading, empty and failed. */
import type { ReactNode } from "react";

import { readableError } from "../errors.ts";

export function Loading({ what }: { what: string }) {
  return (
    <p className="status" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="status empty">{children}</p>;
}

export function ErrorNote({ error, title = "Could not load this" }: { error: unknown; title?: string }) {
  return (
    <p className="status error" role="alert">
      <strong>{title}:</strong> {readableError(error)}
    </p>
  );
}

/** Renders `children(data)` once loaded, or the state that applies. */
export function Async<T>({ query, what, empty, children }: { query: { data: T | undefined; error: unknown; isLoading: boolean }; what: string; empty?: (data: T) => boolean; children: (data: T) => ReactNode }) {
  if (query.error) return <ErrorNote error={query.error} title={`Could not load ${what}`} />;
  if (query.isLoading || query.data === undefined) return <Loading what={what} />;
  if (empty?.(query.data)) return <Empty>No {what} yet.</Empty>;
  return <>{children(query.data)}</>;
}
