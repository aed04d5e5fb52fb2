// Shared helpers of the dCRM mappings: ids, entity loaders with defaults, and the statistics data points.
import { Address, BigDecimal, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  ConsentScope,
  DataConsumer,
  Partner,
  PartnerBalance,
  Program,
  ProgramDataPoint,
  ReferralDataPoint,
  Shopper,
  ShopperActivity,
  Storefront,
  StorefrontDataPoint,
} from "../generated/schema";

export const ZERO = BigInt.zero();
export const ONE = BigInt.fromI32(1);
export const ZERO_BD = BigDecimal.zero();
export const ZERO_ADDRESS = Address.zero();
const HOUR = BigInt.fromI32(3600);
const DAY = BigInt.fromI32(86400);
const PROGRAM_ID = Bytes.fromHexString("0x00");

// ─── Ids ─────────────────────────────────────────────────────────────────────────────────────────────

/** The id of the entity of a log: transaction hash ++ log index (4 bytes, little-endian, as `concatI32` writes it). */
export function eventId(event: ethereum.Event): Bytes {
  return logId(event.transaction.hash, event.logIndex.toI32());
}

/** The id of the log `logIndex` of the transaction `txHash`: how a lean event finds its Transfer. */
export function logId(txHash: Bytes, logIndex: i32): Bytes {
  return txHash.concatI32(logIndex);
}

/** A uint256 as 32 big-endian bytes (order ids in keys). */
export function uint256Bytes(value: BigInt): Bytes {
  let hex = value.toHexString().slice(2);
  while (hex.length < 64) hex = "0" + hex;
  return Bytes.fromHexString("0x" + hex);
}

/** A partner id (uint40) as 5 big-endian bytes. */
export function partnerKey(partnerId: BigInt): Bytes {
  let hex = partnerId.toHexString().slice(2);
  while (hex.length < 10) hex = "0" + hex;
  return Bytes.fromHexString("0x" + hex);
}

export function referralKey(storefront: Bytes, orderId: BigInt): Bytes {
  return storefront.concat(uint256Bytes(orderId));
}

// ─── Arithmetic ──────────────────────────────────────────────────────────────────────────────────────

/** a / b as a BigDecimal, 0 when b is 0. */
export function ratio(a: BigInt, b: BigInt): BigDecimal {
  if (b.isZero()) return ZERO_BD;
  return a.toBigDecimal().div(b.toBigDecimal());
}

/** The share of a storefront's points flow that were redemptions: redeemed / (issued + redeemed), in [0, 1]. */
export function redemptionShare(issued: BigInt, redeemed: BigInt): BigDecimal {
  return ratio(redeemed, issued.plus(redeemed));
}

/** max(a - b, 0): aggregates never go negative, even when indexing starts after some history. */
export function minusFloor(a: BigInt, b: BigInt): BigInt {
  let result = a.minus(b);
  return result.lt(ZERO) ? ZERO : result;
}

// ─── Loaders (create with defaults on first sight) ───────────────────────────────────────────────────

export function loadProgram(): Program {
  let program = Program.load(PROGRAM_ID);
  if (program == null) {
    program = new Program(PROGRAM_ID);
    program.totalSupply = ZERO;
    program.supplyCap = ZERO;
    program.expiryPeriod = ZERO;
    program.transfersLocked = false;
    program.paused = false;
    program.issued = ZERO;
    program.redeemed = ZERO;
    program.redeemedUnattributed = ZERO;
    program.redemptionRate = ZERO_BD;
    program.expired = ZERO;
    program.shoppers = ZERO;
    program.partners = ZERO;
    program.maxCommissionRateBps = 0;
    program.dataAccessFeeBps = 0;
    program.dataAccessPaused = false;
  }
  return program;
}

export function loadStorefront(address: Bytes): Storefront {
  let storefront = Storefront.load(address);
  if (storefront == null) {
    storefront = new Storefront(address);
    storefront.capPerPeriod = ZERO;
    storefront.capPeriod = ZERO;
    storefront.returnWindow = ZERO;
    storefront.clawbackAllowed = false;
    storefront.issued = ZERO;
    storefront.pending = ZERO;
    storefront.voided = ZERO;
    storefront.clawedBack = ZERO;
    storefront.clawbackShortfall = ZERO;
    storefront.redeemed = ZERO;
    storefront.redemptionRate = ZERO_BD;
    storefront.issuanceCount = ZERO;
    storefront.redemptionCount = ZERO;
    storefront.holdPeriod = ZERO;
    storefront.programPaused = false;
    storefront.maxReferralsPerPeriod = ZERO;
    storefront.referralCapPeriod = ZERO;
    storefront.referralCount = ZERO;
  }
  return storefront;
}

/** The shopper, created (and counted in Program.shoppers) on first sight. Not saved: the caller saves. */
export function loadShopper(address: Bytes, event: ethereum.Event): Shopper {
  let shopper = Shopper.load(address);
  if (shopper == null) {
    shopper = new Shopper(address);
    shopper.balance = ZERO;
    shopper.earned = ZERO;
    shopper.pending = ZERO;
    shopper.redeemed = ZERO;
    shopper.expired = ZERO;
    shopper.clawedBack = ZERO;
    shopper.dataEarnings = ZERO;
    shopper.dataEarningsWithdrawn = ZERO;
    shopper.dataAccessCount = ZERO;
    shopper.activeConsents = ZERO;
    shopper.firstSeenAt = event.block.timestamp;
    if (!address.equals(ZERO_ADDRESS)) {
      let program = loadProgram();
      program.shoppers = program.shoppers.plus(ONE);
      program.save();
    }
  }
  return shopper;
}

/** Makes sure the shopper entity exists (for references from event entities). */
export function ensureShopper(address: Bytes, event: ethereum.Event): void {
  if (Shopper.load(address) == null) loadShopper(address, event).save();
}

export function loadPartner(partnerId: BigInt): Partner {
  let key = partnerKey(partnerId);
  let partner = Partner.load(key);
  if (partner == null) {
    partner = new Partner(key);
    partner.partnerId = partnerId;
    partner.code = Bytes.empty();
    partner.owner = ZERO_ADDRESS;
    partner.payout = ZERO_ADDRESS;
    partner.referralCount = ZERO;
    partner.registeredAt = ZERO;
  }
  return partner;
}

export function loadPartnerBalance(partner: Bytes, token: Bytes): PartnerBalance {
  let key = partner.concat(token);
  let balance = PartnerBalance.load(key);
  if (balance == null) {
    balance = new PartnerBalance(key);
    balance.partner = partner;
    balance.token = token;
    balance.pending = ZERO;
    balance.released = ZERO;
    balance.claimed = ZERO;
    balance.referralCount = ZERO;
  }
  return balance;
}

export function loadConsentScope(scope: Bytes): ConsentScope {
  let entity = ConsentScope.load(scope);
  if (entity == null) {
    entity = new ConsentScope(scope);
    entity.shoppers = ZERO;
    entity.shoppersOptedIn = ZERO;
    entity.optInRate = ZERO_BD;
    entity.activeConsents = ZERO;
    entity.grants = ZERO;
    entity.revocations = ZERO;
  }
  return entity;
}

export function loadDataConsumer(address: Bytes): DataConsumer {
  let consumer = DataConsumer.load(address);
  if (consumer == null) {
    consumer = new DataConsumer(address);
    consumer.deposited = ZERO;
    consumer.withdrawn = ZERO;
    consumer.spent = ZERO;
    consumer.fees = ZERO;
    consumer.accessCount = ZERO;
  }
  return consumer;
}

// ─── Statistics ──────────────────────────────────────────────────────────────────────────────────────

/** Whether this is the first activity of `key` in the current hour ([0]) and day ([1]); records it. */
function firstActivity(key: Bytes, timestamp: BigInt): bool[] {
  let hour = timestamp.div(HOUR);
  let day = timestamp.div(DAY);
  let activity = ShopperActivity.load(key);
  let result: bool[] = [true, true];
  if (activity == null) {
    activity = new ShopperActivity(key);
  } else {
    result[0] = !activity.lastHour.equals(hour);
    result[1] = !activity.lastDay.equals(day);
  }
  activity.lastHour = hour;
  activity.lastDay = day;
  activity.save();
  return result;
}

/**
 * Records points issued to (or redeemed by) `shopper` in the program-wide timeseries and, when the points are
 * attributed to a storefront (`storefront` not null), in the storefront's, counting the shopper as active in
 * the hour and the day the first time it shows up in each.
 */
export function recordPointsActivity(
  event: ethereum.Event,
  storefront: Bytes | null,
  shopper: Bytes,
  issued: BigInt,
  redeemed: BigInt,
): void {
  let timestamp = event.block.timestamp;
  let global = firstActivity(shopper, timestamp);

  let programPoint = new ProgramDataPoint(0); // graph-node assigns id and timestamp
  programPoint.issued = issued;
  programPoint.redeemed = redeemed;
  programPoint.newActiveInHour = global[0] ? 1 : 0;
  programPoint.newActiveInDay = global[1] ? 1 : 0;
  programPoint.dataAccessRevenue = ZERO;
  programPoint.save();

  if (storefront === null) return;
  let local = firstActivity(storefront.concat(shopper), timestamp);
  let storefrontPoint = new StorefrontDataPoint(0);
  storefrontPoint.storefront = storefront;
  storefrontPoint.issued = issued;
  storefrontPoint.redeemed = redeemed;
  storefrontPoint.newActiveInHour = local[0] ? 1 : 0;
  storefrontPoint.newActiveInDay = local[1] ? 1 : 0;
  storefrontPoint.save();
}

/**
 * Records a change of a storefront's referral figures in `token`: a referral recorded (its sale amount and the
 * commission committed) or commission returned to the budget by a refund or void.
 */
export function recordReferralActivity(
  storefront: Bytes,
  token: Bytes,
  referredRevenue: BigInt,
  committed: BigInt,
  returned: BigInt,
  referrals: i32,
): void {
  let point = new ReferralDataPoint(0);
  point.storefront = storefront;
  point.token = token;
  point.referredRevenue = referredRevenue;
  point.commissionsCommitted = committed;
  point.commissionsReturned = returned;
  point.referrals = referrals;
  point.save();
}

/** Records prices paid for data access (payment token) in the program-wide timeseries. */
export function recordDataAccessRevenue(revenue: BigInt): void {
  let programPoint = new ProgramDataPoint(0);
  programPoint.issued = ZERO;
  programPoint.redeemed = ZERO;
  programPoint.newActiveInHour = 0;
  programPoint.newActiveInDay = 0;
  programPoint.dataAccessRevenue = revenue;
  programPoint.save();
}
