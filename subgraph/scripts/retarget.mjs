// Points a built subgraph at another deployment without rebuilding it: the WASM does not depend on addresses,
// so a copy of subgraph/build/ with the manifest's addresses, start blocks and network replaced is the build
// `graph build --network <other>` would have written. Used where a deployment exists only for one run (the
// subgraph test's in-process chain, the indexer benchmark).
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { parse, stringify } from "yaml";

/**
 * Copies `buildDir` to `outDir` with each data source at `contracts[name]` ({ address, startBlock }) on `network`.
 * @returns outDir
 */
export async function retargetBuild(buildDir, outDir, contracts, network) {
  await cp(buildDir, outDir, { recursive: true });
  const manifest = parse(await readFile(join(outDir, "subgraph.yaml"), "utf8"));
  for (const source of manifest.dataSources) {
    const target = contracts[source.name];
    if (!target) throw new Error(`retarget: no address for data source ${source.name}`);
    source.network = network;
    source.source.address = target.address;
    source.source.startBlock = target.startBlock;
  }
  await writeFile(join(outDir, "subgraph.yaml"), stringify(manifest));
  return outDir;
}
