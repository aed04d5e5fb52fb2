import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { getAddress, isAddress } from "ethers";

/**
 * A per-network deployment config, `deploy/config/<network>.json` (or in `DCRM_DEPLOY_CONFIG_DIR`). Every
 * address is one of:
 * - a literal address, `"0x…"`;
 * - `"env:NAME"`: the environment variable NAME (for public networks, so that no address is committed);
 * - `"account:N"`: the network's N-th account (for local networks, whose accounts are known).
 * Amounts are decimal strings of token units, so that they survive JSON.
 */
export interface DeployConfigFile {
  roles: { admin: string; pauser: string; upgrader: string };
  /** After wiring, the deployer hands every admin role to `roles` and renounces its own; default true. */
  handover?: boolean;
  rewardToken: {
    name: string;
    symbol: string;
    issuers: { storefront: string; capPerPeriod: string; capPeriodSeconds: number }[];
  };
  /** `codeCommitmentDelaySeconds`: how long a referral code's commitment waits before registration (1 to
   * 86,400; the escrow's 60 when left out). A local chain uses 1 so that registering takes two blocks. */
  referralEscrow: { maxCommissionRateBps: number; codeCommitmentDelaySeconds?: number };
  dataAccessPayments: {
    /** An address, or `"demo"` to deploy a stand-in stablecoin (local networks only). */
    paymentToken: string;
    feeRecipient: string;
    feeBps: number;
  };
}

/** A config with every reference resolved and every value checked. */
export interface DeployConfig {
  network: string;
  roles: { admin: string; pauser: string; upgrader: string };
  handover: boolean;
  rewardToken: {
    name: string;
    symbol: string;
    issuers: { storefront: string; capPerPeriod: bigint; capPeriodSeconds: number }[];
  };
  referralEscrow: { maxCommissionRateBps: number; codeCommitmentDelaySeconds: number };
  dataAccessPayments: { paymentToken: string | "demo"; feeRecipient: string; feeBps: number };
}

/** A config that cannot be used; `problems` lists every problem found, each with the value's path. */
export class DeployConfigError extends Error {
  override name = "DeployConfigError";
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`deploy config ${file}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

/** Where the config of `network` lives: `deploy/config/`, or `DCRM_DEPLOY_CONFIG_DIR` when it is set. */
export function deployConfigPath(root: string, network: string): string {
  return join(process.env.DCRM_DEPLOY_CONFIG_DIR ?? join(root, "deploy", "config"), `${network}.json`);
}

/**
 * Reads and checks `deploy/config/<network>.json`, resolving `env:` and `account:` references. Throws a
 * {@link DeployConfigError} naming every missing or invalid value, so a deployment fails before it sends
 * anything.
 *
 * @example
 * const config = await loadDeployConfig(root, "baseSepolia", { accounts: [] });
 */
export async function loadDeployConfig(
  root: string,
  network: string,
  context: { accounts: readonly string[]; env?: NodeJS.ProcessEnv },
): Promise<DeployConfig> {
  const file = deployConfigPath(root, network);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new DeployConfigError(file, [
      `no config for network "${network}": create ${file} (see deploy/config/*.json for examples)`,
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DeployConfigError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  return resolveDeployConfig(file, network, raw, context);
}

/** Checks a parsed config; see {@link loadDeployConfig}. */
export function resolveDeployConfig(
  file: string,
  network: string,
  raw: unknown,
  context: { accounts: readonly string[]; env?: NodeJS.ProcessEnv },
): DeployConfig {
  const env = context.env ?? process.env;
  const problems: string[] = [];
  const at = (value: unknown, path: string[]): unknown =>
    path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), value);

  const address = (path: string): string => {
    const value = at(raw, path.split("."));
    if (typeof value !== "string" || value === "") {
      problems.push(`${path}: missing (an address, "env:NAME" or "account:N")`);
      return "";
    }
    let resolved = value;
    if (value.startsWith("env:")) {
      const name = value.slice(4);
      const fromEnv = env[name];
      if (fromEnv === undefined || fromEnv === "") {
        problems.push(`${path}: environment variable ${name} is not set`);
        return "";
      }
      resolved = fromEnv;
    } else if (value.startsWith("account:")) {
      const index = Number(value.slice(8));
      const account = Number.isInteger(index) && index >= 0 ? context.accounts[index] : undefined;
      if (account === undefined) {
        problems.push(`${path}: ${value} does not exist (the network offers ${context.accounts.length} accounts)`);
        return "";
      }
      resolved = account;
    }
    if (!isAddress(resolved) || BigInt(resolved) === 0n) {
      problems.push(`${path}: ${JSON.stringify(resolved)} is not a non-zero address`);
      return "";
    }
    return getAddress(resolved);
  };
  const text = (path: string): string => {
    const value = at(raw, path.split("."));
    if (typeof value !== "string" || value.trim() === "") problems.push(`${path}: missing (a non-empty string)`);
    return typeof value === "string" ? value : "";
  };
  const integer = (path: string, min: number, max: number): number => {
    const value = at(raw, path.split("."));
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${path}: ${value === undefined ? "missing" : JSON.stringify(value)} (an integer from ${min} to ${max})`);
      return 0;
    }
    return value;
  };
  const amount = (path: string): bigint => {
    const value = at(raw, path.split("."));
    if (typeof value !== "string" || !/^\d+$/.test(value)) {
      problems.push(`${path}: ${value === undefined ? "missing" : JSON.stringify(value)} (a decimal string of token units)`);
      return 0n;
    }
    return BigInt(value);
  };

  const handoverValue = at(raw, ["handover"]);
  if (handoverValue !== undefined && typeof handoverValue !== "boolean") problems.push("handover: must be true or false");
  const issuersValue = at(raw, ["rewardToken", "issuers"]);
  if (!Array.isArray(issuersValue)) problems.push("rewardToken.issuers: missing (a list, possibly empty)");
  const issuers = (Array.isArray(issuersValue) ? issuersValue : []).map((_, i) => ({
    storefront: address(`rewardToken.issuers.${i}.storefront`),
    capPerPeriod: amount(`rewardToken.issuers.${i}.capPerPeriod`),
    capPeriodSeconds: integer(`rewardToken.issuers.${i}.capPeriodSeconds`, 1, 2 ** 32 - 1),
  }));
  const paymentTokenValue = at(raw, ["dataAccessPayments", "paymentToken"]);
  const paymentToken = paymentTokenValue === "demo" ? "demo" : address("dataAccessPayments.paymentToken");

  const config: DeployConfig = {
    network,
    roles: { admin: address("roles.admin"), pauser: address("roles.pauser"), upgrader: address("roles.upgrader") },
    handover: handoverValue !== false,
    rewardToken: { name: text("rewardToken.name"), symbol: text("rewardToken.symbol"), issuers },
    referralEscrow: {
      maxCommissionRateBps: integer("referralEscrow.maxCommissionRateBps", 0, 10_000),
      codeCommitmentDelaySeconds:
        at(raw, ["referralEscrow", "codeCommitmentDelaySeconds"]) === undefined ? 60 : integer("referralEscrow.codeCommitmentDelaySeconds", 1, 86_400),
    },
    dataAccessPayments: {
      paymentToken,
      feeRecipient: address("dataAccessPayments.feeRecipient"),
      feeBps: integer("dataAccessPayments.feeBps", 0, 2_000),
    },
  };
  if (problems.length > 0) throw new DeployConfigError(file, problems);
  return config;
}
