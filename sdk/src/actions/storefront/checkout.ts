import { type Address, type Hash, type Hex, parseEventLogs } from "viem";

import type { DcrmClient } from "../../client/createDcrmClient.js";
import type { ContractRevertError } from "../../errors/contractRevertError.js";
import type { AccountRequiredError, InvalidParameterError } from "../../errors/clientErrors.js";
import { abis } from "../../internal/contracts.js";
import { findOrderIssuance } from "../../internal/orderIssuance.js";
import { findRecordedReferral, referralsInLogs } from "../../internal/referralRecord.js";
import { read, simulate, transact, walletOf } from "../../internal/transact.js";
import * as check from "../../internal/validate.js";

/** A referred sale to record with the order. */
export interface CheckoutReferral {
  /** The partner's referral code: its bytes32, or the code as text (hashed with keccak256). */
  code: Hex | string;
  /** The sale, in units of `token` (the base of a rate commission). */
  saleAmount: bigint;
  /** The budget token the commission is paid in; defaults to the deployment's only token. */
  token?: Address;
}

export type CheckoutParameters = {
  /** The storefront's order number (each is rewarded at most once, ever). */
  orderId: bigint | number;
  shopper: Address;
  referral?: CheckoutReferral;
  /** Simulate only: nothing is sent, the effects are what would happen now. */
  dryRun?: boolean;
} & (
  | { /** Points to issue (token units). */ points: bigint; amount?: never; rate?: never }
  | {
      points?: never;
      /** The order's amount, in the storefront's units (e.g. cents). */
      amount: bigint;
      /** Points per unit of `amount`: `rate.points` per `rate.per` units, rounded down. */
      rate: { points: bigint; per: bigint };
    }
);

/** What a checkout did (or, with `dryRun`, would do). */
export interface CheckoutReturnType {
  storefront: Address;
  orderId: bigint;
  shopper: Address;
  points: bigint;
  /** `pending` when the storefront has a return window: the points become spendable at `releaseTime`. */
  status: "issued" | "pending";
  releaseTime: bigint | undefined;
  referral:
    | { partnerId: number; token: Address; saleAmount: bigint; commission: bigint; releaseTime: bigint }
    | undefined;
  /** True when the order had been checked out before: these are its original effects, read from the chain. */
  replayed: boolean;
  dryRun: boolean;
  /** The transactions this call sent (none on a replay or a dry run). */
  transactions: Hash[];
}

export type CheckoutErrorType = InvalidParameterError | AccountRequiredError | ContractRevertError;

/**
 * The one call a storefront makes when an order completes: issues the order's points (pending through the
 * return window when the storefront has one) and records its referral, and returns the effects. Calling it
 * again for the same order sends nothing and returns the original effects, read from the chain. With
 * `dryRun` it simulates both and returns the effects without sending. A revert foreseen in simulation
 * throws its typed error (e.g. `IssuanceCapExceededError`) without spending gas.
 *
 * @example
 * const effects = await checkout(dcrm, { orderId: 1042n, shopper, amount: 4_999n, rate: { points: 10n ** 18n, per: 100n } });
 * // { points: 49000000000000000000n, status: "pending", releaseTime: 1767225600n, replayed: false, … }
 */
export async function checkout(client: DcrmClient, parameters: CheckoutParameters): Promise<CheckoutReturnType> {
  const storefront = walletOf(client, "checkout").account.address;
  const orderId = check.integer("orderId", parameters.orderId);
  const shopper = check.address("shopper", parameters.shopper);
  let points: bigint;
  if (parameters.points !== undefined) {
    points = check.amount("points", parameters.points);
  } else {
    const amount = check.amount("amount", parameters.amount);
    const perPoints = check.amount("rate.points", parameters.rate?.points);
    const per = check.amount("rate.per", parameters.rate?.per);
    points = check.amount("points (amount × rate)", (amount * perPoints) / per);
  }
  const referral = parameters.referral && {
    code: check.bytes32("referral.code", parameters.referral.code),
    saleAmount: check.amount("referral.saleAmount", parameters.referral.saleAmount),
    token: check.address("referral.token", parameters.referral.token ?? onlyToken(client)),
  };
  const dryRun = parameters.dryRun === true;

  const [rewarded, recorded] = await Promise.all([
    read(client, "RewardToken", "isOrderRewarded", [storefront, orderId]),
    referral ? read(client, "ReferralEscrow", "referralOf", [storefront, orderId]).then((r) => r.status !== 0) : false,
  ]);

  const effects: CheckoutReturnType = {
    storefront,
    orderId,
    shopper,
    points,
    status: "issued",
    releaseTime: undefined,
    referral: undefined,
    replayed: rewarded && (referral === undefined || recorded),
    dryRun,
    transactions: [],
  };

  // Points: the original issuance when the order was rewarded before, else issue (or simulate).
  if (rewarded) {
    const original = await findOrderIssuance(client, storefront, orderId);
    if (original) Object.assign(effects, { shopper: original.shopper, points: original.points, status: original.status, releaseTime: original.releaseTime });
  } else if (dryRun) {
    await simulate(client, "RewardToken", "issue", [shopper, orderId, points], "checkout");
    const [policy, block] = await Promise.all([read(client, "RewardToken", "storefrontPolicy", [storefront]), client.publicClient.getBlock()]);
    if (policy.returnWindow > 0) Object.assign(effects, { status: "pending", releaseTime: block.timestamp + BigInt(policy.returnWindow) });
  } else {
    const sent = await transact(client, "RewardToken", "issue", [shopper, orderId, points], "checkout");
    effects.transactions.push(sent.hash);
    const [pending] = parseEventLogs({ abi: abis.RewardToken, logs: sent.receipt.logs, eventName: "PointsPending" });
    if (pending) Object.assign(effects, { status: "pending", releaseTime: pending.args.releaseTime });
  }

  // Referral: the recorded one, else record (or simulate) it.
  if (referral && recorded) {
    const original = await findRecordedReferral(client, storefront, orderId);
    if (original) effects.referral = { partnerId: original.partnerId, token: original.token, saleAmount: original.saleAmount, commission: original.commission, releaseTime: original.releaseTime };
  } else if (referral && dryRun) {
    const args = [orderId, referral.code, referral.saleAmount, referral.token, shopper] as const;
    await simulate(client, "ReferralEscrow", "recordReferral", args, "checkout");
    const partnerId = await read(client, "ReferralEscrow", "partnerIdOf", [referral.code]);
    const [terms, program, block] = await Promise.all([
      read(client, "ReferralEscrow", "termsOf", [storefront, partnerId]),
      read(client, "ReferralEscrow", "programOf", [storefront]),
      client.publicClient.getBlock(),
    ]);
    const commission = terms.rateBps > 0 ? (referral.saleAmount * BigInt(terms.rateBps)) / 10_000n : terms.fixedCommission;
    effects.referral = { partnerId, token: referral.token, saleAmount: referral.saleAmount, commission, releaseTime: block.timestamp + BigInt(program[0]) };
  } else if (referral) {
    const sent = await transact(client, "ReferralEscrow", "recordReferral", [orderId, referral.code, referral.saleAmount, referral.token, shopper], "checkout");
    effects.transactions.push(sent.hash);
    const [recordedNow] = referralsInLogs(sent.receipt.logs, sent.hash);
    if (recordedNow) effects.referral = { partnerId: recordedNow.partnerId, token: recordedNow.token, saleAmount: recordedNow.saleAmount, commission: recordedNow.commission, releaseTime: recordedNow.releaseTime };
  }
  return effects;
}

/** The deployment's only token, or undefined (then the caller must name one). */
function onlyToken(client: DcrmClient): Address | undefined {
  const tokens = Object.values(client.deployment.tokens);
  return tokens.length === 1 ? tokens[0] : undefined;
}
