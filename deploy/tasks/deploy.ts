/**
 * `npm run deploy -- --network <name>` (`hardhat deploy`): deploys, wires and records the system on the
 * network from `deploy/config/<name>.json`. Idempotent; see `deploySystem`.
 */
import { upgrades } from "@openzeppelin/hardhat-upgrades";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { loadDeployConfig } from "../config.js";
import { deploySystem } from "../system.js";

export default async function deployAction(_arguments: Record<string, unknown>, hre: HardhatRuntimeEnvironment): Promise<void> {
  const connection = await hre.network.getOrCreate();
  const accounts = (await connection.ethers.getSigners()).map((signer) => signer.address);
  // Read and check the whole config before anything is sent.
  const config = await loadDeployConfig(hre.config.paths.root, connection.networkName, { accounts });
  const { chainId } = await connection.ethers.provider.getNetwork();
  console.log(`deploy: network ${connection.networkName} (chain ${chainId}), deployer ${accounts[0]}`);
  const result = await deploySystem({
    ethers: connection.ethers,
    upgradesApi: await upgrades(hre, connection),
    readAbi: async (name) => (await hre.artifacts.readArtifact(name)).abi,
    root: hre.config.paths.root,
    network: connection.networkName,
    config,
    log: (line) => console.log(line),
  });
  const unchanged = result.deployed.length === 0 && result.changes === 0;
  console.log(
    unchanged
      ? `deploy: nothing to do: every contract is deployed and wired as configured (${result.path})`
      : `deploy: done: ${result.deployed.length} deployed, ${result.kept.length} kept, ${result.changes} settings and roles changed; wrote ${result.path}`,
  );
  for (const [name, record] of Object.entries(result.deployment.contracts)) {
    console.log(`  ${name.padEnd(19)} ${record.proxy} (implementation ${record.implementation}, block ${record.deploymentBlock})`);
  }
  for (const [name, token] of Object.entries(result.deployment.tokens ?? {})) {
    console.log(`  ${name.padEnd(19)} ${token.address}`);
  }
}
