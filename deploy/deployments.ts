import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** One deployed UUPS proxy, as recorded in `deployments/<network>.json`. */
export interface DeployedContract {
  proxy: string;
  implementation: string;
  deploymentBlock: number;
  /** keccak256 of the ABI's JSON, so readers can tell that the ABI they hold matches. */
  abiHash: string;
}

/** The file the SDK and the subgraph read: every address of one network, typed by no hand. */
export interface Deployment {
  network: string;
  chainId: number;
  contracts: Record<string, DeployedContract>;
}

/**
 * Writes `deployments/<network>.json` under `root`, or under `DCRM_DEPLOYMENTS_DIR` when it is set (a
 * separate folder for throwaway deployments, such as tests'). The file is written whole, then renamed into
 * place, so a reader never sees half of it.
 */
export async function writeDeployment(root: string, deployment: Deployment): Promise<string> {
  const folder = process.env.DCRM_DEPLOYMENTS_DIR ?? join(root, "deployments");
  const path = join(folder, `${deployment.network}.json`);
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(deployment, null, 2)}\n`);
  await rename(partial, path);
  return path;
}
