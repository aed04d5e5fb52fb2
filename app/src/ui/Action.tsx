/**
 * A button that runs one of the SDK's actions: disabled while it runs, then the outcome in words (the
 * transaction, or the error's short message), announced to screen readers.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { readableError } from "../errors.ts";

export function Action({ label, run, disabled, done = "Done.", testId }: { label: ReactNode; run: () => Promise<unknown>; disabled?: boolean; done?: string; testId?: string }) {
  const queryClient = useQueryClient();
  const mutation = useMutation({ mutationFn: run, onSettled: () => queryClient.invalidateQueries() });
  return (
    <span className="action">
      <button type="button" onClick={() => mutation.mutate()} disabled={disabled || mutation.isPending} data-testid={testId}>
        {mutation.isPending ? "Working…" : label}
      </button>
      <span className="action-outcome" role="status" aria-live="polite">
        {mutation.isError ? <span className="error">{readableError(mutation.error)}</span> : mutation.isSuccess ? <span className="success">{done}</span> : null}
      </span>
    </span>
  );
}
