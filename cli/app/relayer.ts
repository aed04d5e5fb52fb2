/**
 * The local stack's consent relayer: takes a consent or revocation a shopper signed and submits it through
 * the SDK (`submitConsent`) from the relayer account, so the shopper pays no gas. The registry checks the
 * signature, the nonce and the deadline; the SDK turns a revert into its named error.
 */
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";

import type * as Sdk from "../../sdk/src/index.ts";
import { RELAYER_ACCOUNT } from "./devAccounts.ts";

const MNEMONIC = "test test test test test test test test test test test junk";

export type Relay = (body: unknown) => Promise<{ hash: string }>;

/** The message a shopper signed, from JSON (bigints as decimal strings). */
export function parseSignedConsent(body: unknown): Sdk.SubmitConsentParameters {
  const value = body as { kind?: unknown; message?: Record<string, unknown>; signature?: unknown };
  if ((value?.kind !== "grant" && value?.kind !== "revocation") || typeof value.message !== "object" || typeof value.signature !== "string") {
    throw new Error('expected { kind: "grant" | "revocation", message, signature }');
  }
  const m = value.message;
  const big = (name: string) => {
    if (typeof m[name] !== "string" && typeof m[name] !== "number") throw new Error(`message.${name}: an integer expected`);
    return BigInt(m[name] as string);
  };
  const common = { shopper: m.shopper as `0x${string}`, consumer: m.consumer as `0x${string}`, scope: m.scope as `0x${string}`, nonce: big("nonce"), deadline: big("deadline") };
  return value.kind === "grant"
    ? { kind: "grant", message: { ...common, pricePerAccess: big("pricePerAccess"), expiresAt: Number(big("expiresAt")) }, signature: value.signature as `0x${string}` }
    : { kind: "revocation", message: common, signature: value.signature as `0x${string}` };
}

export function createRelayer(sdk: typeof Sdk, rpc: string, deployment: Sdk.DeploymentRecord): Relay {
  const transport = http(rpc);
  const relayer = sdk.dcrmActions({
    publicClient: createPublicClient({ chain: foundry, transport, pollingInterval: 50 }) as PublicClient,
    walletClient: createWalletClient({ chain: foundry, transport, account: mnemonicToAccount(MNEMONIC, { addressIndex: RELAYER_ACCOUNT }), pollingInterval: 50 }),
    deployment: sdk.parseDeployment(deployment),
    account: mnemonicToAccount(MNEMONIC, { addressIndex: RELAYER_ACCOUNT }).address,
  });
  // One account sends: one submission at a time, so that each takes the next nonce.
  let queue: Promise<unknown> = Promise.resolve();
  return (body) => {
    const submitted = queue.then(() => relayer.submitConsent(parseSignedConsent(body)));
    queue = submitted.catch(() => undefined);
    return submitted;
  };
}
