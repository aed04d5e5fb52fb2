/** `<data dir>/seeded.json`: written when the demo history is complete, so a start knows the chain holds it. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { SeedReport } from "./seed.ts";

export interface SeedMarker {
  seed: string;
  report: SeedReport;
  seconds: number;
}

export const seedMarkerFile = (dataDir: string) => join(dataDir, "seeded.json");
const file = seedMarkerFile;

export function readSeedMarker(dataDir: string): SeedMarker | undefined {
  return existsSync(file(dataDir)) ? (JSON.parse(readFileSync(file(dataDir), "utf8")) as SeedMarker) : undefined;
}

export function writeSeedMarker(dataDir: string, marker: SeedMarker): void {
  writeFileSync(file(dataDir), `${JSON.stringify(marker, null, 2)}\n`);
}
