// Signer keys (IIssuerKeys): RewardToken and ReferralEscrow emit the same IssuerKeySet(storefront, key,
// authorised), and each keeps its own keys, so one IssuerKey per contract and key holds the current state.
import { Address, ethereum } from "@graphprotocol/graph-ts";
import { IssuerKey } from "../generated/schema";
import { loadStorefront } from "./utils";

/**
 * Records `IssuerKeySet` of `contract` ("RewardToken" or "ReferralEscrow", the IssuerKeyContract value): an
 * authorisation sets the storefront and the added block and time and clears the removal; a removal sets the
 * removed block and time and keeps the storefront it acted for.
 */
export function recordIssuerKey(event: ethereum.Event, contract: string, storefront: Address, key: Address, authorised: boolean): void {
  let id = event.address.concat(key);
  let issuerKey = IssuerKey.load(id);
  // A removal always follows its authorisation, which this subgraph indexed; a new entity is an authorisation
  // (or, should a removal come first, is created whole all the same).
  if (issuerKey == null || authorised) {
    if (issuerKey == null) {
      issuerKey = new IssuerKey(id);
      issuerKey.contract = contract;
      issuerKey.contractAddress = event.address;
      issuerKey.key = key;
    }
    issuerKey.storefront = storefront;
    issuerKey.addedBlock = event.block.number;
    issuerKey.addedTimestamp = event.block.timestamp;
    // The storefront entity exists for the relation to resolve, even for a storefront with no other event yet.
    loadStorefront(storefront).save();
  }
  issuerKey.authorised = authorised;
  if (authorised) {
    issuerKey.removedBlock = null;
    issuerKey.removedTimestamp = null;
  } else {
    issuerKey.removedBlock = event.block.number;
    issuerKey.removedTimestamp = event.block.timestamp;
  }
  issuerKey.save();
}
