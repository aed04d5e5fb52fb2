/**
 * What a mapping's WASM asks of the host that this indexer cannot give, read from the module's import section
 * before anything runs: host functions it does not provide, and those that need an IPFS node it was not given.
 * graph-node links every import when it instantiates a module and fails the deployment on one it lacks.
 */
import { resolveImport } from "./module.ts";

/** Host functions served only when the indexer is given an IPFS node. */
const NEEDS_IPFS = new Set(["ipfs.cat", "ipfs.getBlock", "ipfs.map"]);

/** What the indexer was given beside the chain. */
export interface HostServices {
  /** An IPFS node or gateway. */
  ipfs: boolean;
}

/** One problem per import this host cannot honour; an empty list when it can run the module. */
export function unavailableImports(wasm: Uint8Array, services: HostServices = { ipfs: false }): string[] {
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
  } catch (error) {
    return [`the mapping is not valid WebAssembly: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.kind !== "function") {
      problems.push(`the mapping imports ${entry.kind} \`${entry.module}.${entry.name}\`; only functions can be provided`);
      continue;
    }
    const provided = resolveImport(entry.name);
    if (!provided) problems.push(`the mapping imports the host function \`${entry.name}\`, which this indexer does not provide`);
    else if (NEEDS_IPFS.has(provided) && !services.ipfs) problems.push(`the mapping calls \`${provided}\`, which needs an IPFS node: start the indexer with --ipfs <url>`);
  }
  return problems;
}
