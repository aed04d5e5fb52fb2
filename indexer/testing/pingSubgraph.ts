/**
 * Test support: builds the Ping fixture subgraph (ping-subgraph/) for one deployment with graph-cli, offline,
 * into a temporary folder, exactly as a user's `graph codegen && graph build` would.
 */
import { join } from "node:path";

import { buildSubgraph } from "./buildSubgraph.ts";

/** Returns the build folder (holding subgraph.yaml) for a Ping contract at `address` from `startBlock`. */
export function buildPingSubgraph(address: string, startBlock: number): string {
  return buildSubgraph(join(import.meta.dirname, "ping-subgraph"), { address, startBlock });
}
