/**
 * The local deployment: `deployments/localhost.json` (or under DCRM_DEPLOYMENTS_DIR), written by `hardhat
 * deploy`; still on the chain when the chain id matches and every contract has code.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { runScript } from "./builds.ts";
import { bin, root } from "./paths.ts";
import { jsonRpc } from "./rpc.ts";

export interface DeploymentRecord {
  chainId: number;
  contracts: Record<string, { proxy: string; implementation: string; deploymentBlock: number }>;
  tokens?: Record<string, { address: string }>;
}

/** The contracts the stack needs. */
export const CONTRACTS = ["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"] as const;

export const deploymentFile = () => join(process.env.DCRM_DEPLOYMENTS_DIR ?? join(root, "deployments"), "localhost.json");

export function readDeployment(): DeploymentRecord | undefined {
  const file = deploymentFile();
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as DeploymentRecord;
  } catch {
    return undefined;
  }
}

/** Whether the recorded deployment is on the chain at `rpc`: same chain id, code at every contract. */
export async function deploymentOnChain(rpc: string, record = readDeployment()): Promise<boolean> {
  if (!record?.contracts) return false;
  const chainId = Number(await jsonRpc<string>(rpc, "eth_chainId"));
  if (chainId !== record.chainId) return false;
  for (const name of CONTRACTS) {
    const address = record.contracts[name]?.proxy;
    if (!address) return false;
    const code = await jsonRpc<string>(rpc, "eth_getCode", [address, "latest"]);
    if (code === "0x") return false;
  }
  return true;
}

/** Deploys with `hardhat deploy --network localhost` (deploy/config/localhost.json) to the node at `rpc`. */
export const deploy = (rpc: string) => runScript("deploying (hardhat deploy)", [join(bin, "hardhat"), "deploy", "--network", "localhost"], { DCRM_RPC_URL: rpc });
