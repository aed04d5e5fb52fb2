import type { ContractTransactionResponse } from "ethers";

/** The AccessControl surface every dCRM contract shares. */
export interface RoleHolder {
  getAddress(): Promise<string>;
  hasRole(role: string, account: string): Promise<boolean>;
  grantRole(role: string, account: string): Promise<ContractTransactionResponse>;
  renounceRole(role: string, account: string): Promise<ContractTransactionResponse>;
}

/** One change the deployment makes (or, without the rights to make it, asks the admin to make). */
export interface PlannedChange {
  contract: string;
  description: string;
  /** Sends the change; resolves when it is mined. */
  send: () => Promise<ContractTransactionResponse>;
}

export const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}`;

/**
 * Sends `changes` one at a time, waiting for each, and logs each. When some change is one the deployer may
 * no longer make (it handed that contract's admin role over), sends nothing and throws with the list of
 * changes the admin must make.
 */
export async function applyChanges(
  changes: PlannedChange[],
  canSend: (change: PlannedChange) => boolean,
  log: (line: string) => void,
): Promise<number> {
  if (changes.length === 0) return 0;
  const forTheAdmin = changes.filter((change) => !canSend(change));
  if (forTheAdmin.length > 0) {
    throw new Error(
      `deploy: the config asks for changes that only the admin can make now (the deployer handed its roles over):\n${forTheAdmin
        .map((change) => `  - ${change.contract}: ${change.description}`)
        .join("\n")}`,
    );
  }
  for (const change of changes) {
    log(`deploy: ${change.contract}: ${change.description}`);
    const receipt = await (await change.send()).wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`deploy: ${change.contract}: "${change.description}" failed`);
  }
  return changes.length;
}

/** The grants that give each role of `roles` to its configured holder, for those who lack it. */
export async function missingGrants(
  contractName: string,
  contract: RoleHolder,
  roles: Record<string, { role: string; holder: string }>,
): Promise<PlannedChange[]> {
  const changes: PlannedChange[] = [];
  for (const [roleName, { role, holder }] of Object.entries(roles)) {
    if (!(await contract.hasRole(role, holder))) {
      changes.push({
        contract: contractName,
        description: `grant ${roleName} to ${holder}`,
        send: () => contract.grantRole(role, holder),
      });
    }
  }
  return changes;
}

/**
 * The renunciations that hand `contract` over: the deployer gives up each role it holds that the config
 * gives to someone else, the admin role last, and only once the configured admin holds it.
 */
export async function handoverRenunciations(
  contractName: string,
  contract: RoleHolder,
  deployer: string,
  roles: Record<string, { role: string; holder: string }>,
): Promise<PlannedChange[]> {
  const changes: PlannedChange[] = [];
  const ordered = Object.entries(roles).sort(([, a], [, b]) => Number(a.role === DEFAULT_ADMIN_ROLE) - Number(b.role === DEFAULT_ADMIN_ROLE));
  for (const [roleName, { role, holder }] of ordered) {
    if (holder === deployer || !(await contract.hasRole(role, deployer))) continue;
    changes.push({
      contract: contractName,
      description: `deployer renounces ${roleName}`,
      send: async () => {
        if (!(await contract.hasRole(role, holder))) {
          throw new Error(`deploy: ${contractName}: ${holder} does not hold ${roleName}; refusing to renounce it`);
        }
        return contract.renounceRole(role, deployer);
      },
    });
  }
  return changes;
}
