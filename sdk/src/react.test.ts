// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, createElement, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { defineChain, http, keccak256, toHex, zeroAddress } from "viem";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createConfig, WagmiProvider } from "wagmi";
import { connect } from "wagmi/actions";
import { mock } from "wagmi/connectors";

import { useReadRewardTokenBalanceOf, useWatchRewardTokenPointsRedeemedEvent, useWriteRewardTokenRedeem } from "./react.js";
import { dcrmAs, publicClientOf, snapshot, testAccount } from "./testing/clients.js";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
  }
}

describe("@dcrm/sdk/react: generated hooks rendered in a React tree through wagmi's mock connector", () => {
  let revert: () => Promise<void>;
  const shopper = testAccount(6).address;
  const token = () => inject("deployment").contracts.RewardToken!.proxy as `0x${string}`;

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    await (await dcrmAs(1)).checkout({ orderId: 42n, shopper, points: 1_000n });
  });
  afterAll(() => revert());

  it("reads a balance, writes a redemption from the connected wallet, and sees the event", async () => {
    // The mock connector sends through the chain's own RPC URL: the test node's.
    const chain = defineChain({ ...foundry, rpcUrls: { default: { http: [inject("rpcUrl")] } } });
    const config = createConfig({
      chains: [chain],
      connectors: [mock({ accounts: [shopper] })],
      transports: { [foundry.id]: http(inject("rpcUrl")) },
      pollingInterval: 100,
    });
    const queryClient = new QueryClient();
    const seen: { balance?: bigint; redeemed: unknown[]; write?: ReturnType<typeof useWriteRewardTokenRedeem>; refetch?: () => Promise<unknown> } = { redeemed: [] };

    function Wallet(): ReactNode {
      const balance = useReadRewardTokenBalanceOf({ address: token(), args: [shopper] });
      seen.balance = balance.data;
      seen.refetch = balance.refetch;
      seen.write = useWriteRewardTokenRedeem();
      useWatchRewardTokenPointsRedeemedEvent({ address: token(), args: { storefront: zeroAddress }, onLogs: (logs) => seen.redeemed.push(...logs) });
      return createElement("p", { id: "balance" }, balance.data === undefined ? "loading" : `${balance.data} points`);
    }

    const container = document.createElement("div");
    document.body.appendChild(container);
    const root = createRoot(container);
    await act(async () => {
      root.render(createElement(WagmiProvider, { config }, createElement(QueryClientProvider, { client: queryClient }, createElement(Wallet))));
    });
    try {
      await until(() => container.textContent === "1000 points", "the balance");
      // Connect as a user would, once the app is mounted (the provider's reconnect on mount has run).
      await act(async () => {
        await connect(config, { connector: config.connectors[0]! });
      });

      const ref = keccak256(toHex("coupon-react"));
      let hash: `0x${string}` | undefined;
      await act(async () => {
        hash = await seen.write!.writeContractAsync({ address: token(), args: [250n, ref] });
      });
      const receipt = await publicClientOf().waitForTransactionReceipt({ hash: hash! });
      expect(receipt.from.toLowerCase()).toBe(shopper.toLowerCase());
      await act(async () => {
        await seen.refetch!();
      });
      await until(() => container.textContent === "750 points", "the balance after redeeming");
      await until(() => seen.redeemed.length === 1, "the PointsRedeemed event");
      expect(seen.redeemed[0]).toMatchObject({ eventName: "PointsRedeemed", args: { storefront: zeroAddress, ref } });
    } finally {
      act(() => root.unmount());
      container.remove();
    }
  });
});
