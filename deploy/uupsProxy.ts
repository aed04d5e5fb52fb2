import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";

/**
 * Deploys `contractName` behind a UUPS proxy through the OpenZeppelin upgrades plugin, which validates the
 * implementation (initializers, storage layout, unsafe opcodes) before anything is sent, and calls
 * `initialize(...initializerArgs)`. Returns the proxy's address and the block that created it.
 */
export async function deployUupsProxy(
  ethers: HardhatEthers,
  upgradesApi: HardhatUpgrades,
  contractName: string,
  initializerArgs: unknown[],
): Promise<{ address: string; deploymentBlock: number }> {
  const factory = await ethers.getContractFactory(contractName);
  const proxy = await upgradesApi.deployProxy(factory, initializerArgs, { kind: "uups", initializer: "initialize" });
  const receipt = await proxy.deploymentTransaction()?.wait();
  if (!receipt) throw new Error(`deploy ${contractName}: the proxy's deployment transaction has no receipt`);
  return { address: await proxy.getAddress(), deploymentBlock: receipt.blockNumber };
}
