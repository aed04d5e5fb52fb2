import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatUpgrades from "@openzeppelin/hardhat-upgrades";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/**
 * The compiler is the npm package `solc` (its JavaScript build), so builds never download a compiler and
 * every machine compiles with the same bytes.
 */
const solc = {
  version: (require("solc/package.json") as { version: string }).version,
  path: require.resolve("solc/soljson.js"),
};

/** Fuzz runs per fuzz test and invariant runs per invariant: 1,000 in CI, more locally with DCRM_FUZZ_RUNS. */
const fuzzRuns = Number(process.env.DCRM_FUZZ_RUNS ?? 1000);

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, hardhatUpgrades],
  solidity: {
    ...solc,
    // The proxy that tests and the gas bench put in front of implementations by hand.
    npmFilesToBuild: ["@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol"],
    settings: {
      evmVersion: "osaka",
      viaIR: false,
      optimizer: { enabled: true, runs: 4_294_967_295 },
    },
  },
  paths: {
    tests: {
      mocha: "test/contracts",
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
  },
});
