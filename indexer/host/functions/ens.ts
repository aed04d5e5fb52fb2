/** `ens.nameByHash`: the local indexer has no ENS rainbow table, so every name is unknown (null). */
import type { HostFunctionGroup } from "../context.ts";

export const ensFunctions: HostFunctionGroup = () => ({
  "ens.nameByHash": () => 0,
});
