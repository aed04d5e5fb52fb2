/** Copies `buildDir` to `outDir` with each data source at `contracts[name]` on `network`; returns outDir. */
export function retargetBuild(
  buildDir: string,
  outDir: string,
  contracts: Record<string, { address: string; startBlock: number }>,
  network: string,
): Promise<string>;
