/**
 * Points a storefront issued today (UTC), exact from the chain. Cap periods start at multiples of their
 * length, so a one-day period is the UTC day and its issuance is today's. (The subgraph's daily aggregation
 * holds finished days only, so it cannot say.) Undefined for any other period.
 */
export function issuedToday(state: { capPeriod: number | bigint; issuedInPeriod: bigint }): bigint | undefined {
  return Number(state.capPeriod) === 86_400 ? state.issuedInPeriod : undefined;
}
