/**
 * wagmi's configuration: on the local stack one mock connector per dev account (the account picker), which
 * sends through the local node; everywhere the injected wallets the browser announces (EIP-6963).
 */
import { knownDeployments } from "@dcrm/sdk";
import { type Chain, defineChain, http } from "viem";
import { arbitrum, arbitrumSepolia, base, baseSepolia, foundry, mainnet, optimism, optimismSepolia, polygon, polygonAmoy, sepolia } from "viem/chains";
import { type Config, createConfig } from "wagmi";
import { injected, mock } from "wagmi/connectors";

import type { Runtime } from "../runtime.ts";

/** The networks dCRM is meant for (Ethereum and the L2s of the design); named one by one, so the bundle holds only these. */
const SUPPORTED_CHAINS: readonly Chain[] = [base, baseSepolia, arbitrum, arbitrumSepolia, optimism, optimismSepolia, polygon, polygonAmoy, mainnet, sepolia];

/** The chains with a deployment built into the SDK. */
function publicChains(): Chain[] {
  const ids = new Set(Object.values(knownDeployments).map((deployment) => deployment.chainId));
  return SUPPORTED_CHAINS.filter((chain) => ids.has(chain.id));
}

export function createWagmiConfig(runtime: Runtime): Config {
  if (runtime.kind === "local") {
    const chain = defineChain({ ...foundry, id: runtime.chainId, rpcUrls: { default: { http: [runtime.rpcUrl] } } });
    return createConfig({
      chains: [chain],
      // The dev accounts first, in their order (the account picker maps an index to a connector); a browser
      // wallet on the local chain, announced by EIP-6963, is added after them.
      connectors: runtime.accounts.map((account) => mock({ accounts: [account.address], features: { reconnect: true } })),
      transports: { [chain.id]: http(runtime.rpcUrl) },
      pollingInterval: 500,
      multiInjectedProviderDiscovery: true,
    });
  }
  const chains = publicChains();
  const [first, ...rest] = chains.length > 0 ? chains : [base];
  return createConfig({
    chains: [first!, ...rest],
    connectors: [injected()],
    transports: Object.fromEntries([first!, ...rest].map((chain) => [chain.id, http()])),
    multiInjectedProviderDiscovery: true,
  });
}
