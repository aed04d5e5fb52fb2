import { mkdir, writeFile } from "node:fs/promises";
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

/** Writes `deployments/<network>.json` (atomically enough for one writer: a full rewrite). */
export async function writeDeployment(root: string, deployment: Deployment): Promise<string> {
  const path = join(root, "deployments", `${deployment.network}.json`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(deployment, null, 2)}\n`);
  return path;
}
