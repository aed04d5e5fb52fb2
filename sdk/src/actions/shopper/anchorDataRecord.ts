import type { Hash, Hex } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import { transact } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

export interface AnchorDataRecordParameters {
  /** The data scope (bytes32, or its name hashed). */
  scope: Hex | string;
  /** The hash or CID digest (bytes32) of the encrypted record in the data vault. */
  record: Hex;
}
export interface AnchorDataRecordReturnType {
  hash: Hash;
}
export type { CheckoutErrorType as AnchorDataRecordErrorType } from "../storefront/checkout.js";

/**
 * Anchors the hash of the shopper's encrypted data record for a scope, so anyone can verify the record.
 *
 * @example
 * await anchorDataRecord(shopperClient, { scope: "purchase-history", record: keccak256(encryptedBlob) });
 */
export async function anchorDataRecord(client: DcrmClient, parameters: AnchorDataRecordParameters): Promise<AnchorDataRecordReturnType> {
  const { hash } = await transact(client, "ConsentRegistry", "anchorRecord", [check.bytes32("scope", parameters.scope), check.bytes32("record", parameters.record)], "anchorDataRecord");
  return { hash };
}
