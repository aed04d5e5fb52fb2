/** Test support: the RewardToken admin's calls (issuer role, caps, pause) as anvil account 0, the local deploy's admin. */
import { createWalletClient, http, keccak256, toHex } from "viem";
import { foundry } from "viem/chains";
import { inject } from "vitest";

import { rewardTokenAbi } from "../generated/contracts.js";
import { publicClientOf, testAccount } from "./clients.js";

const admin = () => createWalletClient({ account: testAccount(0), chain: foundry, transport: http(inject("rpcUrl")) });
const rewardToken = () => inject("deployment").contracts.RewardToken!.proxy as `0x${string}`;

async function asAdmin(functionName: "grantRole" | "setIssuanceCap" | "pause" | "unpause" | "setSupplyCap", args: readonly unknown[]): Promise<void> {
  const hash = await admin().writeContract({ abi: rewardTokenAbi, address: rewardToken(), functionName, args: args as never });
  const receipt = await publicClientOf().waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`RewardToken.${functionName} reverted`);
}

/** Makes `storefront` an issuer with `capPerPeriod` points per `capPeriod` seconds. */
export async function makeIssuer(storefront: `0x${string}`, capPerPeriod: bigint, capPeriod = 86_400): Promise<void> {
  await asAdmin("grantRole", [keccak256(toHex("ISSUER_ROLE")), storefront]);
  await asAdmin("setIssuanceCap", [storefront, capPerPeriod, BigInt(capPeriod)]);
}

/** Sets the storefront's issuance cap. */
export const setIssuanceCap = (storefront: `0x${string}`, capPerPeriod: bigint, capPeriod = 86_400) => asAdmin("setIssuanceCap", [storefront, capPerPeriod, BigInt(capPeriod)]);

/** Pauses or resumes the token. */
export const setPaused = (paused: boolean) => asAdmin(paused ? "pause" : "unpause", []);
