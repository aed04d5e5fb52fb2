#!/usr/bin/env node
// A smoke run of the built mappings without an indexer: loads subgraph/build/*/*.wasm with the minimal
// in-memory host of host.mjs (the few graph-node host functions the mappings import), feeds them a scripted
// sequence of events shaped like the contracts' (ABI from subgraph/abis/), and checks the resulting entities.
// The host enforces two graph-node rules at every store.set: no field the schema lacks, no missing non-null
// field, and no second write to an immutable entity. Not a replacement for the local indexer: no chain, no
// blocks, no aggregation rollups (timeseries data points are only counted). The same host runs the logs of
// real transactions in test/subgraph/realTransactions.ts.
//
// Usage (after graph build): node subgraph/scripts/smoke.mjs [--quiet]   (npm run subgraph:build runs it last)
import { createHost, hex } from "./host.mjs";

// ─── Scenario ────────────────────────────────────────────────────────────────────────────────────────
const ZERO = "0x" + "00".repeat(20);
const a = (n) => "0x" + n.toString(16).padStart(40, "0");
const CONTRACT = { RewardToken: a(0xaa01), ReferralEscrow: a(0xaa02), ConsentRegistry: a(0xaa03), DataAccessPayments: a(0xaa04) };
const S = a(0x5), A = a(0xa), B = a(0xb), C = a(0xc), T = a(0x70), X = a(0xc0), OWNER = a(0x0e), PAYOUT = a(0x0f);
const SCOPE = "0x" + "11".repeat(32), REF = "0x" + "22".repeat(32), CODE = "0x" + "33".repeat(32), RECORD = "0x" + "44".repeat(32);
const E18 = 10n ** 18n;

let block = 10, tx = 0, timestamp = 1_700_000_000;
const transactions = [];
function transaction(...events) { transactions.push(events); }
const ev = (contract, name, ...args) => ({ contract, name, args });

transaction(ev("RewardToken", "IssuanceCapSet", S, 1000n * E18, 86400n));
transaction(ev("RewardToken", "Transfer", ZERO, A, 100n), ev("RewardToken", "PointsIssued", S, 1n));
transaction(ev("RewardToken", "Transfer", ZERO, A, 10n), ev("RewardToken", "Transfer", ZERO, B, 20n), ev("RewardToken", "PointsIssuedInBatch", S, [2n, 3n]));
transaction(ev("RewardToken", "Transfer", ZERO, B, 5n), ev("RewardToken", "Transfer", ZERO, C, 7n), ev("RewardToken", "PointsIssuedForOrderRange", S, 10n, 2n));
transaction(ev("RewardToken", "Transfer", A, ZERO, 30n), ev("RewardToken", "PointsRedeemed", S, REF));
transaction(ev("RewardToken", "StorefrontPolicySet", S, 86400n, true));
transaction(ev("RewardToken", "PointsPending", S, C, 20n, 50n, 1_700_086_400n));
transaction(ev("RewardToken", "PendingPointsVoided", S, C, 20n, 10n, 40n));
transaction(ev("RewardToken", "Transfer", ZERO, C, 40n), ev("RewardToken", "PointsReleased", S, 20n));
transaction(ev("RewardToken", "Transfer", B, ZERO, 5n), ev("RewardToken", "PointsClawedBack", S, B, 3n, 8n, 3n));
transaction(ev("RewardToken", "Transfer", C, ZERO, 47n), ev("RewardToken", "PointsExpired", C, 47n));
transaction(ev("RewardToken", "Transfer", A, B, 1n));

transaction(ev("ReferralEscrow", "PartnerRegistered", 1n, CODE, OWNER, PAYOUT));
transaction(ev("ReferralEscrow", "PartnerEnrolled", S, 1n, 500, 0n));
transaction(ev("ReferralEscrow", "BudgetFunded", S, T, S, 1000n));
transaction(ev("ReferralEscrow", "ReferralRecorded", S, 1n, 77n, A, T, 1000n, 50n, 1_700_100_000n));
transaction(ev("ReferralEscrow", "ReferralRecorded", S, 1n, 78n, B, T, 1000n, 50n, 1_700_100_000n));
transaction(ev("ReferralEscrow", "ReferralRecorded", S, 1n, 79n, C, T, 400n, 20n, 1_700_100_000n));
transaction(ev("ReferralEscrow", "ReferralRecorded", S, 1n, 80n, C, T, 400n, 20n, 1_700_100_000n));
transaction(ev("ReferralEscrow", "ReferralRefunded", S, 78n, 5000, 25n, 25n));
transaction(ev("ReferralEscrow", "ReferralVoided", S, 80n, 20n));
transaction(ev("ReferralEscrow", "ReferralReleasedEarly", S, 77n, 1_700_000_500n));
transaction(ev("ReferralEscrow", "CommissionsClaimedFrom", 1n, T, S, 75n, [77n, 78n]));
transaction(ev("ReferralEscrow", "CommissionsClaimed", 1n, T, 20n, [[S, 79n]]));

transaction(ev("ConsentRegistry", "DataRecordAnchored", C, SCOPE, RECORD));
transaction(ev("ConsentRegistry", "ConsentGranted", A, X, SCOPE, 10n, 1_800_000_000n));
transaction(ev("ConsentRegistry", "ConsentGranted", B, X, SCOPE, 10n, 1_800_000_000n));
transaction(ev("ConsentRegistry", "ConsentGranted", A, X, SCOPE, 12n, 1_800_000_000n));
transaction(ev("ConsentRegistry", "ConsentRevoked", B, X, SCOPE));

transaction(ev("DataAccessPayments", "FeeSet", T, 1000));
transaction(ev("DataAccessPayments", "Deposited", X, 1000n));
transaction(ev("DataAccessPayments", "AccessRecorded", X, A, SCOPE, 12n, 1n));
transaction(ev("DataAccessPayments", "DataAccessed", A, 12n), ev("DataAccessPayments", "DataAccessed", A, 12n),
  ev("DataAccessPayments", "AccessesRecorded", X, SCOPE, 2n, 24n, 2n, 1000));

const host = createHost({ addresses: CONTRACT });
const { store, problems } = host;
for (const events of transactions) {
  tx += 1; block += 1; timestamp += 12;
  events.forEach((e, logIndex) => {
    host.handleEvent(e.contract, e.name, e.args, { logIndex, block: { number: block, hash: block, timestamp }, tx: { hash: tx } });
  });
}
const handled = host.counts.handled;

// ─── Checks ──────────────────────────────────────────────────────────────────────────────────────────
const get = (type, id) => store.get(type)?.get(id.toLowerCase());
const field = (type, id, name) => get(type, id)?.[name]?.v;
const partnerId = "0x0000000001";
const expectations = [
  ["Shopper A balance", field("Shopper", A, "balance"), 79n],
  ["Shopper A earned", field("Shopper", A, "earned"), 110n],
  ["Shopper A redeemed", field("Shopper", A, "redeemed"), 30n],
  ["Shopper B balance", field("Shopper", B, "balance"), 21n],
  ["Shopper B clawedBack", field("Shopper", B, "clawedBack"), 5n],
  ["Shopper C expired", field("Shopper", C, "expired"), 47n],
  ["Shopper C pending", field("Shopper", C, "pending"), 0n],
  ["Storefront issued", field("Storefront", S, "issued"), 182n],
  ["Storefront redeemed", field("Storefront", S, "redeemed"), 30n],
  ["Storefront voided", field("Storefront", S, "voided"), 10n],
  ["Storefront capPerPeriod", field("Storefront", S, "capPerPeriod"), 1000n * E18],
  ["Storefront issuanceCount", field("Storefront", S, "issuanceCount"), 6n],
  ["Storefront commissions", field("Storefront", S, "commissions"), 95n],
  ["Storefront referredRevenue", field("Storefront", S, "referredRevenue"), 2800n],
  ["Issuances", store.get("Issuance")?.size, 6],
  ["Redemptions", store.get("Redemption")?.size, 1],
  ["Program shoppers", field("Program", "0x00", "shoppers"), 3n],
  ["Program totalSupply", field("Program", "0x00", "totalSupply"), 100n],
  ["Partner pending", field("Partner", partnerId, "pending"), 0n],
  ["Partner released", field("Partner", partnerId, "released"), 95n],
  ["Partner claimed", field("Partner", partnerId, "claimed"), 95n],
  ["Referral 78 status", field("Referral", S + (78).toString(16).padStart(64, "0"), "status"), "Claimed"],
  ["Referral 80 status", field("Referral", S + (80).toString(16).padStart(64, "0"), "status"), "Voided"],
  ["Budget available", field("Budget", S + T.slice(2), "available"), 1000n - 140n + 45n],
  ["Payouts", store.get("Payout")?.size, 2],
  ["ConsentScope shoppers", field("ConsentScope", SCOPE, "shoppers"), 3n],
  ["ConsentScope shoppersOptedIn", field("ConsentScope", SCOPE, "shoppersOptedIn"), 1n],
  ["ConsentScope activeConsents", field("ConsentScope", SCOPE, "activeConsents"), 1n],
  ["ConsentScope grants", field("ConsentScope", SCOPE, "grants"), 3n],
  ["Shopper A dataEarnings", field("Shopper", A, "dataEarnings"), 11n + 11n + 11n],
  ["DataAccesses", store.get("DataAccess")?.size, 3],
  ["DataConsumer spent", field("DataConsumer", X, "spent"), 36n],
  ["ProgramDataPoints (6 mints, 1 redemption, 6 referral changes, 2 payments)", store.get("ProgramDataPoint")?.size, 15],
  ["StorefrontDataPoints", store.get("StorefrontDataPoint")?.size, 13],
  ["ConsumerDataPoints", store.get("ConsumerDataPoint")?.size, 2],
  ["Storefront redemptionRate (30 / 182)", (Number(field("Storefront", S, "redemptionRate")?.digits) * 10 ** Number(field("Storefront", S, "redemptionRate")?.exp)).toFixed(6), (30 / 182).toFixed(6)],
  ["Transfer entities", store.get("Transfer")?.size, 10],
  ["Release of order 20 pairs with its mint", field("Release", hex(Buffer.concat([Buffer.from((9).toString(16).padStart(64, "0"), "hex"), Buffer.from([1, 0, 0, 0])])), "transfer"), hex(Buffer.concat([Buffer.from((9).toString(16).padStart(64, "0"), "hex"), Buffer.from([0, 0, 0, 0])]))],
];
let failed = 0;
for (const [what, actual, expected] of expectations) {
  const ok = actual === expected;
  if (!ok) failed += 1;
  if (ok && process.argv.includes("--quiet")) continue;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: ${actual}${ok ? "" : ` (expected ${expected})`}`);
}
for (const problem of problems) console.log(`PROBLEM ${problem}`);
console.log(`smoke: ${handled} events handled, ${expectations.length - failed}/${expectations.length} checks passed, ${problems.length} problems`);
process.exit(failed || problems.length ? 1 : 0);
