/**
 * A partner's program: its code and payout address, its referrals by status per token, and one action that
 * claims everything claimable.
 */
import type { PartnerReferral } from "@dcrm/sdk";
import { useReadReferralEscrowPartnerIdOf, useReadReferralEscrowPartnerOf } from "@dcrm/sdk/react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Address, isAddress, keccak256, toHex } from "viem";

import { formatTime } from "../format.ts";
import { Action } from "../ui/Action.tsx";
import { Amount } from "../ui/Amount.tsx";
import { DataTable } from "../ui/DataTable.tsx";
import { Form, TextField } from "../ui/Form.tsx";
import { Figure, Section } from "../ui/Section.tsx";
import { Async, Empty } from "../ui/Status.tsx";
import { useLabels } from "../wallet/labels.ts";
import { type Dcrm, useDcrm, useRuntime } from "../wallet/useDcrm.ts";
import { useToken } from "../wallet/useToken.ts";

const STATUSES = ["held", "claimable", "voided", "claimed"] as const;
const STATUS_LABELS: Record<(typeof STATUSES)[number], string> = { held: "pending (hold period)", claimable: "claimable now", voided: "voided", claimed: "claimed" };

export function PartnerPage() {
  const dcrm = useDcrm();
  const runtime = useRuntime();
  const own = runtime.kind === "local" ? runtime.accounts.find((account) => account.address === dcrm.account)?.code : undefined;
  const [code, setCode] = useState(own ?? "");
  const [prevOwn, setPrevOwn] = useState(own);
  if (own !== prevOwn) {
    setPrevOwn(own);
    setCode(own ?? "");
  }
  const escrow = dcrm.deployment?.contracts.ReferralEscrow.address;
  const partnerId = useReadReferralEscrowPartnerIdOf({ address: escrow, args: [keccak256(toHex(code))], query: { enabled: code.length > 0 } });
  const id = partnerId.data ? Number(partnerId.data) : 0;
  if (!dcrm.client) return <Empty>Connect an account to see a partner's referrals.</Empty>;
  return (
    <>
      <Section id="partner" title="Referral code">
        <Form>
          <TextField label="Code" value={code} onChange={setCode} placeholder="ANNA-STYLE" trim testId="partner-code" />
        </Form>
        {code.length === 0 ? (
          <Empty>Enter a referral code.</Empty>
        ) : (
          <Async query={partnerId} what="the partner">
            {(found) => (Number(found) === 0 ? <Empty>No partner has the code “{code}”.</Empty> : <PartnerDetails dcrm={dcrm} partnerId={Number(found)} />)}
          </Async>
        )}
      </Section>
      {id !== 0 && <Referrals dcrm={dcrm} partnerId={id} />}
    </>
  );
}

function PartnerDetails({ dcrm, partnerId }: { dcrm: Dcrm; partnerId: number }) {
  const partner = useReadReferralEscrowPartnerOf({ address: dcrm.deployment!.contracts.ReferralEscrow.address, args: [partnerId] });
  const [payout, setPayout] = useState("");
  const owner = partner.data?.[0];
  return (
    <Async query={partner} what="the partner">
      {([ownerAddress, payoutAddress]) => (
        <>
          <dl className="figures">
            <Figure label="Partner id">{partnerId}</Figure>
            <Figure label="Owner">
              <code className="wrap">{ownerAddress}</code>
            </Figure>
            <Figure label="Payout address">
              <code className="wrap" data-testid="payout">
                {payoutAddress}
              </code>
            </Figure>
          </dl>
          {owner === dcrm.account && (
            <Form>
              <TextField label="New payout address" value={payout} onChange={setPayout} placeholder="0x…" trim />
              <Action label="Change payout address" disabled={!isAddress(payout)} done="Payout address changed." run={() => dcrm.client!.setPayoutAddress({ partnerId, payout: payout as Address })} />
            </Form>
          )}
        </>
      )}
    </Async>
  );
}

function Referrals({ dcrm, partnerId }: { dcrm: Dcrm; partnerId: number }) {
  const referrals = useQuery({ queryKey: ["referrals", partnerId], queryFn: () => dcrm.client!.getReferrals({ partnerId }) });
  const partner = useReadReferralEscrowPartnerOf({ address: dcrm.deployment!.contracts.ReferralEscrow.address, args: [partnerId] });
  const isOwner = partner.data?.[0] === dcrm.account;
  return (
    <Section id="referrals" title="Referrals">
      <Async query={referrals} what="referrals" empty={(data) => data.referrals.length === 0}>
        {(data) => {
          const tokens = [...new Set(data.referrals.map((referral) => referral.token))];
          const claimable = Object.values(data.claimableNow).some((value) => value > 0n);
          return (
            <>
              {tokens.map((token) => (
                <TokenReferrals key={token} token={token} referrals={data.referrals.filter((referral) => referral.token === token)} />
              ))}
              <Action
                label="Claim all claimable"
                testId="claim-all"
                disabled={!claimable || !isOwner}
                done="Claimed: paid to the payout address."
                run={() => dcrm.client!.claimCommissions({ partnerId })}
              />
              {!isOwner && <p className="hint">Only the partner's owner can claim; connect as the owner.</p>}
            </>
          );
        }}
      </Async>
    </Section>
  );
}

function TokenReferrals({ token, referrals }: { token: Address; referrals: PartnerReferral[] }) {
  const info = useToken(token);
  const labels = useLabels();
  const total = (status: (typeof STATUSES)[number]) => referrals.filter((referral) => referral.status === status).reduce((sum, referral) => sum + referral.commission, 0n);
  return (
    <div className="token-group">
      <h3>Commissions in {info?.symbol ?? token}</h3>
      <dl className="figures">
        {STATUSES.map((status) => (
          <Figure key={status} label={`${STATUS_LABELS[status]} (${referrals.filter((referral) => referral.status === status).length})`}>
            <Amount value={total(status)} token={info} testId={`commission-${status}`} />
          </Figure>
        ))}
      </dl>
      <details>
        <summary>Every referral ({referrals.length})</summary>
        <DataTable
          caption={`Referrals in ${info?.symbol ?? token}`}
          rows={referrals}
          rowKey={(referral) => `${referral.storefront}:${referral.orderId}`}
          columns={[
            { header: "Storefront", cell: (referral) => labels(referral.storefront) },
            { header: "Order", cell: (referral) => referral.orderId.toString() },
            { header: "Sale", cell: (referral) => <Amount value={referral.saleAmount} token={info} /> },
            { header: "Commission", cell: (referral) => <Amount value={referral.commission} token={info} /> },
            { header: "Status", cell: (referral) => STATUS_LABELS[referral.status] },
            { header: "Release", cell: (referral) => formatTime(referral.releaseTime) },
          ]}
        />
      </details>
    </div>
  );
}
