/**
 * The SDK bound to the connected wallet: its actions (`dcrm.redeemPoints`, `dcrm.getBalances`, …) over
 * wagmi's public and wallet clients, and the deployment on the wallet's chain.
 */
import { createContext, useContext, useMemo } from "react";
import { type DcrmActions, dcrmActions, type DcrmClient, type Deployment, type DeploymentRecord, knownDeployments, parseDeployment } from "@dcrm/sdk";
import type { PublicClient } from "viem";
import { useAccount, useChainId, usePublicClient, useWalletClient } from "wagmi";

import type { Runtime } from "../runtime.ts";

export const RuntimeContext = createContext<Runtime>({ kind: "public", graphqlUrl: undefined });

export const useRuntime = () => useContext(RuntimeContext);

/** The deployment on `chainId`: the local stack's, else one built into the SDK; undefined when none. */
export function deploymentFor(runtime: Runtime, chainId: number): Deployment | undefined {
  if (runtime.kind === "local") return runtime.chainId === chainId ? parseDeployment(runtime.deployment) : undefined;
  const record = Object.values(knownDeployments).find((known: DeploymentRecord) => known.chainId === chainId);
  return record ? parseDeployment(record) : undefined;
}

export interface Dcrm {
  deployment: Deployment | undefined;
  /** The connected account, if any. */
  account: `0x${string}` | undefined;
  /** The SDK's actions; those that sign need `account`. Undefined until the chain's client and a deployment exist. */
  client: (DcrmClient & DcrmActions) | undefined;
}

export function useDcrm(): Dcrm {
  const runtime = useRuntime();
  const chainId = useChainId();
  const { address } = useAccount();
  const publicClient = usePublicClient();
  const { data: walletClient } = useWalletClient();
  const deployment = useMemo(() => deploymentFor(runtime, chainId), [runtime, chainId]);
  const client = useMemo(() => {
    if (!deployment || !publicClient) return undefined;
    return dcrmActions({
      publicClient: publicClient as PublicClient,
      walletClient: walletClient?.account ? (walletClient as never) : undefined,
      deployment,
      account: walletClient?.account?.address,
    });
  }, [deployment, publicClient, walletClient]);
  return { deployment, account: address, client };
}
