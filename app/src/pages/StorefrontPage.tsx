/**
 * A storefront's program: issuance today and this cap period against its cap, pending liability, redemption
 * rate, its policies, referral budgets per token and enrolled partners; and refunding an order.
 */
import { useReadRewardTokenStorefrontIssuance, useReadRewardTokenStorefrontPolicy } from "@dcrm/sdk/react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Address, isAddress } from "viem";

import { formatPercent, formatTime } from "../format.ts";
import { issuedToday } from "../issuedToday.ts";
import { Action } from "../ui/Action.tsx";
import { Amount, TokenAmount } from "../ui/Amount.tsx";
import { DataTable } from "../ui/DataTable.tsx";
import { Form, TextField } from "../ui/Form.tsx";
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
  const rates = useQuery({ queryKey: ["redemptionRates"], queryFn: () => marketer!.redemptionRates(), enabled: marketer !== undefined });
  const me = dcrm.account!.toLowerCase();
  const rate = rates.data?.storefronts.find((row) => row.id.toLowerCase() === me);
  return (
    <Section id="issuance" title="Issuance and policy">
      <Async query={issuance} what="issuance">
        {(state) =>
          !state.isIssuer ? (
            <Empty>This account is not an issuer of points: pick a storefront account.</Empty>
          ) : (
            <dl className="figures">
              <Figure label="Issued today (UTC)">{issuedToday(state) === undefined ? "— (the cap period is not a day)" : <Amount value={issuedToday(state)} token={points} testId="issued-today" />}</Figure>
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
      {rates.error ? <ErrorNote error={rates.error} title="Could not load the redemption rate" /> : null}
      {policy.error ? <ErrorNote error={policy.error} title="Could not load the storefront's policy" /> : null}
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
                <DataTable
                  caption="Budgets per token"
                  rows={storefront.budgets}
                  rowKey={(budget) => budget.token}
                  columns={[
                    { header: "Token", cell: (budget) => <TokenSymbol token={budget.token} /> },
                    { header: "Available", cell: (budget) => <TokenAmount value={budget.available} token={budget.token} /> },
                    { header: "Committed to referrals", cell: (budget) => <TokenAmount value={budget.committed} token={budget.token} /> },
                    { header: "Funded", cell: (budget) => <TokenAmount value={budget.funded} token={budget.token} /> },
                  ]}
                />
              )}
              <h3>Partners</h3>
              {storefront.enrolments.length === 0 ? (
                <Empty>No partner enrolled.</Empty>
              ) : (
                <ul className="plain">
                  {storefront.enrolments.map((enrolment) => (
                    <li key={enrolment.partner.partnerId}>
                      Partner {enrolment.partner.partnerId} ({labels(enrolment.partner.owner)}):{" "}
                      {enrolment.rateBps > 0 ? (
                        `${enrolment.rateBps / 100}% of the sale`
                      ) : (
                        <FixedCommission value={enrolment.fixedCommission} tokens={storefront.budgets.map((budget) => budget.token)} />
                      )}
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

function TokenSymbol({ token }: { token: string }) {
  return <>{useToken(token as Address)?.symbol ?? token}</>;
}

/** A fixed commission is paid in the referral's token: shown in each token the storefront budgets in. */
function FixedCommission({ value, tokens }: { value: string; tokens: string[] }) {
  if (tokens.length === 0) return <>a fixed commission per sale (no budget funded yet)</>;
  return (
    <>
      fixed{" "}
      {tokens.map((token, i) => (
        <span key={token}>
          {i > 0 && " or "}
          <TokenAmount value={value} token={token} />
        </span>
      ))}{" "}
      per sale
    </>
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
      <Form>
        <TextField label="Shopper" value={shopper} onChange={setShopper} placeholder="0x…" trim testId="refund-shopper" />
        <TextField label="Order number" value={orderId} onChange={setOrderId} inputMode="numeric" trim testId="refund-order" />
        <TextField label="Part refunded (%)" value={share} onChange={setShare} inputMode="decimal" trim />
        <Action
          label="Refund"
          testId="refund-submit"
          disabled={!valid}
          done="Refunded."
          run={() => dcrm.client!.refundOrder({ shopper: shopper as Address, orderId: BigInt(orderId), refundBps: Math.round(Number(share) * 100) })}
        />
      </Form>
    </Section>
  );
}
