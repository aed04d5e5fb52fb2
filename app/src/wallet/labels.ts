/** Names for the local stack's dev accounts (storefronts, partners, the analytics tool), else short addresses. */
import { useCallback } from "react";

import { shortAddress } from "../format.ts";
import { useRuntime } from "./useDcrm.ts";

export function useLabels(): (address: string) => string {
  const runtime = useRuntime();
  return useCallback(
    (address: string) => {
      const account = runtime.kind === "local" ? runtime.accounts.find((candidate) => candidate.address.toLowerCase() === address.toLowerCase()) : undefined;
      return account ? account.label : shortAddress(address);
    },
    [runtime],
  );
}
