import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";

import { knownDeployments } from "../generated/deployments.js";
import { ChainMismatchError, ContractNotDeployedError, InvalidParameterError } from "../errors/clientErrors.js";
import { type DcrmActions, dcrmActions } from "./dcrmActions.js";
import { DEPLOYED_CONTRACTS, type Deployment, type DeploymentRecord, parseDeployment } from "./deployment.js";

/** A viem wallet client with an account: the signer of the SDK's transactions and signatures. */
export type DcrmWalletClient = WalletClient<Transport, Chain | undefined, Account>;

/** A public client and, for actions that send or sign, a wallet client, bound to one checked deployment. */
export interface DcrmClient {
  publicClient: PublicClient;
  walletClient: DcrmWalletClient | undefined;
  deployment: Deployment;
  /** The wallet's account address, when there is a wallet. */
  account: Address | undefined;
}

export interface CreateDcrmClientParameters {
  publicClient: PublicClient;
  /** Needed by actions that send transactions or sign. Its account is the storefront, shopper, partner or consumer. */
  walletClient?: DcrmWalletClient;
  /** `deployments/<network>.json` (parsed or text), or the name of a public network built into the SDK. */
  deployment: DeploymentRecord | string;
}
/** The client, with every action bound to it (`dcrm.checkout(params)`). */
export type CreateDcrmClientReturnType = DcrmClient & DcrmActions;
export type CreateDcrmClientErrorType = ChainMismatchError | ContractNotDeployedError | InvalidParameterError;

/**
 * Binds viem clients to a deployment (and every action to the result), after checking that both clients are on the deployment's chain and
 * that every contract has code at its address.
 *
 * @example
 * const dcrm = await createDcrmClient({
 *   publicClient: createPublicClient({ transport: http(url) }),
 *   walletClient: createWalletClient({ account, transport: http(url) }),
 *   deployment: JSON.parse(await readFile("deployments/localhost.json", "utf8")),
 * });
 */
export async function createDcrmClient(parameters: CreateDcrmClientParameters): Promise<CreateDcrmClientReturnType> {
  const { publicClient, walletClient } = parameters;
  let record = parameters.deployment;
  if (typeof record === "string" && !record.trimStart().startsWith("{")) {
    const known = knownDeployments[record];
    if (!known) throw new InvalidParameterError("deployment", record, `a deployment record, or one of: ${Object.keys(knownDeployments).join(", ") || "(no public deployment is built in)"}`);
    record = known;
  }
  const deployment = parseDeployment(record);
  const chainId = await publicClient.getChainId();
  if (chainId !== deployment.chainId) throw new ChainMismatchError(deployment.chainId, chainId, "public");
  if (walletClient) {
    const walletChainId = await walletClient.getChainId();
    if (walletChainId !== deployment.chainId) throw new ChainMismatchError(deployment.chainId, walletChainId, "wallet");
  }
  const codes = await Promise.all(DEPLOYED_CONTRACTS.map((name) => publicClient.getCode({ address: deployment.contracts[name].address })));
  DEPLOYED_CONTRACTS.forEach((name, i) => {
    const code = codes[i];
    if (code === undefined || code === "0x") throw new ContractNotDeployedError(name, deployment.contracts[name].address, chainId);
  });
  return dcrmActions({ publicClient, walletClient, deployment, account: walletClient?.account.address });
}
