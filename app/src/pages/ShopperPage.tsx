/**
 * The shopper's own program: balance, pending points and when they release, expiry, history, redemption;
 * every consent by consumer and scope, granted and revoked by signature (gasless); data records; earnings.
 */
import { consentRegistryAbi } from "@dcrm/sdk";
import { useReadDataAccessPaymentsEarningsOf, useReadDataAccessPaymentsSettings } from "@dcrm/sdk/react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Address, isAddress, isHex, keccak256, parseUnits, toHex } from "viem";
import { useReadContracts } from "wagmi";

import { formatAmount, formatTime, shortAddress } from "../format.ts";
import { KNOWN_SCOPES, scopeId } from "../scopes.ts";
import { Action } from "../ui/Action.tsx";
import { Amount } from "../ui/Amount.tsx";
import { DataTable } from "../ui/DataTable.tsx";
import { Form, SelectField, TextField } from "../ui/Form.tsx";
import { Figure, Section } from "../ui/Section.tsx";
import { Async, Empty } from "../ui/Status.tsx";
import { relayConsent } from "../wallet/relay.ts";
import { type Dcrm, useDcrm, useRuntime } from "../wallet/useDcrm.ts";
import { type TokenInfo, useToken } from "../wallet/useToken.ts";
import { useLabels } from "../wallet/labels.ts";

const DAY = 86_400n;

export function ShopperPage() {
  const dcrm = useDcrm();
  const points = useToken(dcrm.deployment?.contracts.RewardToken.address);
  if (!dcrm.client || !dcrm.account) return <Empty>Connect an account to see its points, consents and earnings.</Empty>;
  return (
    <>
      <Balances dcrm={dcrm} points={points} />
      <Redeem dcrm={dcrm} points={points} />
      <Consents dcrm={dcrm} />
      <DataRecords dcrm={dcrm} />
      <Earnings dcrm={dcrm} />
      <History dcrm={dcrm} points={points} />
    </>
  );
}

function Balances({ dcrm, points }: { dcrm: Dcrm; points: TokenInfo | undefined }) {
  const labels = useLabels();
  const balances = useQuery({ queryKey: ["balances", dcrm.account], queryFn: () => dcrm.client!.getBalances() });
  return (
    <Section id="balance" title="Points">
      <Async query={balances} what="your points">
        {(data) => (
          <>
            <dl className="figures">
              <Figure label="Spendable now">
                <Amount value={data.spendable} token={points} testId="spendable" />
              </Figure>
              <Figure label="Pending (return windows)">
                <Amount value={data.pending} token={points} testId="pending" />
              </Figure>
              <Figure label="Expire if inactive until">{data.expiresAt === undefined ? "never" : formatTime(data.expiresAt)}</Figure>
            </dl>
            {data.pendingOrders.length === 0 ? (
              <Empty>No points pending.</Empty>
            ) : (
              <DataTable
                caption="Pending points by order"
                rows={data.pendingOrders}
                rowKey={(order) => `${order.storefront}:${order.orderId}`}
                columns={[
                  { header: "Storefront", cell: (order) => labels(order.storefront) },
                  { header: "Order", cell: (order) => order.orderId.toString() },
                  { header: "Points", cell: (order) => <Amount value={order.points} token={points} /> },
                  { header: "Released on", cell: (order) => formatTime(order.releaseTime) },
                ]}
              />
            )}
          </>
        )}
      </Async>
    </Section>
  );
}

function Redeem({ dcrm, points }: { dcrm: Dcrm; points: TokenInfo | undefined }) {
  const [amount, setAmount] = useState("");
  const [ref, setRef] = useState("discount");
  const valid = /^\d+(\.\d+)?$/.test(amount) && points !== undefined;
  // A holder's own redemption names no storefront: only a storefront that takes part (with the shopper's
  // allowance or permit) has a redemption counted for it.
  return (
    <Section id="redeem" title="Redeem points">
      <Form>
        <TextField label={`Points${points ? ` (${points.symbol})` : ""}`} value={amount} onChange={setAmount} inputMode="decimal" placeholder="10" trim testId="redeem-amount" />
        <TextField label="Reference" value={ref} onChange={setRef} />
        <Action
          label="Redeem"
          testId="redeem-submit"
          disabled={!valid}
          done="Redeemed."
          run={() => dcrm.client!.redeemPoints({ points: parseUnits(amount, points!.decimals), ref: ref || "redemption" })}
        />
      </Form>
    </Section>
  );
}

function Consents({ dcrm }: { dcrm: Dcrm }) {
  const runtime = useRuntime();
  const labels = useLabels();
  const registry = dcrm.deployment!.contracts.ConsentRegistry.address;
  const consumers = runtime.kind === "local" ? runtime.accounts.filter((account) => account.label.startsWith("analytics")).map((account) => account.address) : [];
  const pairs = consumers.flatMap((consumer) => KNOWN_SCOPES.map((scope) => ({ consumer, scope })));
  const consents = useReadContracts({
    allowFailure: false,
    contracts: pairs.map(({ consumer, scope }) => ({ address: registry, abi: consentRegistryAbi, functionName: "consentOf", args: [dcrm.account!, consumer, scopeId(scope)] }) as const),
  });
  const block = useQuery({ queryKey: ["now"], queryFn: () => dcrm.client!.publicClient.getBlock() });
  const now = block.data?.timestamp ?? BigInt(Math.floor(Date.now() / 1000));
  const [price, setPrice] = useState("0.01");
  const payment = usePaymentToken();
  const grant = async (consumer: Address, scope: string) => {
    const signed = await dcrm.client!.signConsentGrant({ consumer, scope, pricePerAccess: parseUnits(price, payment?.decimals ?? 18), expiresAt: now + 180n * DAY, deadline: now + DAY });
    return relayConsent(runtime, dcrm.client!, signed);
  };
  const revoke = async (consumer: Address, scope: string) => relayConsent(runtime, dcrm.client!, await dcrm.client!.signConsentRevocation({ consumer, scope, deadline: now + DAY }));
  return (
    <Section id="consents" title="Consents">
      <p className="hint">Grant or revoke by signature: {runtime.kind === "local" ? "the local relayer submits it, you pay no gas." : "your wallet submits it."}</p>
      <TextField label={`Price per access for new grants (${payment?.symbol ?? "…"})`} value={price} onChange={setPrice} inputMode="decimal" trim inline />
      {pairs.length === 0 ? (
        <Empty>No data consumer known on this network.</Empty>
      ) : (
        <Async query={consents} what="consents">
          {(data) => (
            <DataTable
              caption="Consent by consumer and scope (from the registry)"
              rows={pairs.map((pair, i) => {
                const consent = data[i]!;
                const active = consent.granted && BigInt(consent.expiresAt) > now;
                return { ...pair, consent, active, status: consent.granted ? (active ? "granted" : "expired") : "not granted" };
              })}
              rowKey={(row) => `${row.consumer}:${row.scope}`}
              rowTestId={(row) => `consent-${row.scope}`}
              columns={[
                { header: "Consumer", cell: (row) => labels(row.consumer) },
                { header: "Scope", cell: (row) => row.scope },
                { header: "Status", cell: (row) => row.status, testId: (row) => `consent-status-${row.scope}` },
                { header: "Price per access", cell: (row) => (row.consent.granted && payment ? `${formatAmount(row.consent.pricePerAccess, payment.decimals, 4)} ${payment.symbol}` : "—") },
                { header: "Expires", cell: (row) => (row.consent.granted ? formatTime(row.consent.expiresAt) : "—") },
                {
                  header: "Change",
                  cell: (row) =>
                    row.active ? (
                      <Action label={`Revoke ${row.scope}`} testId={`revoke-${row.scope}`} done="Revoked." run={() => revoke(row.consumer, row.scope)} />
                    ) : (
                      <Action label={`Grant ${row.scope}`} testId={`grant-${row.scope}`} done="Granted." run={() => grant(row.consumer, row.scope)} />
                    ),
                },
              ]}
            />
          )}
        </Async>
      )}
    </Section>
  );
}

function usePaymentToken(): TokenInfo | undefined {
  const dcrm = useDcrm();
  const settings = useReadDataAccessPaymentsSettings({ address: dcrm.deployment?.contracts.DataAccessPayments.address });
  return useToken(settings.data?.[1]);
}

function DataRecords({ dcrm }: { dcrm: Dcrm }) {
  const registry = dcrm.deployment!.contracts.ConsentRegistry.address;
  const records = useReadContracts({
    allowFailure: false,
    contracts: KNOWN_SCOPES.map((scope) => ({ address: registry, abi: consentRegistryAbi, functionName: "recordOf", args: [dcrm.account!, scopeId(scope)] }) as const),
  });
  const [scope, setScope] = useState<string>(KNOWN_SCOPES[0]);
  const [record, setRecord] = useState("");
  const digest = isHex(record) && record.length === 66 ? record : record ? keccak256(toHex(record)) : undefined;
  return (
    <Section id="records" title="Data records">
      <p className="hint">Only a record's hash (or CID digest) is anchored on chain; the data stays in your vault. Erasing revokes the scope's consents.</p>
      <Async query={records} what="data records">
        {(data) => (
          <ul className="plain">
            {KNOWN_SCOPES.map((name, i) => {
              const anchored = data[i] !== undefined && BigInt(data[i]!) !== 0n;
              return (
                <li key={name}>
                  <strong>{name}</strong>: {anchored ? <code className="wrap">{data[i]}</code> : "no record anchored"}{" "}
                  {anchored && <Action label={`Erase ${name}`} done="Erased." run={() => dcrm.client!.eraseDataRecord({ scope: name })} />}
                </li>
              );
            })}
          </ul>
        )}
      </Async>
      <Form>
        <SelectField label="Scope" value={scope} options={KNOWN_SCOPES} onChange={setScope} />
        <TextField label="Record hash (0x… 32 bytes), or text to hash" value={record} onChange={setRecord} />
        <Action label="Anchor record" disabled={!digest} done="Anchored." run={() => dcrm.client!.anchorDataRecord({ scope, record: digest! })} />
      </Form>
    </Section>
  );
}

function Earnings({ dcrm }: { dcrm: Dcrm }) {
  const payment = usePaymentToken();
  const earnings = useReadDataAccessPaymentsEarningsOf({ address: dcrm.deployment!.contracts.DataAccessPayments.address, args: [dcrm.account!] });
  return (
    <Section id="earnings" title="Data earnings">
      <Async query={earnings} what="earnings">
        {(value) => (
          <>
            <dl className="figures">
              <Figure label="Earned from consented reads, not withdrawn">
                <Amount value={value} token={payment} testId="earnings" />
              </Figure>
            </dl>
            <Action label="Withdraw all" disabled={value === 0n} done="Withdrawn." run={() => dcrm.client!.withdrawDataEarnings()} />
          </>
        )}
      </Async>
    </Section>
  );
}

const KIND_LABELS: Record<string, string> = {
  earned: "earned",
  pending: "pending",
  released: "released",
  voided: "voided (refund)",
  redeemed: "redeemed",
  clawedBack: "clawed back",
  expired: "expired",
  received: "received",
  sent: "sent",
};

function History({ dcrm, points }: { dcrm: Dcrm; points: TokenInfo | undefined }) {
  const labels = useLabels();
  const history = useQuery({ queryKey: ["history", dcrm.account], queryFn: () => dcrm.client!.getHistory() });
  return (
    <Section id="history" title="History">
      <Async query={history} what="history" empty={(entries) => entries.length === 0}>
        {(entries) => (
          <DataTable
            caption="Every change to your points, newest first"
            rows={[...entries].reverse()}
            rowKey={(entry, i) => `${entry.transactionHash}:${i}`}
            columns={[
              { header: "When", cell: (entry) => formatTime(entry.timestamp) },
              { header: "What", cell: (entry) => KIND_LABELS[entry.kind] ?? entry.kind },
              { header: "Points", cell: (entry) => <Amount value={entry.points} token={points} /> },
              { header: "Where", cell: (entry) => (entry.storefront ? labels(entry.storefront) : entry.counterparty ? labels(entry.counterparty) : "—") },
            ]}
          />
        )}
      </Async>
    </Section>
  );
}
