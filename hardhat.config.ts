import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatUpgrades from "@openzeppelin/hardhat-upgrades";
import { configVariable, defineConfig, task } from "hardhat/config";

const require = createRequire(import.meta.url);

/**
 * The compiler is the npm package `solc` (its JavaScript build), so builds never download a compiler and
 * every machine compiles with the same bytes.
 */
const solc = {
  version: (require("solc/package.json") as { version: string }).version,
  path: require.resolve("solc/soljson.js"),
};

/**
 * RewardToken optimized for the most runs would pass the 24,576-byte code size limit (EIP-170), so it is
 * optimized for 800 runs (2,000 passed the limit once pending points counted toward the supply cap, 1,500 once
 * storefronts got signer keys); its hot paths are written so that this costs them nothing (`npm run bench:gas`).
 * Its test-only upgrade targets are larger still and only need to deploy. Everything else is optimized for
 * the cheapest calls.
 */
const REWARD_TOKEN_RUNS = 800;
/**
 * ReferralEscrow, likewise: its books, owner-only claims and guards took it past the limit at the most runs, and
 * signer keys past it at 10,000 runs; at 2,000 runs it is 24,050 bytes.
 */
const REFERRAL_ESCROW_RUNS = 2000;
const sizeBoundSources: Record<string, number> = {
  "contracts/referral/ReferralEscrow.sol": REFERRAL_ESCROW_RUNS,
  "contracts/mocks/ReferralEscrowV2.sol": 200,
  ...Object.fromEntries(
    [
      "test/contracts/ReferralEscrow.fuzz.t.sol",
      "test/contracts/ReferralEscrow.issuerKeys.t.sol",
      "test/contracts/ReferralEscrow.invariant.t.sol",
      "test/contracts/ReferralEscrow.reentrancy.t.sol",
      "test/contracts/ReferralSlot.t.sol",
      "test/contracts/ReferralWords.t.sol",
      "test/contracts/handlers/ReferralEscrowHandler.sol",
      "test/contracts/utils/ReferralEscrowDeployment.sol",
    ].map((source) => [source, REFERRAL_ESCROW_RUNS]),
  ),
  "contracts/reward/RewardToken.sol": REWARD_TOKEN_RUNS,
  "contracts/mocks/RewardTokenV2.sol": 200,
  "contracts/mocks/RewardTokenLayoutBreaker.sol": 200,
  // Solidity tests compile RewardToken with their own settings: the same runs, so they test the same bytecode.
  ...Object.fromEntries(
    [
      "test/contracts/RewardToken.fuzz.t.sol",
      "test/contracts/RewardToken.invariant.t.sol",
      "test/contracts/RewardToken.capPeriodChange.t.sol",
      "test/contracts/RewardToken.policies.t.sol",
      "test/contracts/RewardToken.issuerKeys.t.sol",
      "test/contracts/RewardWords.t.sol",
      "test/contracts/handlers/RewardTokenHandler.sol",
      "test/contracts/utils/RewardTokenDeployment.sol",
    ].map((source) => [source, REWARD_TOKEN_RUNS]),
  ),
};

function compiler(runs: number) {
  return { ...solc, settings: { evmVersion: "osaka", viaIR: false, optimizer: { enabled: true, runs } } };
}

/** `npm run deploy` and `npm run upgrade` (deploy/tasks/). */
const tasks = [
  task("deploy", "Deploys, wires and records the dCRM contracts from deploy/config/<network>.json")
    .setAction(() => import("./deploy/tasks/deploy.js"))
    .build(),
  task("upgrade", "Validates and prints the upgrade plan of the recorded contracts; --apply carries it out")
    .addFlag({ name: "apply", description: "Carry out the plan" })
    .setAction(() => import("./deploy/tasks/upgrade.js"))
    .build(),
];

/**
 * A public network: its RPC URL and deployer key are configuration variables, read from Hardhat's encrypted
 * keystore (`npx hardhat keystore set BASE_SEPOLIA_PRIVATE_KEY`) or the environment, never from a file.
 */
function publicNetwork(prefix: string, chainId: number) {
  return {
    type: "http" as const,
    chainType: "op" as const,
    chainId,
    url: configVariable(`${prefix}_RPC_URL`),
    accounts: [configVariable(`${prefix}_PRIVATE_KEY`)],
  };
}

/** Fuzz runs per fuzz test and invariant runs per invariant: 1,000 in CI, more locally with DCRM_FUZZ_RUNS. */
const fuzzRuns = Number(process.env.DCRM_FUZZ_RUNS ?? 1000);

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, hardhatUpgrades],
  tasks,
  solidity: {
    compilers: [compiler(4_294_967_295)],
    overrides: Object.fromEntries(Object.entries(sizeBoundSources).map(([source, runs]) => [source, compiler(runs)])),
    // The proxy that tests and the gas bench put in front of implementations by hand.
    npmFilesToBuild: ["@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol"],
  },
  paths: {
    tests: {
      mocha: "test",
      solidity: "test/contracts",
    },
  },
  test: {
    mocha: { timeout: 120_000 },
    solidity: {
      fuzz: { runs: fuzzRuns },
      invariant: { runs: Math.max(1, Math.floor(fuzzRuns / 4)), depth: 25, failOnRevert: false },
    },
  },
  typechain: {
    outDir: "types/ethers-contracts",
  },
  networks: {
    localhost: {
      type: "http",
      chainType: "l1",
      // `npm start` points this at the node it started (DCRM_PORT).
      url: process.env.DCRM_RPC_URL ?? "http://127.0.0.1:8545",
    },
    baseSepolia: publicNetwork("BASE_SEPOLIA", 84_532),
    base: publicNetwork("BASE", 8_453),
  },
});
