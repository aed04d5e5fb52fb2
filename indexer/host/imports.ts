/**
 * What a mapping's WASM asks of the host that this indexer cannot give, read from the module's import section
 * before anything runs: host functions it does not provide, and those it provides only as a refusal (IPFS).
 * graph-node links every import when it instantiates a module and fails the deployment on one it lacks.
 */
import { resolveImport } from "./module.ts";

/** Host functions this indexer links but cannot serve without a service it is not given. */
const NEEDS_SERVICE: Record<string, string> = {
  "ipfs.cat": "an IPFS node",
  "ipfs.map": "an IPFS node",
  "ipfs.getBlock": "an IPFS node",
};

/** One problem per import this host cannot honour; an empty list when it can run the module. */
export function unavailableImports(wasm: Uint8Array): string[] {
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
    else if (NEEDS_SERVICE[provided]) problems.push(`the mapping calls \`${provided}\`, which needs ${NEEDS_SERVICE[provided]}; this indexer has none`);
  }
  return problems;
}
