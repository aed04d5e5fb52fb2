// ConsentRegistry: consents per (shopper, consumer, scope), data-record anchors and erasures, and the
// per-scope opt-in rate (shoppers with a standing consent / shoppers that anchored a record or consented).
// A consent that runs past its `expiresAt` emits nothing and stays counted as standing.
import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  ConsentGranted,
  ConsentRevoked,
  DataRecordAnchored,
  DataRecordErased,
} from "../../generated/ConsentRegistry/ConsentRegistry";
import { Consent, ConsentChange, ConsentScope, DataRecordAnchor, DataRecordErasure, ShopperScope } from "../../generated/schema";
import { eventId, loadConsentScope, loadShopper, minusFloor, ONE, ratio, ZERO } from "../utils";

/** The shopper's standing in a scope; a new one counts the shopper in the scope. Saves both. */
function loadShopperScope(event: ethereum.Event, shopper: Bytes, scope: Bytes): ShopperScope {
  let key = shopper.concat(scope);
  let entity = ShopperScope.load(key);
  if (entity == null) {
    loadShopper(shopper, event).save();
    entity = new ShopperScope(key);
    entity.shopper = shopper;
    entity.scope = scope;
    entity.activeConsents = ZERO;
    let consentScope = loadConsentScope(scope);
    consentScope.shoppers = consentScope.shoppers.plus(ONE);
    updateRate(consentScope);
    consentScope.save();
    entity.save();
  }
  return entity;
}

function updateRate(scope: ConsentScope): void {
  scope.optInRate = ratio(scope.shoppersOptedIn, scope.shoppers);
}

function recordChange(event: ethereum.Event, consent: Consent, kind: string): void {
  let change = new ConsentChange(eventId(event));
  change.kind = kind;
  change.consent = consent.id;
  change.shopper = consent.shopper;
  change.consumer = consent.consumer;
  change.scope = consent.scope;
  if (kind == "Granted") {
    change.pricePerAccess = consent.pricePerAccess;
    change.expiresAt = consent.expiresAt;
  }
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

/** Adds `delta` (+1 or -1) standing consents to the shopper, the scope and the shopper's standing in it. */
function countConsent(event: ethereum.Event, shopperAddress: Bytes, scopeId: Bytes, delta: i32): void {
  let shopperScope = loadShopperScope(event, shopperAddress, scopeId);
  let wasOptedIn = shopperScope.activeConsents.gt(ZERO);
  let change = BigInt.fromI32(delta);
  shopperScope.activeConsents = minusFloor(shopperScope.activeConsents, change.neg());
  shopperScope.save();
  let isOptedIn = shopperScope.activeConsents.gt(ZERO);

  let scope = loadConsentScope(scopeId);
  scope.activeConsents = minusFloor(scope.activeConsents, change.neg());
  if (!wasOptedIn && isOptedIn) scope.shoppersOptedIn = scope.shoppersOptedIn.plus(ONE);
  if (wasOptedIn && !isOptedIn) scope.shoppersOptedIn = minusFloor(scope.shoppersOptedIn, ONE);
  if (delta > 0) scope.grants = scope.grants.plus(ONE);
  else scope.revocations = scope.revocations.plus(ONE);
  updateRate(scope);
  scope.save();

  let shopper = loadShopper(shopperAddress, event);
  shopper.activeConsents = minusFloor(shopper.activeConsents, change.neg());
  shopper.save();
}

export function handleConsentGranted(event: ConsentGranted): void {
  let shopper = event.params.shopper;
  let scope = event.params.scope;
  let key = shopper.concat(event.params.consumer).concat(scope);
  let consent = Consent.load(key);
  let wasActive = consent != null && consent.active;
  if (consent == null) {
    consent = new Consent(key);
    consent.shopper = shopper;
    consent.consumer = event.params.consumer;
    consent.scope = scope;
  }
  consent.active = true;
  consent.pricePerAccess = event.params.pricePerAccess;
  consent.expiresAt = event.params.expiresAt;
  consent.updatedAt = event.block.timestamp;

  if (wasActive) {
    // A new price or expiry for a standing consent: counted as a grant, not as a new consent.
    loadShopperScope(event, shopper, scope);
    let scopeEntity = loadConsentScope(scope);
    scopeEntity.grants = scopeEntity.grants.plus(ONE);
    scopeEntity.save();
  } else {
    countConsent(event, shopper, scope, 1);
  }
  consent.save();
  recordChange(event, consent, "Granted");
}

export function handleConsentRevoked(event: ConsentRevoked): void {
  let shopper = event.params.shopper;
  let scope = event.params.scope;
  let key = shopper.concat(event.params.consumer).concat(scope);
  let consent = Consent.load(key);
  if (consent == null) {
    // Granted before the subgraph's start block.
    consent = new Consent(key);
    consent.shopper = shopper;
    consent.consumer = event.params.consumer;
    consent.scope = scope;
    consent.pricePerAccess = ZERO;
    consent.expiresAt = ZERO;
    consent.active = false;
    loadShopperScope(event, shopper, scope);
  } else if (consent.active) {
    countConsent(event, shopper, scope, -1);
  }
  consent.active = false;
  consent.updatedAt = event.block.timestamp;
  consent.save();
  recordChange(event, consent, "Revoked");
}

export function handleDataRecordAnchored(event: DataRecordAnchored): void {
  let shopperScope = loadShopperScope(event, event.params.shopper, event.params.scope);
  shopperScope.record = event.params.record;
  shopperScope.save();

  let anchor = new DataRecordAnchor(eventId(event));
  anchor.shopper = event.params.shopper;
  anchor.scope = event.params.scope;
  anchor.record = event.params.record;
  anchor.blockNumber = event.block.number;
  anchor.timestamp = event.block.timestamp;
  anchor.transactionHash = event.transaction.hash;
  anchor.save();
}

export function handleDataRecordErased(event: DataRecordErased): void {
  let shopperScope = loadShopperScope(event, event.params.shopper, event.params.scope);
  shopperScope.record = null;
  shopperScope.save();

  let erasure = new DataRecordErasure(eventId(event));
  erasure.shopper = event.params.shopper;
  erasure.scope = event.params.scope;
  erasure.blockNumber = event.block.number;
  erasure.timestamp = event.block.timestamp;
  erasure.transactionHash = event.transaction.hash;
  erasure.save();
}
