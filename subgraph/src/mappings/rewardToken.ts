// RewardToken: points issued, pending, released, voided, clawed back, expired and redeemed.
//
// Every issuance and redemption is an ERC-20 Transfer (who and how much) followed by a lean event (which
// storefront, which order or reference). handleTransfer stores each Transfer as an immutable entity keyed by
// transaction hash ++ log index; the lean event's handler loads the Transfer at the log index the event's
// documentation gives (logIndex - 1, or logIndex - n + i in a batch). No handler calls the chain.
import { BigInt, Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import {
  ExpiryPeriodSet,
  IssuanceCapSet,
  IssuerKeySet,
  Paused,
  PendingPointsVoided,
  PointsClawedBack,
  PointsExpired,
  PointsIssued,
  PointsIssuedForOrderRange,
  PointsIssuedInBatch,
  PointsPending,
  PointsRedeemed,
  PointsReleased,
  StorefrontPolicySet,
  SupplyCapSet,
  Transfer as TransferEvent,
  TransfersLockedSet,
  Unpaused,
} from "../../generated/RewardToken/RewardToken";
import { Clawback, Expiry, Issuance, PendingVoid, Redemption, Release, Transfer } from "../../generated/schema";
import { recordIssuerKey } from "../issuerKeys";
import {
  eventId,
  loadProgram,
  loadShopper,
  loadStorefront,
  logId,
  minusFloor,
  ONE,
  ratio,
  recordPointsActivity,
  redemptionShare,
  ZERO_ADDRESS,
} from "../utils";

// ─── Transfers ───────────────────────────────────────────────────────────────────────────────────────

export function handleTransfer(event: TransferEvent): void {
  let from = event.params.from;
  let to = event.params.to;
  let value = event.params.value;

  let transfer = new Transfer(eventId(event));
  transfer.from = from;
  transfer.to = to;
  transfer.value = value;
  transfer.blockNumber = event.block.number;
  transfer.timestamp = event.block.timestamp;
  transfer.transactionHash = event.transaction.hash;
  transfer.logIndex = event.logIndex;

  if (!from.equals(ZERO_ADDRESS)) {
    let sender = loadShopper(from, event);
    sender.balance = minusFloor(sender.balance, value);
    sender.save();
    transfer.sender = from;
  }
  if (!to.equals(ZERO_ADDRESS)) {
    let receiver = loadShopper(to, event);
    receiver.balance = receiver.balance.plus(value);
    receiver.save();
    transfer.receiver = to;
  }
  // After the shoppers: loadShopper saves the Program when it counts a new shopper.
  if (from.equals(ZERO_ADDRESS) || to.equals(ZERO_ADDRESS)) {
    let program = loadProgram();
    if (from.equals(ZERO_ADDRESS)) program.totalSupply = program.totalSupply.plus(value);
    if (to.equals(ZERO_ADDRESS)) program.totalSupply = minusFloor(program.totalSupply, value);
    program.save();
  }
  transfer.save();
}

/** The Transfer at `logIndex` of the event's transaction; logs an error when it is not there. */
function pairedTransfer(event: ethereum.Event, logIndex: i32, what: string): Transfer | null {
  let transfer = Transfer.load(logId(event.transaction.hash, logIndex));
  if (transfer == null) {
    log.error("{}: no Transfer at log index {} of transaction {}", [
      what,
      logIndex.toString(),
      event.transaction.hash.toHexString(),
    ]);
  }
  return transfer;
}

// ─── Issuance ────────────────────────────────────────────────────────────────────────────────────────

/** Records points minted to a shopper for a storefront's order, from its Transfer. */
function issue(event: ethereum.Event, storefrontAddress: Bytes, orderId: BigInt, transfer: Transfer, kind: string): void {
  let amount = transfer.value;
  let shopperAddress = transfer.to;

  let issuance = new Issuance(transfer.id);
  issuance.storefront = storefrontAddress;
  issuance.shopper = shopperAddress;
  issuance.orderId = orderId;
  issuance.amount = amount;
  issuance.kind = kind;
  issuance.pending = false;
  issuance.transfer = transfer.id;
  issuance.blockNumber = event.block.number;
  issuance.timestamp = event.block.timestamp;
  issuance.transactionHash = event.transaction.hash;
  issuance.save();

  let storefront = loadStorefront(storefrontAddress);
  storefront.issued = storefront.issued.plus(amount);
  storefront.issuanceCount = storefront.issuanceCount.plus(ONE);
  storefront.redemptionRate = redemptionShare(storefront.issued, storefront.redeemed);
  storefront.save();

  let shopper = loadShopper(shopperAddress, event);
  shopper.earned = shopper.earned.plus(amount);
  shopper.save();

  let program = loadProgram();
  program.issued = program.issued.plus(amount);
  program.redemptionRate = ratio(program.redeemed, program.issued);
  program.save();

  recordPointsActivity(event, storefrontAddress, shopperAddress, amount, BigInt.zero());
}

export function handlePointsIssued(event: PointsIssued): void {
  let transfer = pairedTransfer(event, event.logIndex.toI32() - 1, "PointsIssued");
  if (transfer == null) return;
  issue(event, event.params.storefront, event.params.orderId, transfer, "Single");
}

export function handlePointsIssuedInBatch(event: PointsIssuedInBatch): void {
  let orderIds = event.params.orderIds;
  let first = event.logIndex.toI32() - orderIds.length;
  for (let i = 0; i < orderIds.length; i++) {
    let transfer = pairedTransfer(event, first + i, "PointsIssuedInBatch");
    if (transfer == null) continue;
    issue(event, event.params.storefront, orderIds[i], transfer, "Batch");
  }
}

export function handlePointsIssuedForOrderRange(event: PointsIssuedForOrderRange): void {
  let count = event.params.count.toI32();
  let first = event.logIndex.toI32() - count;
  for (let i = 0; i < count; i++) {
    let transfer = pairedTransfer(event, first + i, "PointsIssuedForOrderRange");
    if (transfer == null) continue;
    issue(event, event.params.storefront, event.params.firstOrderId.plus(BigInt.fromI32(i)), transfer, "Range");
  }
}

export function handlePointsPending(event: PointsPending): void {
  let amount = event.params.amount;

  let issuance = new Issuance(eventId(event));
  issuance.storefront = event.params.storefront;
  issuance.shopper = event.params.shopper;
  issuance.orderId = event.params.orderId;
  issuance.amount = amount;
  issuance.kind = "Pending";
  issuance.pending = true;
  issuance.releaseTime = event.params.releaseTime;
  issuance.blockNumber = event.block.number;
  issuance.timestamp = event.block.timestamp;
  issuance.transactionHash = event.transaction.hash;
  issuance.save();

  let storefront = loadStorefront(event.params.storefront);
  storefront.pending = storefront.pending.plus(amount);
  storefront.issuanceCount = storefront.issuanceCount.plus(ONE);
  storefront.save();

  let shopper = loadShopper(event.params.shopper, event);
  shopper.pending = shopper.pending.plus(amount);
  shopper.save();
}

export function handlePointsReleased(event: PointsReleased): void {
  let transfer = pairedTransfer(event, event.logIndex.toI32() - 1, "PointsReleased");
  if (transfer == null) return;
  let amount = transfer.value;

  let release = new Release(eventId(event));
  release.storefront = event.params.storefront;
  release.shopper = transfer.to;
  release.orderId = event.params.orderId;
  release.amount = amount;
  release.transfer = transfer.id;
  release.blockNumber = event.block.number;
  release.timestamp = event.block.timestamp;
  release.transactionHash = event.transaction.hash;
  release.save();

  let storefront = loadStorefront(event.params.storefront);
  storefront.pending = minusFloor(storefront.pending, amount);
  storefront.issued = storefront.issued.plus(amount);
  storefront.redemptionRate = redemptionShare(storefront.issued, storefront.redeemed);
  storefront.save();

  let shopper = loadShopper(transfer.to, event);
  shopper.pending = minusFloor(shopper.pending, amount);
  shopper.earned = shopper.earned.plus(amount);
  shopper.save();

  let program = loadProgram();
  program.issued = program.issued.plus(amount);
  program.redemptionRate = ratio(program.redeemed, program.issued);
  program.save();

  recordPointsActivity(event, event.params.storefront, transfer.to, amount, BigInt.zero());
}

export function handlePendingPointsVoided(event: PendingPointsVoided): void {
  let amount = event.params.amount;

  let pendingVoid = new PendingVoid(eventId(event));
  pendingVoid.storefront = event.params.storefront;
  pendingVoid.shopper = event.params.shopper;
  pendingVoid.orderId = event.params.orderId;
  pendingVoid.amount = amount;
  pendingVoid.remaining = event.params.remaining;
  pendingVoid.blockNumber = event.block.number;
  pendingVoid.timestamp = event.block.timestamp;
  pendingVoid.transactionHash = event.transaction.hash;
  pendingVoid.save();

  let storefront = loadStorefront(event.params.storefront);
  storefront.pending = minusFloor(storefront.pending, amount);
  storefront.voided = storefront.voided.plus(amount);
  storefront.save();

  let shopper = loadShopper(event.params.shopper, event);
  shopper.pending = minusFloor(shopper.pending, amount);
  shopper.save();
}

export function handlePointsClawedBack(event: PointsClawedBack): void {
  let burned = event.params.amount.minus(event.params.shortfall);

  let clawback = new Clawback(eventId(event));
  clawback.storefront = event.params.storefront;
  clawback.shopper = event.params.shopper;
  clawback.orderId = event.params.orderId;
  clawback.amount = event.params.amount;
  clawback.shortfall = event.params.shortfall;
  clawback.burned = burned;
  clawback.blockNumber = event.block.number;
  clawback.timestamp = event.block.timestamp;
  clawback.transactionHash = event.transaction.hash;
  clawback.save();

  let storefront = loadStorefront(event.params.storefront);
  storefront.clawedBack = storefront.clawedBack.plus(burned);
  storefront.clawbackShortfall = storefront.clawbackShortfall.plus(event.params.shortfall);
  storefront.save();

  let shopper = loadShopper(event.params.shopper, event);
  shopper.clawedBack = shopper.clawedBack.plus(burned);
  shopper.save();
}

export function handlePointsExpired(event: PointsExpired): void {
  let amount = event.params.amount;

  let expiry = new Expiry(eventId(event));
  expiry.shopper = event.params.holder;
  expiry.amount = amount;
  expiry.blockNumber = event.block.number;
  expiry.timestamp = event.block.timestamp;
  expiry.transactionHash = event.transaction.hash;
  expiry.save();

  let shopper = loadShopper(event.params.holder, event);
  shopper.expired = shopper.expired.plus(amount);
  shopper.save();

  let program = loadProgram();
  program.expired = program.expired.plus(amount);
  program.save();
}

// ─── Redemption ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A redemption burns the shopper's points (its Transfer) and names the storefront it is attributed to, or the
 * zero address when no storefront took part: then it counts program-wide and for the shopper, at no storefront.
 */
export function handlePointsRedeemed(event: PointsRedeemed): void {
  let transfer = pairedTransfer(event, event.logIndex.toI32() - 1, "PointsRedeemed");
  if (transfer == null) return;
  let amount = transfer.value;
  let shopperAddress = transfer.from;
  let attributed = !event.params.storefront.equals(ZERO_ADDRESS);

  let redemption = new Redemption(eventId(event));
  if (attributed) redemption.storefront = event.params.storefront;
  redemption.shopper = shopperAddress;
  redemption.amount = amount;
  redemption.ref = event.params.ref;
  redemption.transfer = transfer.id;
  redemption.blockNumber = event.block.number;
  redemption.timestamp = event.block.timestamp;
  redemption.transactionHash = event.transaction.hash;
  redemption.save();

  if (attributed) {
    let storefront = loadStorefront(event.params.storefront);
    storefront.redeemed = storefront.redeemed.plus(amount);
    storefront.redemptionCount = storefront.redemptionCount.plus(ONE);
    storefront.redemptionRate = redemptionShare(storefront.issued, storefront.redeemed);
    storefront.save();
  }

  let shopper = loadShopper(shopperAddress, event);
  shopper.redeemed = shopper.redeemed.plus(amount);
  shopper.save();

  let program = loadProgram();
  program.redeemed = program.redeemed.plus(amount);
  if (!attributed) program.redeemedUnattributed = program.redeemedUnattributed.plus(amount);
  program.redemptionRate = ratio(program.redeemed, program.issued);
  program.save();

  let storefrontAddress: Bytes | null = attributed ? (event.params.storefront as Bytes) : null;
  recordPointsActivity(event, storefrontAddress, shopperAddress, BigInt.zero(), amount);
}

// ─── Settings ────────────────────────────────────────────────────────────────────────────────────────

export function handleIssuanceCapSet(event: IssuanceCapSet): void {
  let storefront = loadStorefront(event.params.storefront);
  storefront.capPerPeriod = event.params.capPerPeriod;
  storefront.capPeriod = event.params.capPeriod;
  storefront.save();
}

export function handleStorefrontPolicySet(event: StorefrontPolicySet): void {
  let storefront = loadStorefront(event.params.storefront);
  storefront.returnWindow = event.params.returnWindow;
  storefront.clawbackAllowed = event.params.clawbackAllowed;
  storefront.save();
}

export function handleTransfersLockedSet(event: TransfersLockedSet): void {
  let program = loadProgram();
  program.transfersLocked = event.params.locked;
  program.save();
}

export function handleSupplyCapSet(event: SupplyCapSet): void {
  let program = loadProgram();
  program.supplyCap = event.params.supplyCap;
  program.save();
}

export function handleExpiryPeriodSet(event: ExpiryPeriodSet): void {
  let program = loadProgram();
  program.expiryPeriod = event.params.expiryPeriod;
  program.save();
}

export function handlePaused(event: Paused): void {
  let program = loadProgram();
  program.paused = true;
  program.save();
}

export function handleUnpaused(event: Unpaused): void {
  let program = loadProgram();
  program.paused = false;
  program.save();
}

/** A signer key authorised or removed by a storefront on RewardToken. */
export function handleIssuerKeySet(event: IssuerKeySet): void {
  recordIssuerKey(event, "RewardToken", event.params.storefront, event.params.key, event.params.authorised);
}
