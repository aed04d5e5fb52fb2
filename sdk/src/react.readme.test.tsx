// @vitest-environment happy-dom
// The React section of sdk/README.md: its component, as the README writes it, rendered inside wagmi's and
// react-query's providers with the mock connector on the test chain; it reads a balance through a generated
// hook, then redeems with an action through the connected wallet.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act } from "react";
import { createRoot } from "react-dom/client";
import { defineChain, http } from "viem";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createConfig, useAccount, usePublicClient, useWalletClient, WagmiProvider } from "wagmi";
import { connect } from "wagmi/actions";
import { mock } from "wagmi/connectors";

import { createDcrmClient, parseDeployment, type DeploymentRecord } from "./index.js";
import { useReadRewardTokenBalanceOf } from "./react.js";
import { dcrmAs, publicClientOf, snapshot, testAccount } from "./testing/clients.js";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// ---- sdk/README.md, "React" ----
export function Points({ deployment }: { deployment: DeploymentRecord }) {
  const { address } = useAccount();
  const publicClient = usePublicClient();
  const { data: walletClient } = useWalletClient();
  const token = parseDeployment(deployment).contracts.RewardToken.address;
  const balance = useReadRewardTokenBalanceOf({ address: token, args: [address!], query: { enabled: !!address } });

  async function redeem() {
    const dcrm = await createDcrmClient({ publicClient: publicClient!, walletClient, deployment });
    await dcrm.redeemPoints({ points: 100n, ref: "SPRING-10" });
    await balance.refetch();
  }
  return <button onClick={redeem} disabled={!walletClient}>{balance.data === undefined ? "…" : `Redeem 100 of ${balance.data} points`}</button>;
}
// ----

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
  }
}

describe("sdk/README.md, React", () => {
  let revert: () => Promise<void>;
  const shopper = testAccount(5).address;

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    await (await dcrmAs(1)).checkout({ orderId: 77n, shopper, points: 1_000n });
  });
  afterAll(() => revert());

  it("reads the balance through the generated hook and redeems through the provider's wallet", async () => {
    const chain = defineChain({ ...foundry, rpcUrls: { default: { http: [inject("rpcUrl")] } } });
    const config = createConfig({
      chains: [chain],
      connectors: [mock({ accounts: [shopper] })],
      transports: { [foundry.id]: http(inject("rpcUrl")) },
      pollingInterval: 100,
    });
    const container = document.createElement("div");
    document.body.appendChild(container);
    const root = createRoot(container);
    await act(async () => {
      root.render(
        <WagmiProvider config={config}>
          <QueryClientProvider client={new QueryClient()}>
            <Points deployment={inject("deployment")} />
          </QueryClientProvider>
        </WagmiProvider>,
      );
    });
    try {
      const button = () => container.querySelector("button")!;
      expect(button().disabled).toBe(true);
      await act(async () => {
        await connect(config, { connector: config.connectors[0]! });
      });
      await until(() => button().textContent === "Redeem 100 of 1000 points" && !button().disabled, "the balance and the wallet");
      await act(async () => button().click());
      await until(() => button().textContent === "Redeem 100 of 900 points", "the balance after redeeming");
      const { spendable } = await (await dcrmAs(5)).getBalances({ shopper });
      expect(spendable).toBe(900n);
    } finally {
      act(() => root.unmount());
      container.remove();
    }
  });
});
