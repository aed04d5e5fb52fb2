// ReferralEscrow: partners, enrolments, budgets, referrals through their lifecycle, and payouts.
//
// A referral is Pending from ReferralRecorded until an event moves it: ReferralReleasedEarly (Released),
// ReferralRefunded at 10,000 bps or ReferralVoided (Voided), or a claim (Claimed). A referral whose hold
// period simply ran out emits nothing, so it stays Pending (and its commission in PartnerBalance.pending) until it
// is claimed; compare `releaseTime` with the current time to tell those apart. Every amount is in a referral's
// token, so every figure lives on an entity or data point keyed by its token: Budget (storefront ++ token),
// PartnerBalance (partner ++ token), ReferralDataPoint.
import { BigInt, Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import {
  BudgetFunded,
  BudgetWithdrawn,
  ClaimSkipped,
  CommissionsClaimed,
  CommissionsClaimedFrom,
  HoldPeriodSet,
  IssuerKeySet,
  MaxCommissionRateSet,
  PartnerEnrolled,
  PartnerRegistered,
  PartnerRemoved,
  PayoutAddressChanged,
  ProgramPausedSet,
  ReferralCapSet,
  ReferralRecorded,
  ReferralRefunded,
  ReferralReleasedEarly,
  ReferralVoided,
} from "../../generated/ReferralEscrow/ReferralEscrow";
import { Budget, Enrolment, Payout, Referral, ReferralChange } from "../../generated/schema";
import { recordIssuerKey } from "../issuerKeys";
import {
  eventId,
  loadPartner,
  loadPartnerBalance,
  loadProgram,
  loadStorefront,
  minusFloor,
  ONE,
  partnerKey,
  recordReferralActivity,
  referralKey,
  ZERO,
} from "../utils";

const FULL_REFUND_BPS = 10000;
/** `IReferralEscrow.ClaimSkipReason`, in its order. */
const CLAIM_SKIP_REASONS = ["AlreadyClaimed", "Voided", "NotReleased"];

function loadBudget(storefront: Bytes, token: Bytes): Budget {
  let key = storefront.concat(token);
  let budget = Budget.load(key);
  if (budget == null) {
    budget = new Budget(key);
    budget.storefront = storefront;
    budget.token = token;
    budget.funded = ZERO;
    budget.withdrawn = ZERO;
    budget.committed = ZERO;
    budget.returned = ZERO;
    budget.available = ZERO;
    budget.referredRevenue = ZERO;
    budget.commissions = ZERO;
    budget.referralCount = ZERO;
  }
  return budget;
}

/** Makes sure the storefront entity exists (budgets, enrolments and referrals reference it). */
function ensureStorefront(address: Bytes): void {
  loadStorefront(address).save();
}

function recordChange(
  id: Bytes,
  event: ethereum.Event,
  referral: Referral,
  kind: string,
  commissionReturned: BigInt,
  skipReason: string | null = null,
): void {
  let change = new ReferralChange(id);
  if (skipReason !== null) change.skipReason = skipReason;
  change.referral = referral.id;
  change.kind = kind;
  change.refundedBps = referral.refundedBps;
  change.commissionReturned = commissionReturned;
  change.commissionRemaining = referral.commissionRemaining;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

function loadReferral(storefront: Bytes, orderId: BigInt, what: string): Referral | null {
  let referral = Referral.load(referralKey(storefront, orderId));
  if (referral == null) {
    log.error("{}: no referral for storefront {} order {}", [what, storefront.toHexString(), orderId.toString()]);
  }
  return referral;
}

/** Moves `amount` of a partner's commission in `token` from pending to released. */
function releaseCommission(partnerId: Bytes, token: Bytes, amount: BigInt): void {
  let balance = loadPartnerBalance(partnerId, token);
  balance.pending = minusFloor(balance.pending, amount);
  balance.released = balance.released.plus(amount);
  balance.save();
}

/** Commission that went back from escrow to the storefront's budget (refund or void). */
function returnCommission(event: ethereum.Event, referral: Referral, amount: BigInt): void {
  let budget = loadBudget(referral.storefront, referral.token);
  budget.returned = budget.returned.plus(amount);
  budget.available = budget.available.plus(amount);
  budget.commissions = budget.commissions.minus(amount);
  budget.save();

  let balance = loadPartnerBalance(referral.partner, referral.token);
  balance.pending = minusFloor(balance.pending, amount);
  balance.save();

  recordReferralActivity(referral.storefront, referral.token, ZERO, ZERO, amount, 0);
}

// ─── Partners and programs ───────────────────────────────────────────────────────────────────────────

export function handlePartnerRegistered(event: PartnerRegistered): void {
  let partner = loadPartner(event.params.partnerId);
  partner.code = event.params.code;
  partner.owner = event.params.owner;
  partner.payout = event.params.payout;
  partner.registeredAt = event.block.timestamp;
  partner.save();

  let program = loadProgram();
  program.partners = program.partners.plus(ONE);
  program.save();
}

export function handlePayoutAddressChanged(event: PayoutAddressChanged): void {
  let partner = loadPartner(event.params.partnerId);
  partner.payout = event.params.payout;
  partner.save();
}

export function handlePartnerEnrolled(event: PartnerEnrolled): void {
  ensureStorefront(event.params.storefront);
  let partner = loadPartner(event.params.partnerId);
  partner.save();
  let key = event.params.storefront.concat(partner.id);
  let enrolment = Enrolment.load(key);
  if (enrolment == null) {
    enrolment = new Enrolment(key);
    enrolment.storefront = event.params.storefront;
    enrolment.partner = partner.id;
  }
  enrolment.rateBps = event.params.rateBps;
  enrolment.fixedCommission = event.params.fixedCommission;
  enrolment.active = true;
  enrolment.save();
}

export function handlePartnerRemoved(event: PartnerRemoved): void {
  let enrolment = Enrolment.load(event.params.storefront.concat(partnerKey(event.params.partnerId)));
  if (enrolment == null) return;
  enrolment.active = false;
  enrolment.save();
}

export function handleHoldPeriodSet(event: HoldPeriodSet): void {
  let storefront = loadStorefront(event.params.storefront);
  storefront.holdPeriod = event.params.holdPeriod;
  storefront.save();
}

export function handleReferralCapSet(event: ReferralCapSet): void {
  let storefront = loadStorefront(event.params.storefront);
  storefront.maxReferralsPerPeriod = event.params.maxReferralsPerPeriod;
  storefront.referralCapPeriod = event.params.period;
  storefront.save();
}

export function handleProgramPausedSet(event: ProgramPausedSet): void {
  let storefront = loadStorefront(event.params.storefront);
  storefront.programPaused = event.params.paused;
  storefront.save();
}

export function handleMaxCommissionRateSet(event: MaxCommissionRateSet): void {
  let program = loadProgram();
  program.maxCommissionRateBps = event.params.maxRateBps;
  program.save();
}

// ─── Budgets ─────────────────────────────────────────────────────────────────────────────────────────

export function handleBudgetFunded(event: BudgetFunded): void {
  ensureStorefront(event.params.storefront);
  let budget = loadBudget(event.params.storefront, event.params.token);
  budget.funded = budget.funded.plus(event.params.amount);
  budget.available = budget.available.plus(event.params.amount);
  budget.save();
}

export function handleBudgetWithdrawn(event: BudgetWithdrawn): void {
  ensureStorefront(event.params.storefront);
  let budget = loadBudget(event.params.storefront, event.params.token);
  budget.withdrawn = budget.withdrawn.plus(event.params.amount);
  budget.available = minusFloor(budget.available, event.params.amount);
  budget.save();
}

// ─── Referral lifecycle ──────────────────────────────────────────────────────────────────────────────

export function handleReferralRecorded(event: ReferralRecorded): void {
  let commission = event.params.commission;
  let storefrontAddress = event.params.storefront;

  let partner = loadPartner(event.params.partnerId);
  partner.referralCount = partner.referralCount.plus(ONE);
  partner.save();

  let balance = loadPartnerBalance(partner.id, event.params.token);
  balance.pending = balance.pending.plus(commission);
  balance.referralCount = balance.referralCount.plus(ONE);
  balance.save();

  let storefront = loadStorefront(storefrontAddress);
  storefront.referralCount = storefront.referralCount.plus(ONE);
  storefront.save();

  let budget = loadBudget(storefrontAddress, event.params.token);
  budget.committed = budget.committed.plus(commission);
  budget.available = minusFloor(budget.available, commission);
  budget.referredRevenue = budget.referredRevenue.plus(event.params.saleAmount);
  budget.commissions = budget.commissions.plus(commission);
  budget.referralCount = budget.referralCount.plus(ONE);
  budget.save();

  let referral = new Referral(referralKey(storefrontAddress, event.params.orderId));
  referral.storefront = storefrontAddress;
  referral.orderId = event.params.orderId;
  referral.partner = partner.id;
  referral.buyer = event.params.buyer;
  referral.token = event.params.token;
  referral.saleAmount = event.params.saleAmount;
  referral.commission = commission;
  referral.commissionRemaining = commission;
  referral.refundedBps = 0;
  referral.releaseTime = event.params.releaseTime;
  referral.status = "Pending";
  referral.recordedAt = event.block.timestamp;
  referral.save();

  recordChange(eventId(event), event, referral, "Recorded", ZERO);
  recordReferralActivity(storefrontAddress, event.params.token, event.params.saleAmount, commission, ZERO, 1);
}

export function handleReferralRefunded(event: ReferralRefunded): void {
  let referral = loadReferral(event.params.storefront, event.params.orderId, "ReferralRefunded");
  if (referral == null) return;
  referral.refundedBps = event.params.refundedBps;
  referral.commissionRemaining = event.params.commissionRemaining;
  if (event.params.refundedBps >= FULL_REFUND_BPS) referral.status = "Voided";
  referral.save();

  returnCommission(event, referral, event.params.commissionVoided);
  recordChange(eventId(event), event, referral, "Refunded", event.params.commissionVoided);
}

export function handleReferralVoided(event: ReferralVoided): void {
  let referral = loadReferral(event.params.storefront, event.params.orderId, "ReferralVoided");
  if (referral == null) return;
  referral.commissionRemaining = ZERO;
  // As voidReferral stores it: a void is a full refund (referralOf(...).refundedBps reads 10,000).
  referral.refundedBps = FULL_REFUND_BPS;
  referral.status = "Voided";
  referral.save();

  returnCommission(event, referral, event.params.commission);
  recordChange(eventId(event), event, referral, "Voided", event.params.commission);
}

export function handleReferralReleasedEarly(event: ReferralReleasedEarly): void {
  let referral = loadReferral(event.params.storefront, event.params.orderId, "ReferralReleasedEarly");
  if (referral == null) return;
  referral.releaseTime = event.params.releaseTime;
  referral.status = "Released";
  referral.save();

  releaseCommission(referral.partner, referral.token, referral.commissionRemaining);
  recordChange(eventId(event), event, referral, "ReleasedEarly", ZERO);
}

// ─── Payouts ─────────────────────────────────────────────────────────────────────────────────────────

/** Marks a claimed referral, returns its id (null when unknown). */
function claimReferral(event: ethereum.Event, changeId: Bytes, storefront: Bytes, orderId: BigInt): Bytes | null {
  let referral = loadReferral(storefront, orderId, "CommissionsClaimed");
  if (referral == null) return null;
  if (referral.status == "Pending") {
    // Its hold period ran out without an event: released now, as far as the subgraph can tell.
    releaseCommission(referral.partner, referral.token, referral.commissionRemaining);
  }
  referral.status = "Claimed";
  referral.save();
  recordChange(changeId, event, referral, "Claimed", ZERO);
  return referral.id;
}

function recordPayout(event: ethereum.Event, partnerId: BigInt, token: Bytes, amount: BigInt, referrals: Bytes[]): void {
  let partner = loadPartner(partnerId);
  partner.save();

  let balance = loadPartnerBalance(partner.id, token);
  balance.claimed = balance.claimed.plus(amount);
  balance.save();

  let payout = new Payout(eventId(event));
  payout.partner = partner.id;
  payout.token = token;
  payout.amount = amount;
  payout.to = partner.payout;
  payout.referrals = referrals;
  payout.blockNumber = event.block.number;
  payout.timestamp = event.block.timestamp;
  payout.transactionHash = event.transaction.hash;
  payout.save();
}

export function handleCommissionsClaimed(event: CommissionsClaimed): void {
  let keys = event.params.referrals;
  let base = eventId(event);
  let claimed: Bytes[] = [];
  for (let i = 0; i < keys.length; i++) {
    let id = claimReferral(event, base.concatI32(i), keys[i].storefront, keys[i].orderId);
    if (id !== null) claimed.push(id);
  }
  recordPayout(event, event.params.partnerId, event.params.token, event.params.amount, claimed);
}

export function handleCommissionsClaimedFrom(event: CommissionsClaimedFrom): void {
  let orderIds = event.params.orderIds;
  let base = eventId(event);
  let claimed: Bytes[] = [];
  for (let i = 0; i < orderIds.length; i++) {
    let id = claimReferral(event, base.concatI32(i), event.params.storefront, orderIds[i]);
    if (id !== null) claimed.push(id);
  }
  recordPayout(event, event.params.partnerId, event.params.token, event.params.amount, claimed);
}

/** A claim named a referral it could not pay: nothing moved, the audit trail keeps why. */
export function handleClaimSkipped(event: ClaimSkipped): void {
  let referral = loadReferral(event.params.storefront, event.params.orderId, "ClaimSkipped");
  if (referral == null) return;
  let reason = event.params.reason;
  let why: string | null = null;
  if (reason >= 0 && reason < CLAIM_SKIP_REASONS.length) why = CLAIM_SKIP_REASONS[reason];
  recordChange(eventId(event), event, referral, "ClaimSkipped", ZERO, why);
}

/** A signer key authorised or removed by a storefront on ReferralEscrow. */
export function handleIssuerKeySet(event: IssuerKeySet): void {
  recordIssuerKey(event, "ReferralEscrow", event.params.storefront, event.params.key, event.params.authorised);
}
