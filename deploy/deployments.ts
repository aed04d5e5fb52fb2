import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** One deployed UUPS proxy, as recorded in `deployments/<network>.json`. */
export interface DeployedContract {
  proxy: string;
  implementation: string;
  deploymentBlock: number;
  /** keccak256 of the ABI's JSON, so readers can tell that the ABI they hold matches. */
  abiHash: string;
}

/** A plain (non-proxy) contract the system uses, such as the local stand-in stablecoin. */
export interface DeployedToken {
  address: string;
  deploymentBlock: number;
}

/** The file the SDK and the subgraph read: every address of one network, typed by no hand. */
export interface Deployment {
  network: string;
  chainId: number;
  contracts: Record<string, DeployedContract>;
  /** Tokens deployed with the system (local networks' stand-ins); absent when there are none. */
  tokens?: Record<string, DeployedToken>;
}

/** The path of `deployments/<network>.json` under `root` (or `DCRM_DEPLOYMENTS_DIR`). */
export function deploymentPath(root: string, network: string): string {
  return join(process.env.DCRM_DEPLOYMENTS_DIR ?? join(root, "deployments"), `${network}.json`);
}

/** Reads `deployments/<network>.json`; `undefined` when the network has none yet. */
export async function readDeployment(root: string, network: string): Promise<Deployment | undefined> {
  const path = deploymentPath(root, network);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const deployment = JSON.parse(text) as Deployment;
  if (typeof deployment.chainId !== "number" || typeof deployment.contracts !== "object") {
    throw new Error(`${path}: not a deployment record (chainId and contracts expected)`);
  }
  return deployment;
}

/**
 * Writes `deployments/<network>.json` under `root`, or under `DCRM_DEPLOYMENTS_DIR` when it is set (a
 * separate folder for throwaway deployments, such as tests'). The file is written whole, then renamed into
 * place, so a reader never sees half of it; when it would not change from `previous`, it is not touched.
 */
export async function writeDeployment(root: string, deployment: Deployment, previous?: Deployment): Promise<string> {
  const path = deploymentPath(root, deployment.network);
  const text = `${JSON.stringify(deployment, null, 2)}\n`;
  if (previous !== undefined && `${JSON.stringify(previous, null, 2)}\n` === text) return path;
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, text);
  await rename(partial, path);
  return path;
}
