import { type Address, getAddress, isAddress } from "viem";

import { InvalidDeploymentError } from "../errors/clientErrors.js";

/** The contracts of a deployment the SDK talks to, by their name in `deployments/<network>.json`. */
export const DEPLOYED_CONTRACTS = ["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"] as const;
export type DeployedContractName = (typeof DEPLOYED_CONTRACTS)[number];

/** `deployments/<network>.json`, as `npm run deploy` writes it. */
export interface DeploymentRecord {
  network: string;
  chainId: number;
  contracts: Record<string, { proxy: string; implementation: string; deploymentBlock: number; abiHash?: string }>;
  tokens?: Record<string, { address: string; deploymentBlock: number }>;
}

/** A checked deployment: every system contract's proxy and the block from which its events exist. */
export interface Deployment {
  network: string;
  chainId: number;
  contracts: Record<DeployedContractName, { address: Address; deploymentBlock: bigint }>;
  /** Tokens deployed with the system (a local network's stand-in stablecoin), by name. */
  tokens: Record<string, Address>;
  /** The first block any system contract was deployed in (where event scans start). */
  fromBlock: bigint;
}

/**
 * Checks a `deployments/<network>.json` record (parsed or as text) and returns its addresses, checksummed.
 * Throws {@link InvalidDeploymentError} naming every problem.
 *
 * @example
 * const deployment = parseDeployment(await readFile("deployments/localhost.json", "utf8"));
 */
export function parseDeployment(record: DeploymentRecord | string): Deployment {
  let raw: unknown = record;
  if (typeof record === "string") {
    try {
      raw = JSON.parse(record);
    } catch (error) {
      throw new InvalidDeploymentError([`not JSON: ${(error as Error).message}`]);
    }
  }
  const problems: string[] = [];
  const value = (raw ?? {}) as Partial<DeploymentRecord>;
  if (typeof value.chainId !== "number" || !Number.isInteger(value.chainId) || value.chainId <= 0) problems.push("chainId: a positive integer expected");
  const contracts = {} as Deployment["contracts"];
  for (const name of DEPLOYED_CONTRACTS) {
    const entry = value.contracts?.[name];
    if (!entry || typeof entry.proxy !== "string" || !isAddress(entry.proxy)) {
      problems.push(`contracts.${name}.proxy: an address expected`);
      continue;
    }
    const block = Number(entry.deploymentBlock ?? 0);
    if (!Number.isInteger(block) || block < 0) problems.push(`contracts.${name}.deploymentBlock: a block number expected`);
    contracts[name] = { address: getAddress(entry.proxy), deploymentBlock: BigInt(Number.isInteger(block) && block >= 0 ? block : 0) };
  }
  const tokens: Record<string, Address> = {};
  for (const [name, token] of Object.entries(value.tokens ?? {})) {
    if (!token || !isAddress(token.address)) problems.push(`tokens.${name}.address: an address expected`);
    else tokens[name] = getAddress(token.address);
  }
  if (problems.length > 0) throw new InvalidDeploymentError(problems);
  const fromBlock = DEPLOYED_CONTRACTS.map((name) => contracts[name].deploymentBlock).reduce((a, b) => (a < b ? a : b));
  return { network: typeof value.network === "string" ? value.network : `chain-${value.chainId}`, chainId: value.chainId!, contracts, tokens, fromBlock };
}
