/**
 * Gasless consent: the shopper signs (no gas), a relayer submits. The local stack runs one (`POST /relay`);
 * without one the connected wallet submits the signed message itself and pays the gas.
 */
import type { DcrmActions, SignedConsentGrant, SignedConsentRevocation } from "@dcrm/sdk";

import type { Runtime } from "../runtime.ts";

export type SignedConsent = SignedConsentGrant | SignedConsentRevocation;

/** The signed message as JSON: bigints as decimal strings. */
export const consentJson = (signed: SignedConsent) => JSON.stringify(signed, (_key, value) => (typeof value === "bigint" ? value.toString() : value));

/** Submits `signed` through the relayer; resolves with the transaction hash once mined. */
export async function relayConsent(runtime: Runtime, client: Pick<DcrmActions, "submitConsent">, signed: SignedConsent): Promise<string> {
  if (runtime.kind !== "local") return (await client.submitConsent(signed)).hash;
  const response = await fetch(runtime.relayUrl, { method: "POST", headers: { "content-type": "application/json" }, body: consentJson(signed) });
  const answer = (await response.json().catch(() => ({}))) as { hash?: string; error?: string };
  if (!response.ok || !answer.hash) throw new Error(answer.error ?? `the relayer answered ${response.status}`);
  return answer.hash;
}
