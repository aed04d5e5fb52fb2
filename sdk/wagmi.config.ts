/**
 * `@wagmi/cli` configuration: ABIs, per-chain addresses and React hooks generated from the Hardhat
 * artifacts and `deployments/*.json`. Run through `npm run sdk:generate` (sdk/scripts/generate.mjs), which
 * compiles the contracts first when needed and writes the rest of the generated files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { defineConfig } from "@wagmi/cli";
import { hardhat, react } from "@wagmi/cli/plugins";

const sdk = dirname(fileURLToPath(import.meta.url));
const root = join(sdk, "..");

/** The contracts the SDK talks to, by artifact name. */
export const SYSTEM_CONTRACTS = ["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"] as const;

/** Development chains: their deployments change on every run, so no address of theirs is built in. */
const DEVELOPMENT_CHAINS = new Set([31337, 1337]);

/** Each system contract's proxy per chain id, from every `deployments/<network>.json` of a public chain. */
function deployedAddresses(): Record<string, Record<number, `0x${string}`>> {
  const dir = process.env.DCRM_DEPLOYMENTS_DIR ?? join(root, "deployments");
  const addresses: Record<string, Record<number, `0x${string}`>> = {};
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith(".json"));
  } catch {
    return addresses;
  }
  for (const file of files) {
    const record = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
      chainId: number;
      contracts: Record<string, { proxy: `0x${string}` }>;
    };
    if (DEVELOPMENT_CHAINS.has(record.chainId)) continue;
    for (const [name, contract] of Object.entries(record.contracts)) {
      (addresses[name] ??= {})[record.chainId] = contract.proxy;
    }
  }
  return addresses;
}

const contracts = () =>
  hardhat({
    project: root,
    artifacts: "artifacts/contracts",
    include: SYSTEM_CONTRACTS.map((name) => `${name}.json`),
    deployments: deployedAddresses(),
    // generate.mjs compiles (only when sources changed) before wagmi runs.
    commands: { build: false, rebuild: false },
  });

export default defineConfig([
  { out: "src/generated/contracts.ts", plugins: [contracts()] },
  { out: "src/generated/react.ts", plugins: [contracts(), react()] },
]);
