import { type Address, type Hash, type Hex, parseEventLogs } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { abis, addressOf } from "../../internal/contracts.js";
import { read, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface EraseDataRecordParameters {
  scope: Hex | string;
  /**
   * Consumers of grants the shopper signed that may not be on chain yet: named too, so that such a grant
   * submitted just before the erasure is revoked with it instead of making it revert.
   */
  signedFor?: readonly Address[];
}
export interface EraseDataRecordReturnType {
  hash: Hash;
  /** The consumers whose standing consents were revoked with the record. */
  revokedConsumers: Address[];
}
export type { CheckoutErrorType as EraseDataRecordErrorType } from "../storefront/checkout.js";

/**
 * Erases the shopper's data record for a scope (right to be forgotten), revoking every standing consent
 * for it in the same transaction; the consumers are found from the consent events. Every consumer ever
 * granted is named (the contract skips those without a standing consent), and every grant or revocation the
 * shopper signed before stops working.
 *
 * @example
 * await eraseDataRecord(shopperClient, { scope: "purchase-history" });
 */
export async function eraseDataRecord(client: DcrmClient, parameters: EraseDataRecordParameters): Promise<EraseDataRecordReturnType> {
  const shopper = walletOf(client, "eraseDataRecord").account.address;
  const scope = check.bytes32("scope", parameters.scope);
  const logs = await client.publicClient.getLogs({ address: addressOf(client, "ConsentRegistry"), fromBlock: client.deployment.contracts.ConsentRegistry.deploymentBlock, toBlock: "latest" });
  const granted = parseEventLogs({ abi: abis.ConsentRegistry, logs, eventName: "ConsentGranted", args: { shopper, scope } }).map((log) => log.args.consumer);
  const signedFor = (parameters.signedFor ?? []).map((consumer) => check.address("signedFor", consumer));
  const consumers = [...new Set([...granted, ...signedFor])];
  const standing = await Promise.all(consumers.map((consumer) => read(client, "ConsentRegistry", "consentOf", [shopper, consumer, scope])));
  const revokedConsumers = consumers.filter((_, i) => standing[i]!.granted);
  const { hash } = await transact(client, "ConsentRegistry", "eraseRecord", [scope, consumers], "eraseDataRecord");
  return { hash, revokedConsumers };
}
