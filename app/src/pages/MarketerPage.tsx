/**
 * The marketer's charts from the subgraph: points issued and redeemed per day, active shoppers, redemption rate
 * per storefront, top shoppers, partner leaderboard, consent opt-in per scope, data-access revenue per
 * consumer; a time range and a storefront filter; each chart's rows as CSV.
 */
import { useReadDataAccessPaymentsSettings } from "@dcrm/sdk/react";
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";

import { formatAmount, formatPercent, toUnits } from "../format.ts";
import { ChartCard } from "../marketer/ChartCard.tsx";
import { BarsChart, LinesChart } from "../marketer/charts.tsx";
import { activeShoppersPerDay, type Filters, pointsPerDay, revenuePerDay } from "../marketer/series.ts";
import { scopeName } from "../scopes.ts";
import { Empty, ErrorNote, Loading } from "../ui/Status.tsx";
import { useLabels } from "../wallet/labels.ts";
import { useDcrm } from "../wallet/useDcrm.ts";
import { useMarketer } from "../wallet/useMarketer.ts";
import { useToken } from "../wallet/useToken.ts";

const RANGES = [
  { label: "Last 7 days", days: 7 },
  { label: "Last 14 days", days: 14 },
  { label: "Last 28 days", days: 28 },
  { label: "All time", days: undefined },
] as const;

export function MarketerPage() {
  const marketer = useMarketer();
  const dcrm = useDcrm();
  const labels = useLabels();
  const points = useToken(dcrm.deployment?.contracts.RewardToken.address);
  const settings = useReadDataAccessPaymentsSettings({ address: dcrm.deployment?.contracts.DataAccessPayments.address });
  const payment = useToken(settings.data?.[1]);
  const [range, setRange] = useState(2);
  const [storefront, setStorefront] = useState("");
  const [chosenToken, setChosenToken] = useState<string>();
  const rangeId = useId();
  const storefrontId = useId();
  const tokenId = useId();
  const enabled = marketer !== undefined;
  const stats = useQuery({ queryKey: ["storefrontStatsPerDay"], queryFn: () => marketer!.storefrontStatsPerDay(), enabled });
  const activity = useQuery({ queryKey: ["activeShoppersPerDay"], queryFn: () => marketer!.activeShoppersPerDay(), enabled });
  const programs = useQuery({ queryKey: ["referralProgramsPerToken"], queryFn: () => marketer!.referralProgramsPerToken(), enabled });
  // Commissions are owed in each budget's own token, so the leaderboard shows one token at a time.
  const referralTokens = [...new Set((programs.data?.budgets ?? []).map((budget) => budget.token.toLowerCase()))];
  const leaderToken = chosenToken ?? referralTokens[0];
  const commission = useToken(leaderToken as `0x${string}` | undefined);
  const rates = useQuery({ queryKey: ["redemptionRates"], queryFn: () => marketer!.redemptionRates(), enabled });
  const shoppers = useQuery({ queryKey: ["topShoppers"], queryFn: () => marketer!.topShoppers(), enabled });
  const partners = useQuery({
    queryKey: ["partnerLeaderboard", leaderToken],
    queryFn: () => marketer!.partnerLeaderboard({ token: leaderToken! }),
    enabled: enabled && leaderToken !== undefined,
  });
  const consent = useQuery({ queryKey: ["consentOptInRates"], queryFn: () => marketer!.consentOptInRates(), enabled });
  const revenue = useQuery({ queryKey: ["consumerRevenuePerDay"], queryFn: () => marketer!.consumerRevenuePerDay(), enabled });

  if (!marketer) return <Empty>No GraphQL endpoint: open the dashboard with ?graphql=&lt;subgraph URL&gt;.</Empty>;
  const failed = [stats, activity, programs, rates, shoppers, partners, consent, revenue].find((query) => query.error);
  if (failed) return <ErrorNote error={failed.error} title="Could not load the subgraph's figures" />;
  const partnersReady = leaderToken === undefined || (partners.data !== undefined && commission !== undefined);
  if (!stats.data || !activity.data || !programs.data || !rates.data || !shoppers.data || !partnersReady || !consent.data || !revenue.data || !points) return <Loading what="the program's figures" />;

  const filters: Filters = { days: RANGES[range]!.days, storefront: storefront || undefined, today: new Date().toISOString().slice(0, 10) };
  const perDay = pointsPerDay(stats.data.storefrontStats, filters, points.decimals);
  const active = activeShoppersPerDay(activity.data.storefrontDailyActivities, filters);
  const revenueRows = revenuePerDay(revenue.data.consumerStats, filters, payment?.decimals ?? 18);
  const storefronts = rates.data.storefronts;
  const rateRows = storefronts
    .filter((row) => !filters.storefront || row.id.toLowerCase() === filters.storefront)
    .map((row) => ({ storefront: labels(row.id), issued: toUnits(row.issued, points.decimals), redeemed: toUnits(row.redeemed, points.decimals), redemptionRate: Number(row.redemptionRate) }));
  const shopperRows = shoppers.data.shoppers.slice(0, 10).map((row) => ({ shopper: labels(row.id), earned: toUnits(row.earned, points.decimals), balance: toUnits(row.balance, points.decimals) }));
  const commissionDecimals = commission?.decimals ?? 18;
  const partnerRows = (partners.data?.partnerBalances ?? []).map((row) => ({
    partner: `#${row.partner.partnerId}`,
    released: toUnits(row.released, commissionDecimals),
    pending: toUnits(row.pending, commissionDecimals),
    claimed: toUnits(row.claimed, commissionDecimals),
    referrals: Number(row.referralCount),
  }));
  const consentRows = consent.data.consentScopes.map((row) => ({ scope: scopeName(row.id), optInRate: Number(row.optInRate), shoppersOptedIn: Number(row.shoppersOptedIn), shoppers: Number(row.shoppers) }));
  const totalIssued = perDay.reduce((sum, row) => sum + row.issued, 0);
  const totalRedeemed = perDay.reduce((sum, row) => sum + row.redeemed, 0);
  // CSV headers name the token of every amount column.
  const commissionUnit = commission ? ` (${commission.symbol})` : "";
  const paymentSymbol = payment?.symbol ?? "payment token";
  const units = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 2 });

  return (
    <>
      <form className="filters card" onSubmit={(event) => event.preventDefault()} aria-label="Chart filters">
        <label htmlFor={rangeId}>Time range</label>
        <select id={rangeId} value={range} onChange={(event) => setRange(Number(event.target.value))} data-testid="filter-range">
          {RANGES.map((option, i) => (
            <option key={option.label} value={i}>
              {option.label}
            </option>
          ))}
        </select>
        <label htmlFor={storefrontId}>Storefront</label>
        <select id={storefrontId} value={storefront} onChange={(event) => setStorefront(event.target.value)} data-testid="filter-storefront">
          <option value="">All storefronts</option>
          {storefronts.map((row) => (
            <option key={row.id} value={row.id.toLowerCase()}>
              {labels(row.id)}
            </option>
          ))}
        </select>
        <label htmlFor={tokenId}>Commission token</label>
        <select id={tokenId} value={leaderToken ?? ""} onChange={(event) => setChosenToken(event.target.value)} data-testid="filter-commission-token">
          {referralTokens.map((token) => (
            <option key={token} value={token}>
              {labels(token)}
            </option>
          ))}
        </select>
      </form>

      <div className="charts">
        <ChartCard
          id="points-per-day"
          title={`Points issued and redeemed per day (${points.symbol})`}
          rows={perDay}
          columns={[
            { key: "day", label: "day (UTC)" },
            { key: "issued", label: `issued (${points.symbol})` },
            { key: "redeemed", label: `redeemed (${points.symbol})` },
          ]}
          summary={
            <>
              In range: <span data-testid="total-issued">{units(totalIssued)}</span> {points.symbol} issued, <span data-testid="total-redeemed">{units(totalRedeemed)}</span> {points.symbol} redeemed.
            </>
          }
        >
          <BarsChart rows={perDay} category="day" series={[{ key: "issued", name: "issued" }, { key: "redeemed", name: "redeemed" }]} />
        </ChartCard>

        <ChartCard
          id="active-shoppers"
          title="Active shoppers per day, per storefront"
          rows={active.rows}
          columns={[{ key: "day", label: "day (UTC)" }, ...active.storefronts.map((id) => ({ key: id, label: labels(id) }))]}
        >
          <LinesChart rows={active.rows} category="day" series={active.storefronts.map((id) => ({ key: id, name: labels(id) }))} wholeNumbers />
        </ChartCard>

        <ChartCard
          id="redemption-rate"
          title="Redemption rate per storefront (all time)"
          rows={rateRows}
          columns={[
            { key: "storefront", label: "storefront" },
            { key: "issued", label: `issued (${points.symbol})` },
            { key: "redeemed", label: `redeemed (${points.symbol})` },
            { key: "redemptionRate", label: "redemption rate" },
          ]}
          summary={rateRows.map((row) => `${row.storefront}: ${formatPercent(row.redemptionRate)}`).join(" · ")}
        >
          <BarsChart rows={rateRows} category="storefront" series={[{ key: "redemptionRate", name: "redemption rate" }]} percent firstColor={2} />
        </ChartCard>

        <ChartCard
          id="top-shoppers"
          title={`Top shoppers by points earned (${points.symbol})`}
          rows={shopperRows}
          columns={[
            { key: "shopper", label: "shopper" },
            { key: "earned", label: `earned (${points.symbol})` },
            { key: "balance", label: `balance (${points.symbol})` },
          ]}
          summary={shoppers.data.shoppers[0] ? <>Top: {labels(shoppers.data.shoppers[0].id)} with {formatAmount(shoppers.data.shoppers[0].earned, points.decimals)} {points.symbol} earned.</> : undefined}
        >
          <BarsChart rows={shopperRows} category="shopper" series={[{ key: "earned", name: "earned" }]} horizontal />
        </ChartCard>

        <ChartCard
          id="partner-leaderboard"
          title={`Partner leaderboard by released commission (${commission?.symbol ?? "no referral budget yet"})`}
          rows={partnerRows}
          columns={[
            { key: "partner", label: "partner" },
            { key: "released", label: `released${commissionUnit}` },
            { key: "pending", label: `pending${commissionUnit}` },
            { key: "claimed", label: `claimed${commissionUnit}` },
            { key: "referrals", label: "referrals" },
          ]}
        >
          <BarsChart rows={partnerRows} category="partner" series={[{ key: "released", name: "released" }, { key: "pending", name: "pending" }]} firstColor={2} />
        </ChartCard>

        <ChartCard
          id="consent-opt-in"
          title="Consent opt-in rate per scope"
          rows={consentRows}
          columns={[
            { key: "scope", label: "scope" },
            { key: "optInRate", label: "opt-in rate" },
            { key: "shoppersOptedIn", label: "shoppers opted in" },
            { key: "shoppers", label: "shoppers" },
          ]}
          summary={consentRows.map((row) => `${row.scope}: ${formatPercent(row.optInRate)}`).join(" · ")}
        >
          <BarsChart rows={consentRows} category="scope" series={[{ key: "optInRate", name: "opt-in rate" }]} percent firstColor={3} />
        </ChartCard>

        <ChartCard
          id="consumer-revenue"
          title={`Data-access revenue per consumer per day (${paymentSymbol})`}
          rows={revenueRows.rows}
          columns={[{ key: "day", label: "day (UTC)" }, ...revenueRows.consumers.map((id) => ({ key: id, label: `${labels(id)} (${paymentSymbol})` }))]}
        >
          <LinesChart rows={revenueRows.rows} category="day" series={revenueRows.consumers.map((id) => ({ key: id, name: labels(id) }))} />
        </ChartCard>
      </div>
    </>
  );
}
