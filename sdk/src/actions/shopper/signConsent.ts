import type { Address, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { consentGrantTypes, consentRegistryDomain, consentRevocationTypes } from "../../consent/typedData.js";
import { addressOf } from "../../internal/contracts.js";
import { read, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface SignConsentGrantParameters {
  /** The data consumer (an analytics tool's address). */
  consumer: Address;
  /** The data scope: bytes32, or its name hashed (e.g. "purchase-history"). */
  scope: Hex | string;
  /** What the consumer pays per access, in the payment token's units. */
  pricePerAccess: bigint;
  /** Unix time at which the consent lapses. */
  expiresAt: bigint;
  /** Unix time after which the signature can no longer be submitted. */
  deadline: bigint;
}
/** A consent signed by the shopper, ready for anyone to submit with `submitConsent`. */
export interface SignedConsentGrant {
  kind: "grant";
  message: { shopper: Address; consumer: Address; scope: Hex; pricePerAccess: bigint; expiresAt: number; nonce: bigint; deadline: bigint };
  signature: Hex;
}
export interface SignConsentRevocationParameters {
  consumer: Address;
  scope: Hex | string;
  deadline: bigint;
}
/** A revocation signed by the shopper, ready for anyone to submit with `submitConsent`. */
export interface SignedConsentRevocation {
  kind: "revocation";
  message: { shopper: Address; consumer: Address; scope: Hex; nonce: bigint; deadline: bigint };
  signature: Hex;
}
export type SignConsentErrorType = import("../../errors/clientErrors.js").InvalidParameterError;

function domainOf(client: DcrmClient) {
  return consentRegistryDomain(client.deployment.chainId, addressOf(client, "ConsentRegistry")) as ReturnType<typeof consentRegistryDomain> & { verifyingContract: Address };
}

/**
 * Signs (no gas) a consent for `consumer` to read the shopper's `scope` at `pricePerAccess` until
 * `expiresAt`. Any relayer submits it with `submitConsent`.
 *
 * @example
 * const signed = await signConsentGrant(shopperClient, { consumer, scope: "purchase-history", pricePerAccess: 10n, expiresAt, deadline });
 */
export async function signConsentGrant(client: DcrmClient, parameters: SignConsentGrantParameters): Promise<SignedConsentGrant> {
  const wallet = walletOf(client, "signConsentGrant");
  const shopper = wallet.account.address;
  const block = await client.publicClient.getBlock();
  const message = {
    shopper,
    consumer: check.address("consumer", parameters.consumer),
    scope: check.bytes32("scope", parameters.scope),
    pricePerAccess: check.integer("pricePerAccess", parameters.pricePerAccess, 0n, 2n ** 96n - 1n),
    expiresAt: Number(check.futureTime("expiresAt", parameters.expiresAt, block.timestamp)),
    nonce: await read(client, "ConsentRegistry", "nonces", [shopper]),
    deadline: check.futureTime("deadline", parameters.deadline, block.timestamp),
  };
  const signature = await wallet.signTypedData({ account: wallet.account, domain: domainOf(client), types: consentGrantTypes, primaryType: "ConsentGrant", message });
  return { kind: "grant", message, signature };
}

/**
 * Signs (no gas) the revocation of `consumer`'s consent for the shopper's `scope`. Any relayer submits it
 * with `submitConsent`.
 *
 * @example
 * const signed = await signConsentRevocation(shopperClient, { consumer, scope: "purchase-history", deadline });
 */
export async function signConsentRevocation(client: DcrmClient, parameters: SignConsentRevocationParameters): Promise<SignedConsentRevocation> {
  const wallet = walletOf(client, "signConsentRevocation");
  const shopper = wallet.account.address;
  const block = await client.publicClient.getBlock();
  const message = {
    shopper,
    consumer: check.address("consumer", parameters.consumer),
    scope: check.bytes32("scope", parameters.scope),
    nonce: await read(client, "ConsentRegistry", "nonces", [shopper]),
    deadline: check.futureTime("deadline", parameters.deadline, block.timestamp),
  };
  const signature = await wallet.signTypedData({ account: wallet.account, domain: domainOf(client), types: consentRevocationTypes, primaryType: "ConsentRevocation", message });
  return { kind: "revocation", message, signature };
}
