/**
 * A storefront's program: issuance today and this cap period against its cap, pending liability, redemption
 * rate, its policies, referral budgets per token and enrolled partners; and refunding an order.
 */
import { useReadRewardTokenStorefrontIssuance, useReadRewardTokenStorefrontPolicy } from "@dcrm/sdk/react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Address, isAddress } from "viem";

import { dayOf, formatAmount, formatPercent, formatTime } from "../format.ts";
import { Action } from "../ui/Action.tsx";
import { Amount } from "../ui/Amount.tsx";
import { Figure, Section } from "../ui/Section.tsx";
import { Async, Empty, ErrorNote } from "../ui/Status.tsx";
import { useLabels } from "../wallet/labels.ts";
import { type Dcrm, useDcrm } from "../wallet/useDcrm.ts";
import { useMarketer } from "../wallet/useMarketer.ts";
import { type TokenInfo, useToken } from "../wallet/useToken.ts";

const duration = (seconds: bigint | number | string) => {
  const value = Number(seconds);
  if (value === 0) return "none";
  return value % 86_400 === 0 ? `${value / 86_400} days` : value % 3_600 === 0 ? `${value / 3_600} hours` : `${value} s`;
};

export function StorefrontPage() {
  const dcrm = useDcrm();
  const points = useToken(dcrm.deployment?.contracts.RewardToken.address);
  if (!dcrm.client || !dcrm.account) return <Empty>Connect a storefront's account to see its program.</Empty>;
  return (
    <>
      <Issuance dcrm={dcrm} points={points} />
      <Program dcrm={dcrm} points={points} />
      <Refund dcrm={dcrm} />
    </>
  );
}

function Issuance({ dcrm, points }: { dcrm: Dcrm; points: TokenInfo | undefined }) {
  const token = dcrm.deployment!.contracts.RewardToken.address;
  const issuance = useReadRewardTokenStorefrontIssuance({ address: token, args: [dcrm.account!] });
  const policy = useReadRewardTokenStorefrontPolicy({ address: token, args: [dcrm.account!] });
  const marketer = useMarketer();
  const stats = useQuery({ queryKey: ["storefrontStatsPerDay"], queryFn: () => marketer!.storefrontStatsPerDay(), enabled: marketer !== undefined });
  const rates = useQuery({ queryKey: ["redemptionRates"], queryFn: () => marketer!.redemptionRates(), enabled: marketer !== undefined });
  const today = new Date().toISOString().slice(0, 10);
  const me = dcrm.account!.toLowerCase();
  const issuedToday = stats.data?.storefrontStats.filter((row) => row.storefront.id.toLowerCase() === me && dayOf(row.timestamp) === today).reduce((sum, row) => sum + BigInt(row.issued), 0n);
  const rate = rates.data?.storefronts.find((row) => row.id.toLowerCase() === me);
  return (
    <Section id="issuance" title="Issuance and policy">
      <Async query={issuance} what="issuance">
        {(state) =>
          !state.isIssuer ? (
            <Empty>This account is not an issuer of points: pick a storefront account.</Empty>
          ) : (
            <dl className="figures">
              <Figure label="Issued today (UTC)">{issuedToday === undefined ? "…" : <Amount value={issuedToday} token={points} testId="issued-today" />}</Figure>
              <Figure label={`Issued this period (since ${formatTime(state.periodStart)})`}>
                <Amount value={state.issuedInPeriod} token={points} testId="issued-period" />
              </Figure>
              <Figure label={`Cap per period (${duration(state.capPeriod)})`}>{state.capPerPeriod === 0n ? "no cap" : <Amount value={state.capPerPeriod} token={points} />}</Figure>
              <Figure label="Cap used">{state.capPerPeriod === 0n ? "—" : formatPercent(Number(state.issuedInPeriod) / Number(state.capPerPeriod))}</Figure>
              <Figure label="Redemption rate (redeemed here ÷ (issued + redeemed here))">{rate ? formatPercent(Number(rate.redemptionRate)) : "—"}</Figure>
              <Figure label="Return window">{policy.data ? duration(policy.data.returnWindow) : "…"}</Figure>
              <Figure label="Clawback after release">{policy.data ? (policy.data.clawbackAllowed ? "allowed" : "not allowed") : "…"}</Figure>
            </dl>
          )
        }
      </Async>
      {stats.error ? <ErrorNote error={stats.error} title="Could not load today's issuance" /> : null}
    </Section>
  );
}

function Program({ dcrm, points }: { dcrm: Dcrm; points: TokenInfo | undefined }) {
  const marketer = useMarketer();
  const labels = useLabels();
  const program = useQuery({ queryKey: ["storefrontProgram", dcrm.account], queryFn: () => marketer!.storefrontProgram({ storefront: dcrm.account!.toLowerCase() }), enabled: marketer !== undefined });
  if (!marketer) return <Empty>No GraphQL endpoint: the program's figures come from the subgraph.</Empty>;
  return (
    <Section id="program" title="Liability, referral budgets and partners">
      <Async query={program} what="the storefront's program">
        {({ storefront }) =>
          !storefront ? (
            <Empty>The subgraph has seen nothing from this storefront yet.</Empty>
          ) : (
            <>
              <dl className="figures">
                <Figure label="Pending liability (points under return windows)">
                  <Amount value={storefront.pending} token={points} testId="pending-liability" />
                </Figure>
                <Figure label="Points issued, all time">
                  <Amount value={storefront.issued} token={points} />
                </Figure>
                <Figure label="Points redeemed here, all time">
                  <Amount value={storefront.redeemed} token={points} />
                </Figure>
                <Figure label="Referral hold period">{duration(storefront.holdPeriod)}</Figure>
                <Figure label="Referral program">{storefront.programPaused ? "paused" : "running"}</Figure>
              </dl>
              <h3>Referral budgets</h3>
              {storefront.budgets.length === 0 ? (
                <Empty>No referral budget funded.</Empty>
              ) : (
                <div className="table-scroll" tabIndex={0}>
                  <table>
                    <caption>Budgets per token</caption>
                    <thead>
                      <tr>
                        <th scope="col">Token</th>
                        <th scope="col">Available</th>
                        <th scope="col">Committed to referrals</th>
                        <th scope="col">Funded</th>
                      </tr>
                    </thead>
                    <tbody>
                      {storefront.budgets.map((budget) => (
                        <BudgetRow key={budget.token} budget={budget} />
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <h3>Partners</h3>
              {storefront.enrolments.length === 0 ? (
                <Empty>No partner enrolled.</Empty>
              ) : (
                <ul className="plain">
                  {storefront.enrolments.map((enrolment) => (
                    <li key={enrolment.partner.partnerId}>
                      Partner {enrolment.partner.partnerId} ({labels(enrolment.partner.owner)}):{" "}
                      {enrolment.rateBps > 0 ? `${enrolment.rateBps / 100}% of the sale` : `fixed ${formatAmount(enrolment.fixedCommission, 18)} per sale`}
                      {enrolment.active ? "" : " — removed"}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )
        }
      </Async>
    </Section>
  );
}

function BudgetRow({ budget }: { budget: { token: string; funded: string; committed: string; available: string } }) {
  const token = useToken(budget.token as Address);
  return (
    <tr>
      <td>{token?.symbol ?? budget.token}</td>
      <td>
        <Amount value={budget.available} token={token} />
      </td>
      <td>
        <Amount value={budget.committed} token={token} />
      </td>
      <td>
        <Amount value={budget.funded} token={token} />
      </td>
    </tr>
  );
}

function Refund({ dcrm }: { dcrm: Dcrm }) {
  const [shopper, setShopper] = useState("");
  const [orderId, setOrderId] = useState("");
  const [share, setShare] = useState("100");
  const valid = isAddress(shopper) && /^\d+$/.test(orderId) && /^\d+(\.\d+)?$/.test(share) && Number(share) > 0 && Number(share) <= 100;
  return (
    <Section id="refund" title="Refund an order">
      <p className="hint">Within the return window the order's pending points are voided; after it they are clawed back if the policy allows. A referred order's commission shrinks with it.</p>
      <form className="form" onSubmit={(event) => event.preventDefault()}>
        <label>
          Shopper
          <input value={shopper} onChange={(event) => setShopper(event.target.value.trim())} placeholder="0x…" data-testid="refund-shopper" />
        </label>
        <label>
          Order number
          <input inputMode="numeric" value={orderId} onChange={(event) => setOrderId(event.target.value.trim())} data-testid="refund-order" />
        </label>
        <label>
          Part refunded (%)
          <input inputMode="decimal" value={share} onChange={(event) => setShare(event.target.value.trim())} />
        </label>
        <Action
          label="Refund"
          testId="refund-submit"
          disabled={!valid}
          done="Refunded."
          run={() => dcrm.client!.refundOrder({ shopper: shopper as Address, orderId: BigInt(orderId), refundBps: Math.round(Number(share) * 100) })}
        />
      </form>
    </Section>
  );
}
