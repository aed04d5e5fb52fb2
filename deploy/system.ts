import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";

import type { DeployConfig } from "./config.js";
import { deployConsentRegistry } from "./consentRegistry.js";
import { deployDataAccessPayments } from "./dataAccessPayments.js";
import { type DeployedContract, type Deployment, readDeployment, writeDeployment } from "./deployments.js";
import { deployReferralEscrow } from "./referralEscrow.js";
import { deployRewardTokenWithReceipt } from "./rewardToken.js";
import {
  applyChanges,
  DEFAULT_ADMIN_ROLE,
  handoverRenunciations,
  missingGrants,
  type PlannedChange,
  type RoleHolder,
} from "./wiring.js";

/** The contracts of the system, in deployment order. */
export const SYSTEM_CONTRACTS = ["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"] as const;
export type SystemContractName = (typeof SYSTEM_CONTRACTS)[number];

/** What `deploySystem` needs from the Hardhat runtime. */
export interface DeploySystemOptions {
  ethers: HardhatEthers;
  upgradesApi: HardhatUpgrades;
  /** Reads a compiled contract's ABI (the ABI hash in the record). */
  readAbi: (contractName: string) => Promise<unknown>;
  /** The project root (`deployments/` lives under it). */
  root: string;
  network: string;
  config: DeployConfig;
  log?: (line: string) => void;
}

/** What a run did. */
export interface DeploySystemResult {
  deployment: Deployment;
  /** Where the record was written. */
  path: string;
  /** Contracts deployed by this run. */
  deployed: string[];
  /** Contracts found recorded, with code at their address, and kept. */
  kept: string[];
  /** Transactions sent after deployment: role grants, settings, the handover. */
  changes: number;
}

/**
 * Deploys the whole system to the connected network, wires it from `config`, records it in
 * `deployments/<network>.json` and, when the config asks for it, hands every admin role over and has the
 * deployer renounce its own. Idempotent: contracts already recorded with code at their address are kept,
 * and a setting or role already in place sends nothing, so a second run sends no transaction.
 *
 * @example
 * const result = await deploySystem({ ethers, upgradesApi, readAbi, root, network: "localhost", config });
 */
export async function deploySystem(options: DeploySystemOptions): Promise<DeploySystemResult> {
  const { ethers, upgradesApi, config, root, network } = options;
  const log = options.log ?? (() => {});
  const [deployerSigner] = await ethers.getSigners();
  if (!deployerSigner) throw new Error(`deploy: network "${network}" offers no account to deploy from`);
  const deployer = deployerSigner.address;
  const chainId = Number((await ethers.provider.getNetwork()).chainId);

  const previous = await readDeployment(root, network);
  if (previous && previous.chainId !== chainId) {
    throw new Error(
      `deploy: deployments/${network}.json records chain ${previous.chainId}, but the network is chain ${chainId}; move the file aside to deploy afresh`,
    );
  }
  const recorded = async (name: string): Promise<DeployedContract | undefined> => {
    const record = previous?.contracts[name];
    if (!record) return undefined;
    if ((await ethers.provider.getCode(record.proxy)) === "0x") {
      log(`deploy: ${name}: nothing at the recorded ${record.proxy}; deploying it again`);
      return undefined;
    }
    return record;
  };
  const deployed: string[] = [];
  const kept: string[] = [];
  const contracts: Record<string, DeployedContract> = {};
  const record = async (name: string, proxy: string, deploymentBlock: number) => {
    contracts[name] = {
      proxy,
      implementation: await upgradesApi.erc1967.getImplementationAddress(proxy),
      deploymentBlock,
      abiHash: ethers.id(JSON.stringify(await options.readAbi(name))),
    };
    deployed.push(name);
    log(`deploy: ${name}: deployed at ${proxy} (block ${deploymentBlock})`);
  };
  const keep = (name: string, existing: DeployedContract) => {
    contracts[name] = existing;
    kept.push(name);
    log(`deploy: ${name}: kept at ${existing.proxy}`);
  };

  // Every proxy starts with the deployer as its admin, so that it can wire it; the handover comes last.
  const rewardToken = await recorded("RewardToken");
  if (rewardToken) keep("RewardToken", rewardToken);
  else {
    const { token, deploymentBlock } = await deployRewardTokenWithReceipt(ethers, upgradesApi, {
      name: config.rewardToken.name,
      symbol: config.rewardToken.symbol,
      admin: deployer,
    });
    await record("RewardToken", await token.getAddress(), deploymentBlock);
  }
  const escrow = await recorded("ReferralEscrow");
  if (escrow) keep("ReferralEscrow", escrow);
  else {
    const result = await deployReferralEscrow(ethers, upgradesApi, {
      admin: deployer,
      maxRateBps: config.referralEscrow.maxCommissionRateBps,
    });
    await record("ReferralEscrow", await result.escrow.getAddress(), result.deploymentBlock);
  }
  const registry = await recorded("ConsentRegistry");
  if (registry) keep("ConsentRegistry", registry);
  else {
    const result = await deployConsentRegistry(ethers, upgradesApi, { admin: deployer });
    await record("ConsentRegistry", await result.registry.getAddress(), result.deploymentBlock);
  }

  const tokens = { ...previous?.tokens };
  let paymentToken = config.dataAccessPayments.paymentToken;
  if (paymentToken === "demo") {
    const demo = tokens.DemoDollar;
    if (demo && (await ethers.provider.getCode(demo.address)) !== "0x") paymentToken = demo.address;
    else {
      const token = await ethers.deployContract("TestToken", ["dCRM Demo Dollar", "DUSD"]);
      const receipt = await token.deploymentTransaction()?.wait();
      if (!receipt) throw new Error("deploy: the demo dollar's deployment has no receipt");
      paymentToken = await token.getAddress();
      tokens.DemoDollar = { address: paymentToken, deploymentBlock: receipt.blockNumber };
      log(`deploy: DemoDollar: deployed at ${paymentToken} (a stand-in stablecoin for local payments)`);
    }
  }
  const payments = await recorded("DataAccessPayments");
  if (payments) keep("DataAccessPayments", payments);
  else {
    const result = await deployDataAccessPayments(ethers, upgradesApi, {
      admin: deployer,
      registry: contracts.ConsentRegistry!.proxy,
      paymentToken,
      feeRecipient: config.dataAccessPayments.feeRecipient,
      feeBps: config.dataAccessPayments.feeBps,
    });
    await record("DataAccessPayments", await result.payments.getAddress(), result.deploymentBlock);
  }

  const deployment: Deployment = {
    network,
    chainId,
    contracts,
    ...(Object.keys(tokens).length > 0 ? { tokens } : {}),
  };
  const path = await writeDeployment(root, deployment, previous);

  const changes = await wire(options, deployment, deployer, log);
  return { deployment, path, deployed, kept, changes };
}

/** Brings roles and settings to what the config says, then hands over; returns the transactions sent. */
async function wire(
  options: DeploySystemOptions,
  deployment: Deployment,
  deployer: string,
  log: (line: string) => void,
): Promise<number> {
  const { ethers, config } = options;
  const token = await ethers.getContractAt("RewardToken", deployment.contracts.RewardToken!.proxy);
  const escrow = await ethers.getContractAt("ReferralEscrow", deployment.contracts.ReferralEscrow!.proxy);
  const registry = await ethers.getContractAt("ConsentRegistry", deployment.contracts.ConsentRegistry!.proxy);
  const payments = await ethers.getContractAt("DataAccessPayments", deployment.contracts.DataAccessPayments!.proxy);
  const { admin, pauser, upgrader } = config.roles;
  const adminRoles = async (contract: RoleHolder & { UPGRADER_ROLE(): Promise<string> }, withPauser: boolean) => ({
    DEFAULT_ADMIN_ROLE: { role: DEFAULT_ADMIN_ROLE, holder: admin },
    UPGRADER_ROLE: { role: await contract.UPGRADER_ROLE(), holder: upgrader },
    ...(withPauser ? { PAUSER_ROLE: { role: ethers.id("PAUSER_ROLE"), holder: pauser } } : {}),
  });
  const systems: [string, RoleHolder, Awaited<ReturnType<typeof adminRoles>>][] = [
    ["RewardToken", token, await adminRoles(token, true)],
    ["ReferralEscrow", escrow, await adminRoles(escrow, true)],
    ["ConsentRegistry", registry, await adminRoles(registry, false)],
    ["DataAccessPayments", payments, await adminRoles(payments, true)],
  ];

  const settings: PlannedChange[] = [];
  const issuerRole = await token.ISSUER_ROLE();
  for (const issuer of config.rewardToken.issuers) {
    if (!(await token.hasRole(issuerRole, issuer.storefront))) {
      settings.push({
        contract: "RewardToken",
        description: `grant ISSUER_ROLE to ${issuer.storefront}`,
        send: () => token.grantRole(issuerRole, issuer.storefront),
      });
    }
    const current = await token.storefrontIssuance(issuer.storefront);
    if (current.capPerPeriod !== issuer.capPerPeriod || current.capPeriod !== BigInt(issuer.capPeriodSeconds)) {
      settings.push({
        contract: "RewardToken",
        description: `set ${issuer.storefront}'s cap to ${issuer.capPerPeriod} per ${issuer.capPeriodSeconds} s`,
        send: () => token.setIssuanceCap(issuer.storefront, issuer.capPerPeriod, issuer.capPeriodSeconds),
      });
    }
  }
  // The escrow and the data-access payments hold points in custody for others: their balances never expire.
  for (const [name, custodian] of [["ReferralEscrow", escrow], ["DataAccessPayments", payments]] as const) {
    const address = await custodian.getAddress();
    if (!(await token.isCustodian(address))) {
      settings.push({
        contract: "RewardToken",
        description: `make ${name} (${address}) a custodian, exempt from expiry`,
        send: () => token.setCustodian(address, true),
      });
    }
  }
  if (Number(await escrow.maxCommissionRate()) !== config.referralEscrow.maxCommissionRateBps) {
    settings.push({
      contract: "ReferralEscrow",
      description: `set the highest commission rate to ${config.referralEscrow.maxCommissionRateBps} bps`,
      send: () => escrow.setMaxCommissionRate(config.referralEscrow.maxCommissionRateBps),
    });
  }
  const { codeCommitmentDelaySeconds } = config.referralEscrow;
  if (Number(await escrow.codeCommitmentDelay()) !== codeCommitmentDelaySeconds) {
    settings.push({
      contract: "ReferralEscrow",
      description: `set the referral-code commitment delay to ${codeCommitmentDelaySeconds} s`,
      send: () => escrow.setCodeCommitmentDelay(codeCommitmentDelaySeconds),
    });
  }
  const current = await payments.settings();
  const { feeRecipient, feeBps } = config.dataAccessPayments;
  if (current.feeRecipient !== feeRecipient || Number(current.feeBps) !== feeBps) {
    settings.push({
      contract: "DataAccessPayments",
      description: `set the fee to ${feeBps} bps, paid to ${feeRecipient}`,
      send: () => payments.setFee(feeRecipient, feeBps),
    });
  }
  for (const [name, contract, roles] of systems) settings.push(...(await missingGrants(name, contract, roles)));

  // After a handover the deployer may be admin of some contracts only (one redeployed since, say).
  const deployerIsAdmin = new Map<string, boolean>();
  for (const [name, contract] of systems) deployerIsAdmin.set(name, await contract.hasRole(DEFAULT_ADMIN_ROLE, deployer));
  let sent = await applyChanges(settings, (change) => deployerIsAdmin.get(change.contract) === true, log);

  if (config.handover) {
    const renunciations: PlannedChange[] = [];
    for (const [name, contract, roles] of systems) {
      renunciations.push(...(await handoverRenunciations(name, contract, deployer, roles)));
    }
    sent += await applyChanges(renunciations, () => true, log);
    if (renunciations.length > 0) {
      log("deploy: handover done: every admin role is held as configured, and the deployer holds none it was not given:");
      for (const [name, contract, roles] of systems) {
        const held = await Promise.all(
          Object.entries(roles).map(async ([roleName, { role, holder }]) =>
            `${roleName} ${holder}${(await contract.hasRole(role, deployer)) ? " (deployer too)" : ""}`,
          ),
        );
        log(`  ${name.padEnd(19)} ${held.join(", ")}`);
      }
    }
  }
  return sent;
}
