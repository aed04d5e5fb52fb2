import type { Address, Hex } from "viem";

import type { DcrmClient } from "../client/createDcrmClient.js";
import type { CheckoutParameters } from "../actions/storefront/checkout.js";
import { InvalidParameterError } from "../errors/clientErrors.js";
import { UnknownCodeError } from "../generated/errors.js";
import { read } from "../internal/transact.js";
import * as check from "../internal/validate.js";

/** A checkout to send: the `checkout` action's parameters, without `dryRun` (a sender always sends). */
export type CheckoutRequest = Omit<CheckoutParameters, "dryRun">;

/** A checked request, as the sender queues and journals it. */
export interface CheckoutOrder {
  /** The storefront (signer key) that issues the order: order numbers are per storefront. */
  storefront: Address;
  orderId: bigint;
  shopper: Address;
  points: bigint;
  referral: { code: Hex; saleAmount: bigint; token: Address } | undefined;
}

/** The order numbers a sender accepts, both ends included. */
export interface OrderIdRange {
  min: bigint;
  max: bigint;
}

/** Order numbers up to 2**64 - 1 (every storefront platform's fit), from 0. */
export const DEFAULT_ORDER_ID_RANGE: OrderIdRange = { min: 0n, max: 2n ** 64n - 1n };

/**
 * Checks a request and turns it into the order the sender queues. Throws `InvalidParameterError` for a bad
 * address, a zero or negative amount or an order number outside `range`, and `UnknownCodeError` for a referral
 * code no partner holds (read from the chain, remembered in `knownCodes`).
 */
export async function toCheckoutOrder(
  client: DcrmClient,
  request: CheckoutRequest,
  storefrontOf: (orderId: bigint) => Address,
  range: OrderIdRange,
  knownCodes: Set<Hex>,
): Promise<CheckoutOrder> {
  if (typeof request !== "object" || request === null) throw new InvalidParameterError("request", request, "a checkout request");
  const orderId = check.integer("orderId", request.orderId, range.min, range.max);
  const shopper = check.address("shopper", request.shopper);
  let points: bigint;
  if (request.points !== undefined) {
    points = check.amount("points", request.points);
  } else {
    const amount = check.amount("amount", request.amount);
    const perPoints = check.amount("rate.points", request.rate?.points);
    const per = check.amount("rate.per", request.rate?.per);
    points = check.amount("points (amount × rate)", (amount * perPoints) / per);
  }
  let referral: CheckoutOrder["referral"];
  if (request.referral) {
    const tokens = Object.values(client.deployment.tokens);
    referral = {
      code: check.bytes32("referral.code", request.referral.code),
      saleAmount: check.amount("referral.saleAmount", request.referral.saleAmount),
      token: check.address("referral.token", request.referral.token ?? (tokens.length === 1 ? tokens[0] : undefined)),
    };
    if (!knownCodes.has(referral.code)) {
      const partnerId = await read(client, "ReferralEscrow", "partnerIdOf", [referral.code]);
      if (partnerId === 0) throw new UnknownCodeError({ code: referral.code }, { contract: "ReferralEscrow", functionName: "partnerIdOf" });
      knownCodes.add(referral.code);
    }
  }
  return { storefront: storefrontOf(orderId), orderId, shopper, points, referral };
}
