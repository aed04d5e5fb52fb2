/**
 * The two build scopes of scripts/build-contracts.mjs: `deployed` (what `npm start` and the subgraph build
 * compile) must hold every contract deploy/ deploys, and builds it for real; a build of everything covers it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

import { describe, expect, it } from "vitest";

import { contractsCurrent, contractsFingerprint, DEPLOYED_SOURCES, ensureContracts, root, stampFile } from "./build-contracts.mjs";

/** The contract names deploy/ deploys: through its UUPS proxy helper, or as a plain contract. */
function deployedByDeploy(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(join(root, "deploy")).filter((name) => name.endsWith(".ts"))) {
    const source = readFileSync(join(root, "deploy", file), "utf8");
    for (const match of source.matchAll(/deployUupsProxy\([^,]+,[^,]+,\s*"(\w+)"|deployContract\("(\w+)"/g)) names.add((match[1] ?? match[2])!);
  }
  return [...names].sort();
}

describe("build-contracts scopes", () => {
  it("compiles in the deployed scope every contract deploy/ deploys", () => {
    const deployed = deployedByDeploy();
    expect(deployed).toEqual(expect.arrayContaining(["ConsentRegistry", "DataAccessPayments", "ReferralEscrow", "RewardToken", "TestToken"]));
    expect(DEPLOYED_SOURCES.map((source: string) => basename(source, ".sol")).sort()).toEqual(deployed);
    for (const source of DEPLOYED_SOURCES) expect(existsSync(join(root, source)), source).toBe(true);
  });

  it("builds the deployed scope (artifacts of each deployed contract, its stamp current) and leaves it current", () => {
    ensureContracts({ scope: "deployed", log: () => {} });
    for (const source of DEPLOYED_SOURCES) {
      const name = basename(source, ".sol");
      expect(existsSync(join(root, "artifacts", source, `${name}.json`)), name).toBe(true);
    }
    expect(contractsCurrent("deployed")).toBe(true);
    expect(ensureContracts({ scope: "deployed", log: () => {} }).built).toBe(false);
    // Each scope keeps its own stamp; the scopes hash different sources (the deployed one leaves test/ out).
    expect(stampFile("deployed")).not.toBe(stampFile("all"));
    expect(contractsFingerprint("deployed")).not.toBe(contractsFingerprint("all"));
  }, 600_000);
});
