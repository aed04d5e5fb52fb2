// DataAccessPayments: consumers' deposits, paid accesses to shoppers' data, and shoppers' earnings.
//
// A single access is one AccessRecorded. A batch emits DataAccessed(shopper, price) per access, then
// AccessesRecorded(consumer, scope, count, total, fee, feeBps) naming the consumer, the scope and the fee rate
// of the `count` logs before it: handleDataAccessed keeps each as a DataAccessedLog, and
// handleAccessesRecorded turns them into DataAccess entities. A DataAccessed log carries no fee: each access's
// fee is the contract's own rule, price * feeBps / 10,000 rounded down per access, whose sum is the event's
// `fee`. The consumer's totals and the statistics take `total` and `fee` from the event, and the accesses add
// up to them: should the rule ever disagree with the event, the last access takes the difference (and an
// error is logged), so that no figure drifts from another.
import { BigInt, Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import {
  AccessesRecorded,
  AccessRecorded,
  DataAccessed,
  Deposited,
  DepositWithdrawn,
  EarningsWithdrawn,
  FeeSet,
  Paused,
  Unpaused,
} from "../../generated/DataAccessPayments/DataAccessPayments";
import { ConsentScope, ConsumerDataPoint, DataAccess, DataAccessedLog } from "../../generated/schema";
import {
  eventId,
  loadConsentScope,
  loadDataConsumer,
  loadProgram,
  loadShopper,
  logId,
  ONE,
  recordDataAccessRevenue,
} from "../utils";

const BPS = BigInt.fromI32(10000);

function ensureScope(scope: Bytes): void {
  if (ConsentScope.load(scope) == null) loadConsentScope(scope).save();
}

/** One paid access: the DataAccess entity and the shopper's earnings. */
function recordAccess(
  id: Bytes,
  event: ethereum.Event,
  consumer: Bytes,
  shopperAddress: Bytes,
  scope: Bytes,
  price: BigInt,
  fee: BigInt,
  batch: bool,
): void {
  let earning = price.minus(fee);
  let shopper = loadShopper(shopperAddress, event);
  shopper.dataEarnings = shopper.dataEarnings.plus(earning);
  shopper.dataAccessCount = shopper.dataAccessCount.plus(ONE);
  shopper.save();

  let access = new DataAccess(id);
  access.consumer = consumer;
  access.shopper = shopperAddress;
  access.scope = scope;
  access.price = price;
  access.fee = fee;
  access.shopperEarning = earning;
  access.batch = batch;
  access.blockNumber = event.block.number;
  access.timestamp = event.block.timestamp;
  access.transactionHash = event.transaction.hash;
  access.save();
}

/** The consumer's totals and the statistics of `count` accesses paying `revenue`, `fees` of it to the platform. */
function recordPayment(consumerAddress: Bytes, revenue: BigInt, fees: BigInt, count: i32): void {
  let consumer = loadDataConsumer(consumerAddress);
  consumer.spent = consumer.spent.plus(revenue);
  consumer.fees = consumer.fees.plus(fees);
  consumer.accessCount = consumer.accessCount.plus(BigInt.fromI32(count));
  consumer.save();

  let point = new ConsumerDataPoint(0); // graph-node assigns id and timestamp
  point.consumer = consumerAddress;
  point.revenue = revenue;
  point.fees = fees;
  point.accesses = count;
  point.save();

  recordDataAccessRevenue(revenue);
}

export function handleAccessRecorded(event: AccessRecorded): void {
  ensureScope(event.params.scope);
  recordPayment(event.params.consumer, event.params.price, event.params.fee, 1);
  recordAccess(
    eventId(event),
    event,
    event.params.consumer,
    event.params.shopper,
    event.params.scope,
    event.params.price,
    event.params.fee,
    false,
  );
}

export function handleDataAccessed(event: DataAccessed): void {
  let entry = new DataAccessedLog(eventId(event));
  entry.shopper = event.params.shopper;
  entry.price = event.params.price;
  entry.save();
}

export function handleAccessesRecorded(event: AccessesRecorded): void {
  let count = event.params.count.toI32();
  let feeBps = BigInt.fromI32(event.params.feeBps);
  let first = event.logIndex.toI32() - count;
  ensureScope(event.params.scope);
  recordPayment(event.params.consumer, event.params.total, event.params.fee, count);

  let entries: DataAccessedLog[] = [];
  let fees: BigInt[] = [];
  let feeSum = BigInt.zero();
  for (let i = 0; i < count; i++) {
    let entry = DataAccessedLog.load(logId(event.transaction.hash, first + i));
    if (entry == null) {
      log.error("AccessesRecorded: no DataAccessed at log index {} of transaction {}", [
        (first + i).toString(),
        event.transaction.hash.toHexString(),
      ]);
      continue;
    }
    let fee = entry.price.times(feeBps).div(BPS);
    entries.push(entry);
    fees.push(fee);
    feeSum = feeSum.plus(fee);
  }
  let last = entries.length - 1;
  if (last >= 0 && !feeSum.equals(event.params.fee)) {
    log.error("AccessesRecorded: per-access fees add up to {}, the event says {} (transaction {})", [
      feeSum.toString(),
      event.params.fee.toString(),
      event.transaction.hash.toHexString(),
    ]);
    fees[last] = fees[last].plus(event.params.fee.minus(feeSum));
  }
  for (let i = 0; i < entries.length; i++) {
    let entry = entries[i];
    recordAccess(entry.id, event, event.params.consumer, entry.shopper, event.params.scope, entry.price, fees[i], true);
  }
}

export function handleDeposited(event: Deposited): void {
  let consumer = loadDataConsumer(event.params.consumer);
  consumer.deposited = consumer.deposited.plus(event.params.amount);
  consumer.save();
}

export function handleDepositWithdrawn(event: DepositWithdrawn): void {
  let consumer = loadDataConsumer(event.params.consumer);
  consumer.withdrawn = consumer.withdrawn.plus(event.params.amount);
  consumer.save();
}

export function handleEarningsWithdrawn(event: EarningsWithdrawn): void {
  let shopper = loadShopper(event.params.account, event);
  shopper.dataEarningsWithdrawn = shopper.dataEarningsWithdrawn.plus(event.params.amount);
  shopper.save();
}

export function handleFeeSet(event: FeeSet): void {
  let program = loadProgram();
  program.dataAccessFeeBps = event.params.feeBps;
  program.dataAccessFeeRecipient = event.params.feeRecipient;
  program.save();
}

export function handlePaused(event: Paused): void {
  let program = loadProgram();
  program.dataAccessPaused = true;
  program.save();
}

export function handleUnpaused(event: Unpaused): void {
  let program = loadProgram();
  program.dataAccessPaused = false;
  program.save();
}
