#!/usr/bin/env node
// Writes test/contracts/upgradeV1/<Contract>.json: the first released version (v1) of each deployed contract,
// as compiled at a commit (default: V1_COMMIT), with its ABI, creation bytecode and the storage layout that
// OpenZeppelin's upgrades plugin records for it. test/contracts/upgrade.fromV1.ts deploys these bytecodes,
// writes state through them, and upgrades them with the repository's upgrade path (deploy/upgrade.ts), which
// validates the current contracts' layouts against the stored ones.
//
//   node scripts/upgrade-v1-fixture.mjs [commit]
//
// The commit's contracts are compiled in a temporary folder with its own hardhat.config.ts and this
// checkout's node_modules (same solc, same OpenZeppelin), so the bytecode is that commit's deployable one.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import upgradesCore from "@openzeppelin/upgrades-core";

const { getStorageLayout, getVersion } = upgradesCore;

/** The last commit before issue 13's hardening: the contracts as first released. */
export const V1_COMMIT = "e9e7a6e";
const CONTRACTS = {
  RewardToken: "reward/RewardToken.sol",
  ReferralEscrow: "referral/ReferralEscrow.sol",
  ConsentRegistry: "consent/ConsentRegistry.sol",
  DataAccessPayments: "dataAccess/DataAccessPayments.sol",
};

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const commit = process.argv[2] ?? V1_COMMIT;
const work = mkdtempSync(join(tmpdir(), "dcrm-v1-"));
try {
  const archive = execFileSync("git", ["archive", commit, "contracts", "hardhat.config.ts", "package.json", "tsconfig.json"], { cwd: root });
  execFileSync("tar", ["-x", "-C", work], { input: archive });
  // Only the deployed contracts: mocks and tests are not part of a release.
  rmSync(join(work, "contracts", "mocks"), { recursive: true, force: true });
  mkdirSync(join(work, "test"), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(work, "node_modules"));
  const bin = join(root, "node_modules", ".bin");
  execFileSync("hardhat", ["build"], { cwd: work, stdio: "inherit", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });

  const validations = JSON.parse(readFileSync(join(work, "cache", "validations.json"), "utf8"));
  const out = join(root, "test", "contracts", "upgradeV1");
  mkdirSync(out, { recursive: true });
  for (const [name, source] of Object.entries(CONTRACTS)) {
    const artifact = JSON.parse(readFileSync(join(work, "artifacts", "contracts", source, `${name}.json`), "utf8"));
    const layout = getStorageLayout(validations, getVersion(artifact.bytecode));
    const fixture = { contractName: name, commit: execFileSync("git", ["rev-parse", commit], { cwd: root, encoding: "utf8" }).trim(), abi: artifact.abi, bytecode: artifact.bytecode, layout };
    writeFileSync(join(out, `${name}.json`), `${JSON.stringify(fixture)}\n`);
    console.log(`upgrade-v1-fixture: ${name} of ${commit} written (${layout.storage.length} slots, ${Object.keys(layout.namespaces ?? {}).length} namespaces)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
