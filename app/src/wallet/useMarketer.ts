/** The SDK's typed marketer client over the subgraph's GraphQL endpoint of this runtime. */
import { createMarketerClient, type MarketerClient } from "@dcrm/sdk";
import { useMemo } from "react";

import { useRuntime } from "./useDcrm.ts";

export function useMarketer(): MarketerClient | undefined {
  const runtime = useRuntime();
  return useMemo(() => (runtime.graphqlUrl ? createMarketerClient({ endpoint: runtime.graphqlUrl }) : undefined), [runtime]);
}
