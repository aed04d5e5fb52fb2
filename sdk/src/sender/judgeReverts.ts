import type { RevertContext } from "../errors/contractRevertError.js";
import { decodeRevert } from "../errors/decodeRevert.js";
import {
  AccessControlUnauthorizedAccountError,
  EnforcedPauseError,
  InvalidTokenError,
  IssuanceCapExceededError,
  IssuanceCapNotSetError,
  OrderAlreadyRecordedError,
  OrderAlreadyRewardedError,
  ProgramPausedError,
  SupplyCapExceededError,
} from "../generated/errors.js";
import type { Verdict } from "./screenBatch.js";

/** An order of a batch: its number and its points. */
interface BatchOrder {
  orderId: bigint;
  points: bigint;
}

/**
 * How an issuance batch's revert is handled: an order rewarded before is done (its original effects are
 * returned); a supply or issuance cap is split where the batch crosses it (the orders under it go, each order
 * over it gets the cap error with its own numbers); pause, a missing issuer role or cap fail every order; any
 * other revert is narrowed down by halving. Throws what is not a contract revert (a network failure).
 */
export function judgeIssuanceRevert<T extends BatchOrder>(context: RevertContext) {
  return (thrown: unknown, batch: readonly T[]): Verdict<T> => {
    const error = decodeRevert(thrown, context);
    if (!error) throw thrown;
    if (error instanceof OrderAlreadyRewardedError) {
      const done = batch.filter((order) => order.orderId === error.orderId);
      return done.length > 0 ? { done } : { unknown: error };
    }
    if (error instanceof IssuanceCapExceededError) {
      const { storefront, capPerPeriod, periodStart, issuedInPeriod } = error;
      return splitAtCap(batch, capPerPeriod - issuedInPeriod, (order, before) =>
        new IssuanceCapExceededError({ storefront, capPerPeriod, periodStart, issuedInPeriod: issuedInPeriod + before, amount: order.points }, context),
      );
    }
    if (error instanceof SupplyCapExceededError) {
      const total = batch.reduce((sum, order) => sum + order.points, 0n);
      const supply = error.newSupply > total ? error.newSupply - total : 0n;
      return splitAtCap(batch, error.supplyCap - supply, (order, before) =>
        new SupplyCapExceededError({ supplyCap: error.supplyCap, newSupply: supply + before + order.points }, context),
      );
    }
    if (error instanceof EnforcedPauseError || error instanceof AccessControlUnauthorizedAccountError || error instanceof IssuanceCapNotSetError) return { all: error };
    return { unknown: error };
  };
}

/**
 * The orders of the batch, in order, that fit in `room`, and a cap error for each one after them. At least one
 * order is taken out (the cap was crossed), so that screening always moves on. Each error says what the
 * period (or the supply) holds once the orders under the cap are issued, and the order's own points.
 */
function splitAtCap<T extends BatchOrder>(
  batch: readonly T[],
  room: bigint,
  errorOf: (order: T, issuedBefore: bigint) => IssuanceCapExceededError | SupplyCapExceededError,
): Verdict<T> {
  let under = 0n;
  let fits = 0;
  while (fits < batch.length && under + batch[fits]!.points <= room) under += batch[fits++]!.points;
  if (fits === batch.length) fits = batch.length - 1;
  const issuedBefore = batch.slice(0, fits).reduce((sum, order) => sum + order.points, 0n);
  const rejected = batch.slice(fits).map((order) => ({ item: order, error: errorOf(order, issuedBefore) }));
  return { rejected };
}

/**
 * How a referral batch's revert is handled: a sale recorded before is done; pause fails every sale; any other
 * revert (self-referral, a partner not enrolled, a partner's cap, the budget) is narrowed down by halving.
 */
export function judgeReferralRevert<T extends { orderId: bigint }>(context: RevertContext) {
  return (thrown: unknown, batch: readonly T[]): Verdict<T> => {
    const error = decodeRevert(thrown, context);
    if (!error) throw thrown;
    if (error instanceof OrderAlreadyRecordedError) {
      const done = batch.filter((sale) => sale.orderId === error.orderId);
      return done.length > 0 ? { done } : { unknown: error };
    }
    if (error instanceof EnforcedPauseError || error instanceof ProgramPausedError || error instanceof InvalidTokenError) return { all: error };
    return { unknown: error };
  };
}
