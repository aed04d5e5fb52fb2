import type { Address, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { read } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface CheckConsentParameters {
  shopper: Address;
  /** Defaults to the client's account. */
  consumer?: Address;
  scope: Hex | string;
}
export interface CheckConsentReturnType {
  /** Whether the consumer may read the shopper's scope now. */
  active: boolean;
  pricePerAccess: bigint;
  /** When the consent lapses (0 when none was ever granted). */
  expiresAt: number;
}
export type CheckConsentErrorType = import("../../errors/clientErrors.js").InvalidParameterError;

/**
 * Whether a consumer may read a shopper's scope now, at what price and until when.
 *
 * @example
 * const { active, pricePerAccess } = await checkConsent(consumerClient, { shopper, scope: "purchase-history" });
 */
export async function checkConsent(client: DcrmClient, parameters: CheckConsentParameters): Promise<CheckConsentReturnType> {
  const shopper = check.address("shopper", parameters.shopper);
  const consumer = check.address("consumer", parameters.consumer ?? client.account);
  const scope = check.bytes32("scope", parameters.scope);
  const [quote, consent] = await Promise.all([
    read(client, "ConsentRegistry", "quote", [shopper, consumer, scope]),
    read(client, "ConsentRegistry", "consentOf", [shopper, consumer, scope]),
  ]);
  return { active: quote.active, pricePerAccess: quote.pricePerAccess, expiresAt: consent.expiresAt };
}
