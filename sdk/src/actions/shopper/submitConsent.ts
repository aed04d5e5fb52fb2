import type { Hash } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { InvalidParameterError } from "../../errors/clientErrors.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";
import type { SignedConsentGrant, SignedConsentRevocation } from "./signConsent.js";

export type SubmitConsentParameters = SignedConsentGrant | SignedConsentRevocation;
export interface SubmitConsentReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as SubmitConsentErrorType } from "../storefront/checkout.js";

/**
 * Submits a consent or revocation a shopper signed: any account may (a relayer, the storefront, the
 * consumer), so the shopper pays no gas. The signed message may have travelled as JSON (its numbers as
 * decimal strings); a malformed one, or one past its deadline, is refused with `InvalidParameterError`
 * before anything is sent.
 *
 * @example
 * await submitConsent(relayerClient, await signConsentGrant(shopperClient, { … }));
 */
export async function submitConsent(client: DcrmClient, parameters: SubmitConsentParameters): Promise<SubmitConsentReturnType> {
  const { kind, message: given, signature } = parameters ?? {};
  if (kind !== "grant" && kind !== "revocation") throw new InvalidParameterError("kind", kind, `"grant" or "revocation" (from signConsentGrant or signConsentRevocation)`);
  const block = await client.publicClient.getBlock();
  const signed = {
    shopper: check.address("message.shopper", given?.shopper),
    consumer: check.address("message.consumer", given.consumer),
    scope: check.bytes32("message.scope", given.scope),
    nonce: check.integer("message.nonce", given.nonce),
    deadline: check.futureTime("message.deadline", given.deadline, block.timestamp),
  };
  check.signature("signature", signature);
  if (parameters.kind === "revocation") {
    const { hash } = await transact(client, "ConsentRegistry", "revokeBySignature", [signed, signature], "submitConsent");
    return { hash };
  }
  const grant = {
    ...signed,
    pricePerAccess: check.integer("message.pricePerAccess", parameters.message.pricePerAccess, 0n, 2n ** 96n - 1n),
    expiresAt: Number(check.futureTime("message.expiresAt", parameters.message.expiresAt, block.timestamp)),
  };
  const { hash } = await transact(client, "ConsentRegistry", "grantBySignature", [grant, signature], "submitConsent");
  return { hash };
}
