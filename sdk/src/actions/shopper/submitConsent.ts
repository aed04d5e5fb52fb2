import type { Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import type { SignedConsentGrant, SignedConsentRevocation } from "./signConsent.js";

export type SubmitConsentParameters = SignedConsentGrant | SignedConsentRevocation;
export interface SubmitConsentReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as SubmitConsentErrorType } from "../storefront/checkout.js";

/**
 * Submits a consent or revocation a shopper signed: any account may (a relayer, the storefront, the
 * consumer), so the shopper pays no gas.
 *
 * @example
 * await submitConsent(relayerClient, await signConsentGrant(shopperClient, { … }));
 */
export async function submitConsent(client: DcrmClient, parameters: SubmitConsentParameters): Promise<SubmitConsentReturnType> {
  const { hash } =
    parameters.kind === "grant"
      ? await transact(client, "ConsentRegistry", "grantBySignature", [parameters.message, parameters.signature], "submitConsent")
      : await transact(client, "ConsentRegistry", "revokeBySignature", [parameters.message, parameters.signature], "submitConsent");
  return { hash };
}
