/**
 * subgraph/mappings.ts, the one module every data source's mapping points at (subgraph/scripts/prepare.mjs):
 * `graph build` compiles it once. Each handler the manifest names must be exported by it, once, from the
 * mapping file that defines it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { dataSources, handlerNames, mappingsModule, subgraphDir } from "../subgraph/scripts/prepare.mjs";

/** `exported name → "<mapping>:<handler>"` as the module re-exports them. */
function reexports(module: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const block of module.matchAll(/export \{([^}]*)\} from "\.\/src\/mappings\/(\w+)";/g)) {
    for (const entry of block[1]!.split(",").map((part) => part.trim()).filter(Boolean)) {
      const [handler, alias] = entry.split(/\s+as\s+/);
      const name = alias ?? handler!;
      expect(found.has(name), `${name} exported twice`).toBe(false);
      found.set(name, `${block[2]}:${handler}`);
    }
  }
  return found;
}

describe("subgraph/mappings.ts", () => {
  const names = handlerNames();
  const exported = reexports(mappingsModule());

  it("gives every handler of every data source a name of its own", () => {
    const all = names.flatMap((byEvent) => Object.values(byEvent));
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(dataSources.reduce((sum, source) => sum + source.events.length, 0));
    // Events two contracts share keep their plain name in the first and get the contract's name in the next.
    const rewardToken = dataSources.findIndex((source) => source.name === "RewardToken");
    const payments = dataSources.findIndex((source) => source.name === "DataAccessPayments");
    expect(names[rewardToken]!.Paused).toBe("handlePaused");
    expect(names[payments]!.Paused).toBe("handleDataAccessPaymentsPaused");
  });

  it("exports each manifest handler from the mapping file that defines it", () => {
    for (const [i, source] of dataSources.entries()) {
      const code = readFileSync(join(subgraphDir, "src", "mappings", `${source.mapping}.ts`), "utf8");
      for (const event of source.events) {
        expect(exported.get(names[i]![event]!), `${source.mapping}: ${event}`).toBe(`${source.mapping}:handle${event}`);
        expect(code, `${source.mapping}.ts defines handle${event}`).toMatch(new RegExp(`export function handle${event}\\(`));
      }
    }
    expect(exported.size).toBe(names.flatMap((byEvent) => Object.values(byEvent)).length);
  });
});
