import type { Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { read, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface CancelConsentSignaturesParameters {
  /**
   * The highest nonce to cancel: every grant and revocation the shopper signed with a nonce up to it stops
   * working. Defaults to the current nonce, the one `signConsentGrant` and `signConsentRevocation` use.
   */
  throughNonce?: bigint;
}
export interface CancelConsentSignaturesReturnType {
  hash: Hash;
  /** The nonce the shopper's next signature carries. */
  nextNonce: bigint;
}
export type { CheckoutErrorType as CancelConsentSignaturesErrorType } from "../storefront/checkout.js";

/**
 * Cancels the shopper's signed grants and revocations that nobody has submitted yet.
 *
 * @example
 * const grant = await shopperClient.signConsentGrant({ consumer, scope: "purchase-history", pricePerAccess: 1n, expiresAt, deadline });
 * await cancelConsentSignatures(shopperClient); // `grant` can no longer be submitted
 */
export async function cancelConsentSignatures(client: DcrmClient, parameters: CancelConsentSignaturesParameters = {}): Promise<CancelConsentSignaturesReturnType> {
  const shopper = walletOf(client, "cancelConsentSignatures").account.address;
  const current = await read(client, "ConsentRegistry", "nonces", [shopper]);
  const throughNonce = parameters.throughNonce === undefined ? current : check.integer("throughNonce", parameters.throughNonce, current);
  const nextNonce = throughNonce + 1n;
  const { hash } = await transact(client, "ConsentRegistry", "invalidateNonces", [nextNonce], "cancelConsentSignatures");
  return { hash, nextNonce };
}
