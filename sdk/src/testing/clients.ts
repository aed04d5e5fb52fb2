/** Test support: viem clients on the shared local chain for anvil's funded accounts, and chain helpers. */
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { inject } from "vitest";

import { createDcrmClient, type CreateDcrmClientReturnType } from "../client/createDcrmClient.js";

/** anvil's funded account `index` (its default mnemonic; the deploy config's `account:N`). */
export const testAccount = (index: number) => mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: index });

/** The roles of the local deploy config: admin 0, storefront (issuer) 1; the others are free to use. */
export const ACCOUNTS = { admin: 0, storefront: 1 } as const;

export function publicClientOf(): PublicClient {
  return createPublicClient({ chain: foundry, transport: http(inject("rpcUrl")), pollingInterval: 50 });
}

/** A dCRM client acting as anvil account `index`. */
export function dcrmAs(index: number): Promise<CreateDcrmClientReturnType> {
  const transport = http(inject("rpcUrl"));
  return createDcrmClient({
    publicClient: publicClientOf(),
    walletClient: createWalletClient({ account: testAccount(index), chain: foundry, transport }),
    deployment: inject("deployment"),
  });
}

/** Moves the chain's clock forward by `seconds` and mines a block. */
export async function increaseTime(client: PublicClient, seconds: number): Promise<void> {
  await client.request({ method: "evm_increaseTime" as never, params: [seconds] as never });
  await client.request({ method: "evm_mine" as never, params: [] as never });
}

/** A snapshot of the chain to revert to, so that a test file leaves the shared chain as it found it. */
export async function snapshot(client: PublicClient): Promise<() => Promise<void>> {
  const id = (await client.request({ method: "evm_snapshot" as never, params: [] as never })) as string;
  return async () => {
    await client.request({ method: "evm_revert" as never, params: [id] as never });
  };
}

const mintAbi = [{ type: "function", name: "mint", stateMutability: "nonpayable", inputs: [{ name: "to", type: "address" }, { name: "amount", type: "uint256" }], outputs: [] }] as const;

/** Mints the local deployment's stand-in stablecoin (DemoDollar, a test token anyone may mint) to `to`. */
export async function mintDemoDollars(to: `0x${string}`, amount: bigint): Promise<`0x${string}`> {
  const token = inject("deployment").tokens!.DemoDollar!.address as `0x${string}`;
  const wallet = createWalletClient({ account: testAccount(0), chain: foundry, transport: http(inject("rpcUrl")) });
  const hash = await wallet.writeContract({ abi: mintAbi, address: token, functionName: "mint", args: [to, amount] });
  await publicClientOf().waitForTransactionReceipt({ hash });
  return token;
}

/** The chain's latest block time. */
export async function now(): Promise<bigint> {
  return (await publicClientOf().getBlock()).timestamp;
}
