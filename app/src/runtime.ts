/**
 * Where the dashboard runs. On the local stack, `dcrm start` serves `config.json` beside the app: the
 * deployment, the chain's JSON-RPC, the GraphQL endpoint, the consent relayer and the dev accounts. Anywhere
 * else there is no such file: the wallet's chain picks one of the deployments built into the SDK.
 */
import type { DeploymentRecord } from "@dcrm/sdk";

/** A dev account of the local chain, with what the demo program uses it for. */
export interface DevAccount {
  address: `0x${string}`;
  label: string;
  /** A partner's referral code, for the demo partners. */
  code?: string;
}

export interface LocalStack {
  kind: "local";
  chainId: number;
  /** Absolute URLs, resolved against the page. */
  rpcUrl: string;
  graphqlUrl: string;
  relayUrl: string;
  deployment: DeploymentRecord;
  accounts: DevAccount[];
}

export interface PublicNetworks {
  kind: "public";
  /** A graph-node endpoint for the marketer's charts, when the page names one (`?graphql=`). */
  graphqlUrl: string | undefined;
}

export type Runtime = LocalStack | PublicNetworks;

/** The runtime: the local stack's `config.json` when served, else public networks. */
export async function loadRuntime(base: string = document.baseURI): Promise<Runtime> {
  const response = await fetch(new URL("config.json", base)).catch(() => undefined);
  if (response?.ok && response.headers.get("content-type")?.includes("json")) {
    const config = (await response.json()) as Omit<LocalStack, "kind">;
    const absolute = (url: string) => new URL(url, base).toString();
    return { kind: "local", ...config, rpcUrl: absolute(config.rpcUrl), graphqlUrl: absolute(config.graphqlUrl), relayUrl: absolute(config.relayUrl) };
  }
  return { kind: "public", graphqlUrl: new URL(base).searchParams.get("graphql") ?? undefined };
}
