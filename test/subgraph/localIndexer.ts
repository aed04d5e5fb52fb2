/**
 * The subgraph's mappings in the local indexer, on REAL transactions: deploys the system on its own in-process
 * network, sends real transactions through every flow the mappings follow (issuance in its four forms,
 * redemption, pending points under a return window: void, keeper release, clawback with a shortfall; expiry; a
 * referral's lifecycle; consent; paid data access) over several days, then runs the local indexer (indexer/)
 * on that chain with the built WASM, and checks over GraphQL what it indexed against the contracts' own views.
 *
 * Last, it runs the seven marketer queries of subgraph/README.md and compares each answer with the output the
 * README shows. Every block has an explicit timestamp and the chain an explicit start date, so the answers are
 * the same on every run. `npm run subgraph:examples` rewrites the README's outputs from this run.
 *
 * Needs subgraph/build/ (npm test builds it first; otherwise run `npm run subgraph:build`).
 */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { upgrades } from "@openzeppelin/hardhat-upgrades";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import hre from "hardhat";
import type { EIP1193Provider } from "viem";

import { resolveDeployConfig } from "../../deploy/config.js";
import { type DeploySystemResult, deploySystem } from "../../deploy/system.js";
import { startLocalIndexer, type LocalIndexer } from "../../indexer/service.ts";
import { retargetBuild } from "../../subgraph/scripts/retarget.mjs";
import { compact, domainOf, voucherTypes } from "../contracts/fixtures.js";
import { readReadmeQueries, writeReadmeOutputs } from "./readmeQueries.js";

const root = hre.config.paths.root;
const NETWORK = "default";
const SUBGRAPH_BUILD = join(root, "subgraph", "build");
const README = join(root, "subgraph", "README.md");
const DATA_SOURCES = ["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"] as const;
const STATUS = ["None", "Pending", "Voided", "Claimed"];
const HOUR = 3_600;
const DAY = 86_400;
/** The chain starts at this date, and the scenario at 09:00 that day (UTC). */
const GENESIS = "2026-11-02T00:00:00.000Z";
const SCENARIO_START = Date.parse(GENESIS) / 1000 + 9 * HOUR;

const pad32 = (n: bigint) => n.toString(16).padStart(64, "0");

// A chain of its own, with a fixed start date: other tests' transactions and the wall clock change nothing here.
const connection = await hre.network.create({ override: { initialDate: GENESIS } });
const { ethers } = connection;

describe("subgraph: the mappings in the local indexer, on real transactions", function () {
  this.timeout(180_000);

  let savedDir: string | undefined;
  let dir = "";
  let result: DeploySystemResult;
  let local: LocalIndexer;
  const indexerLog: string[] = [];
  /** The timestamp of the next block the scenario sends. */
  let clock = SCENARIO_START;

  /** Sends in a block 12 seconds after the previous one, waits, checks success. */
  async function send(pending: () => Promise<ContractTransactionResponse>) {
    await connection.provider.request({ method: "evm_setNextBlockTimestamp", params: [clock] });
    clock += 12;
    const receipt = await (await pending()).wait();
    if (!receipt || receipt.status !== 1) throw new Error("transaction failed");
    return receipt;
  }

  async function gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const response = await fetch(local.server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (response.status !== 200 || body.errors) throw new Error(`query failed (${response.status}): ${JSON.stringify(body.errors)}`);
    return body.data!;
  }

  const tally = { issued: 0n, redeemed: 0n, unattributedRedeemed: 0n, pending: 0n, voided: 0n, clawedBack: 0n, shortfall: 0n, issuanceCount: 0n };
  let S: string, S2: string, A: string, B: string, C: string, D: string, E: string, payout: string, consumer: string, buyer: string;
  const code = ethers.id("partner-code");
  const scope = ethers.id("scope:purchases");
  const otherScope = ethers.id("scope:profile");
  let contracts: Record<string, any>;
  let partnerId: bigint;

  before(async function () {
    if (!existsSync(join(SUBGRAPH_BUILD, "RewardToken", "RewardToken.wasm"))) {
      throw new Error("subgraph/build/ is missing: run `npm run subgraph:build` first (npm test builds it before the tests)");
    }
    savedDir = process.env.DCRM_DEPLOYMENTS_DIR;
    dir = await mkdtemp(join(tmpdir(), "dcrm-subgraph-indexer-"));
    process.env.DCRM_DEPLOYMENTS_DIR = dir;

    const raw = JSON.parse(await readFile(join(root, "deploy", "config", "default.json"), "utf8")) as Record<string, unknown>;
    const signers = await ethers.getSigners();
    const config = resolveDeployConfig("default.json", NETWORK, raw, { accounts: signers.map((s) => s.address) });
    const readAbi = async (name: string): Promise<unknown> => (await hre.artifacts.readArtifact(name)).abi;
    const upgradesApi = await upgrades(hre, connection);
    result = await deploySystem({ ethers, upgradesApi, readAbi, root, network: NETWORK, config });
    const c = result.deployment.contracts;
    const token = await ethers.getContractAt("RewardToken", c.RewardToken!.proxy);
    const escrow = await ethers.getContractAt("ReferralEscrow", c.ReferralEscrow!.proxy);
    const registry = await ethers.getContractAt("ConsentRegistry", c.ConsentRegistry!.proxy);
    const payments = await ethers.getContractAt("DataAccessPayments", c.DataAccessPayments!.proxy);
    const dollar = await ethers.getContractAt("TestToken", result.deployment.tokens!.DemoDollar!.address);
    // A second referral token, so that no figure can add amounts of two tokens unnoticed.
    const euro = await (await ethers.getContractFactory("TestToken")).deploy("Demo Euro", "DEUR");
    await euro.waitForDeployment();
    contracts = { token, escrow, registry, payments, dollar, euro };

    const [admin, storefront, a, b, cc, d, e, keeper, partnerOwner, payoutSigner, buyerSigner, consumerSigner, storefront2] = signers;
    if (!consumerSigner || !storefront2) throw new Error("needs thirteen accounts");
    [S, A, B, C, D, E, S2] = [storefront!.address, a!.address, b!.address, cc!.address, d!.address, e!.address, storefront2.address];
    [payout, consumer, buyer] = [payoutSigner!.address, consumerSigner.address, buyerSigner!.address];
    const asStorefront = token.connect(storefront!);

    // ─── Day 1, 09:00. Issuance: single, batch, order range, voucher; redemption; a plain transfer ──────
    await send(() => asStorefront.issue(A, 1n, 100n));
    await send(() => asStorefront.issueBatch([A, B], [2n, 3n], [10n, 20n]));
    await send(() => asStorefront.issueForOrderRange(10n, [B, C, E], [5n, 7n, 9n]));
    const voucher = { shopper: D, amount: 30n, storefront: S, orderId: 20n, deadline: 2n ** 40n };
    const signature = await storefront!.signTypedData(await domainOf(token as any), voucherTypes, voucher);
    await send(() => token.connect(d!).claimVoucher(voucher, ...compact(signature)));
    tally.issued += 100n + 10n + 20n + 5n + 7n + 9n + 30n;
    tally.issuanceCount += 7n;
    // Attributed: the storefront redeems with the allowance the shopper gave it.
    await send(() => token.connect(a!).approve(S, 30n));
    await send(() => asStorefront.redeemFrom(A, 30n, ethers.id("order-ref-1")));
    tally.redeemed += 30n;
    await send(() => token.connect(a!).transfer(B, 1n));
    // Points are spent anywhere: a second storefront that issued nothing redeems D's and A's points with their
    // approvals (redeemFrom).
    await send(() => token.connect(d!).approve(S2, 5n));
    await send(() => token.connect(storefront2).redeemFrom(D, 5n, ethers.id("order-ref-s2")));
    await send(() => token.connect(a!).approve(S2, 4n));
    await send(() => token.connect(storefront2).redeemFrom(A, 4n, ethers.id("order-ref-s2-from")));

    // ─── A return window: pending points, a partial void, a keeper's release (day 2), a clawback short of points
    await send(() => asStorefront.setStorefrontPolicy(HOUR, true));
    await send(() => asStorefront.issue(C, 30n, 50n));
    await send(() => asStorefront.issueBatch([A, B], [31n, 32n], [40n, 60n]));
    tally.pending += 50n + 40n + 60n;
    tally.issuanceCount += 3n;
    await send(() => asStorefront.voidPending(C, 30n, 10n));
    tally.pending -= 10n;
    tally.voided += 10n;
    clock = SCENARIO_START + DAY; // day 2, 09:00
    await send(() => token.connect(keeper!).release(S, [C, A, B], [30n, 31n, 32n]));
    tally.issued += 40n + 40n + 60n;
    tally.pending -= 140n;
    const redeemedByB = (await token.balanceOf(B)) - 6n;
    // Unattributed: a holder's own redemption counts for no storefront.
    await send(() => token.connect(b!).redeem(redeemedByB, ethers.id("order-ref-2")));
    tally.unattributedRedeemed += redeemedByB;
    await send(() => asStorefront.clawback(B, 32n, 50n)); // B holds 6: 6 burned, 44 short
    tally.clawedBack += 6n;
    tally.shortfall += 44n;

    // ─── Expiry (day 3: more than a day without activity) ──────────────────────────────────────────────
    await send(() => token.connect(admin!).setExpiryPeriod(DAY));
    // The partner commits to its code a day before registering it (registration is commit–reveal).
    const salt = ethers.id("partner salt");
    const commitment = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "address", "bytes32"], [code, partnerOwner!.address, salt]));
    await send(() => escrow.connect(partnerOwner!).commitCode(commitment));
    clock = SCENARIO_START + 2 * DAY + HOUR; // day 3, 10:00
    await send(() => token.expire([E]));

    // ─── Referrals: partner, enrolment, budget, three referrals, a partial refund, a void, a claim after the hold
    await send(() => escrow.connect(partnerOwner!).registerPartner(code, payout, salt));
    partnerId = await escrow.partnerIdOf(code);
    const asShop = escrow.connect(storefront!);
    await send(() => asShop.enrolPartner(code, 500, 0n));
    await send(() => asShop.setHoldPeriod(HOUR));
    await send(() => dollar.mint(S, 10_000n));
    await send(async () => dollar.connect(storefront!).approve(await escrow.getAddress(), 10_000n));
    await send(async () => asShop.fundBudget(await dollar.getAddress(), 10_000n));
    await send(() => euro.mint(S, 5_000n));
    await send(async () => euro.connect(storefront!).approve(await escrow.getAddress(), 5_000n));
    await send(async () => asShop.fundBudget(await euro.getAddress(), 5_000n));
    await send(async () => asShop.recordReferral(100n, code, 1_000n, await dollar.getAddress(), buyer));
    await send(async () => asShop.recordReferral(101n, code, 2_000n, await dollar.getAddress(), buyer));
    await send(async () => asShop.recordReferral(102n, code, 4_000n, await dollar.getAddress(), buyer));
    // In euros, with amounts that round: 5% of 3,333 is 166 (166.65), a third of it refunded; one released early.
    await send(async () => asShop.recordReferral(103n, code, 3_333n, await euro.getAddress(), buyer));
    await send(async () => asShop.recordReferral(104n, code, 999n, await euro.getAddress(), buyer));
    await send(() => asShop.refundReferral(101n, 5_000));
    await send(() => asShop.refundReferral(103n, 3_333));
    await send(() => asShop.voidReferral(102n));
    await send(() => asShop.releaseEarly(104n));
    clock += HOUR + 1;
    // One claim over both tokens: one payout per token; the voided referral in it is skipped.
    await send(() => escrow.connect(partnerOwner!).claimFrom(partnerId, S, [100n, 101n, 102n, 103n]));
    // Still pending at the end: a euro referral within its hold period, and the euro one released early, unclaimed.
    await send(async () => asShop.recordReferral(105n, code, 2_001n, await euro.getAddress(), buyer));

    // ─── Day 4: consent and paid data access; day 5: one more access, which closes day 4's buckets ───
    clock = SCENARIO_START + 3 * DAY;
    const expiresAt = BigInt(clock + 365 * DAY);
    await send(() => registry.connect(a!).grant(consumer, scope, 10n, expiresAt));
    await send(() => registry.connect(b!).grant(consumer, scope, 12n, expiresAt));
    await send(() => registry.connect(a!).grant(consumer, otherScope, 5n, expiresAt));
    await send(() => registry.connect(b!).revoke(consumer, scope));
    await send(() => registry.connect(cc!).anchorRecord(scope, ethers.id("record")));
    await send(() => registry.connect(cc!).grant(consumer, scope, 1_013n, expiresAt));
    await send(() => registry.connect(d!).grant(consumer, scope, 2_999n, expiresAt));
    await send(() => dollar.mint(consumer, 10_000n));
    await send(async () => dollar.connect(consumerSigner).approve(await payments.getAddress(), 10_000n));
    await send(() => payments.connect(consumerSigner).deposit(10_000n));
    await send(() => payments.connect(consumerSigner).recordAccess(A, scope, 10n));
    // A platform fee of 3.33%: per access 0, 33 (33.73) and 99 (99.87), 132 in all, where 3.33% of the
    // batch's total would be 133.
    await send(() => payments.connect(admin!).setFee(admin!.address, 333));
    await send(() => payments.connect(consumerSigner).recordAccesses(scope, [A, C, D], 3_000n));
    clock = SCENARIO_START + 4 * DAY;
    await send(() => payments.connect(consumerSigner).recordAccess(A, otherScope, 5n));

    // ─── The local indexer on this chain, with the built WASM and a manifest for this deployment ────────
    const targets = Object.fromEntries(DATA_SOURCES.map((name) => [name, { address: c[name]!.proxy, startBlock: c[name]!.deploymentBlock }]));
    const build = await retargetBuild(SUBGRAPH_BUILD, join(dir, "build"), targets, "hardhat");
    local = await startLocalIndexer({
      subgraph: build,
      rpcUrl: "hardhat in-process network",
      provider: connection.provider as unknown as EIP1193Provider,
      subgraphName: "dcrm",
      port: 0,
      pollInterval: 20,
      log: (line) => indexerLog.push(line),
    });
    await local.waitForBlock(await ethers.provider.getBlockNumber(), 120_000);
  });

  after(async function () {
    await local?.close();
    if (savedDir === undefined) delete process.env.DCRM_DEPLOYMENTS_DIR;
    else process.env.DCRM_DEPLOYMENTS_DIR = savedDir;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("indexes every block without an indexing error or a handler's error log", async function () {
    const { _meta } = await gql(`{ _meta { block { number } hasIndexingErrors deployment } }`);
    expect(_meta.hasIndexingErrors).to.equal(false);
    expect(_meta.block.number).to.equal(await ethers.provider.getBlockNumber());
    expect(_meta.deployment).to.equal(local.build.deployment);
    expect(indexerLog.filter((line) => /^(CRITICAL|ERROR|WARNING)/.test(line))).to.deep.equal([]);
  });

  it("keeps each shopper's balance equal to balanceOf, and the total supply", async function () {
    const { shoppers, program } = await gql(`{
      shoppers(first: 1000) { id balance expired clawedBack pending earned }
      program(id: "0x00") { totalSupply }
    }`);
    expect(shoppers.length).to.be.greaterThanOrEqual(5);
    for (const shopper of shoppers) {
      expect(BigInt(shopper.balance), `Shopper ${shopper.id} balance`).to.equal(await contracts.token.balanceOf(shopper.id));
    }
    const byId = Object.fromEntries(shoppers.map((s: { id: string }) => [s.id, s]));
    for (const address of [A, B, C, D, E]) expect(byId[address.toLowerCase()], address).to.not.equal(undefined);
    expect(BigInt(program.totalSupply)).to.equal(await contracts.token.totalSupply());
    expect(byId[E.toLowerCase()].expired).to.equal("9");
    expect(byId[B.toLowerCase()].clawedBack).to.equal("6");
    expect(byId[C.toLowerCase()].pending).to.equal("0");
    expect(byId[C.toLowerCase()].earned).to.equal(String(7n + 40n));
  });

  it("sums the storefront's issuance, redemption, pending, void and clawback as the transactions did", async function () {
    const { storefront, issuances, releases, redemptions } = await gql(`query ($s: ID!) {
      storefront(id: $s) { issued redeemed pending voided clawedBack clawbackShortfall issuanceCount redemptionCount returnWindow capPerPeriod }
      issuances(first: 1000) { id }
      releases(first: 1000) { amount shopper { id } transfer { value to } }
      redemptions(first: 1000, orderBy: blockNumber) { amount storefront { id } }
    }`, { s: S.toLowerCase() });
    // The holder's own redemption is kept, attributed to no storefront.
    expect(redemptions).to.deep.equal([
      { amount: String(tally.redeemed), storefront: { id: S.toLowerCase() } },
      { amount: "5", storefront: { id: S2.toLowerCase() } },
      { amount: "4", storefront: { id: S2.toLowerCase() } },
      { amount: String(tally.unattributedRedeemed), storefront: null },
    ]);
    expect(storefront).to.deep.equal({
      issued: String(tally.issued),
      redeemed: String(tally.redeemed),
      pending: String(tally.pending),
      voided: String(tally.voided),
      clawedBack: String(tally.clawedBack),
      clawbackShortfall: String(tally.shortfall),
      issuanceCount: String(tally.issuanceCount),
      redemptionCount: "1",
      returnWindow: String(HOUR),
      capPerPeriod: String(10n ** 24n),
    });
    expect(issuances).to.have.length(Number(tally.issuanceCount));
    expect(releases).to.have.length(3);
    // Each release pairs with the mint just before it in the same transaction.
    for (const release of releases) {
      expect(release.transfer.value).to.equal(release.amount);
      expect(release.transfer.to).to.equal(release.shopper.id);
    }
  });

  it("follows the referrals and the partner as the escrow's views do", async function () {
    for (const orderId of [100n, 101n, 102n]) {
      const onChain = await contracts.escrow.referralOf(S, orderId);
      const { referral } = await gql(`query ($id: ID!) { referral(id: $id) { status refundedBps buyer } }`, {
        id: S.toLowerCase() + pad32(orderId),
      });
      expect(referral.status, `referral ${orderId}`).to.equal(STATUS[Number(onChain.status)]);
      expect(referral.refundedBps, `referral ${orderId} refundedBps`).to.equal(Number(onChain.refundedBps));
      expect(referral.buyer, `referral ${orderId} buyer`).to.equal(buyer.toLowerCase());
    }
    const id = "0x" + partnerId.toString(16).padStart(10, "0");
    const budgetId = S.toLowerCase() + (await contracts.dollar.getAddress()).slice(2).toLowerCase();
    const { partner, budget, payouts } = await gql(`query ($p: ID!, $b: ID!) {
      partner(id: $p) { referralCount balances { token claimed pending } }
      budget(id: $b) { available }
      payouts { id }
    }`, { p: id, b: budgetId });
    const dollars = partner.balances.find((balance: { token: string }) => balance.token === "0x" + budgetId.slice(42));
    expect(BigInt(dollars.claimed), "claimed = paid to the payout address").to.equal(await contracts.dollar.balanceOf(payout));
    expect(dollars.pending).to.equal("0");
    expect(partner.referralCount).to.equal("6");
    expect(BigInt(budget.available)).to.equal(await contracts.escrow.budgetOf(S, await contracts.dollar.getAddress()));
    expect(payouts).to.have.length(2);
    const { referralChanges } = await gql(`{ referralChanges(where: { kind: ClaimSkipped }) { referral { orderId status } skipReason } }`);
    expect(referralChanges).to.deep.equal([{ referral: { orderId: "102", status: "Voided" }, skipReason: "Voided" }]);
  });

  it("keeps the consents' active flags as the registry has them", async function () {
    for (const [shopper, s] of [[A, scope], [B, scope], [A, otherScope]] as const) {
      const id = shopper.toLowerCase() + consumer.slice(2).toLowerCase() + s.slice(2);
      const { consent } = await gql(`query ($id: ID!) { consent(id: $id) { active } }`, { id });
      expect(consent.active, `${shopper} ${s}`).to.equal(await contracts.registry.isConsentActive(shopper, consumer, s));
    }
    const { consentScope } = await gql(`query ($id: ID!) { consentScope(id: $id) { activeConsents shoppers } }`, { id: scope });
    expect(consentScope).to.deep.equal({ activeConsents: "3", shoppers: "4" });
  });

  it("records the paid data access as the payments contract did", async function () {
    const { shopper, dataConsumer, dataAccesses } = await gql(`query ($a: ID!, $c: ID!) {
      shopper(id: $a) { dataEarnings }
      dataConsumer(id: $c) { deposited spent }
      dataAccesses { id }
    }`, { a: A.toLowerCase(), c: consumer.toLowerCase() });
    expect(BigInt(shopper.dataEarnings)).to.equal(await contracts.payments.earningsOf(A));
    expect(dataConsumer.deposited).to.equal("10000");
    expect(BigInt(dataConsumer.spent)).to.equal(10_000n - (await contracts.payments.depositOf(consumer)));
    expect(dataAccesses).to.have.length(5);
  });

  it("rolls the day's statistics up per storefront, and they add up to the storefront's totals", async function () {
    const { storefrontStats } = await gql(`query ($s: String!) { storefrontStats(interval: day, first: 1000, where: { storefront: $s }) { timestamp storefront { id } issued redeemed } }`, { s: S.toLowerCase() });
    const days = storefrontStats.map((row: { timestamp: string }) => Number(BigInt(row.timestamp) / 1_000_000n));
    expect(days).to.deep.equal([...days].sort((x, y) => y - x)); // newest first
    expect(days.every((day: number) => day % DAY === 0)).to.equal(true);
    const sum = (field: string) => storefrontStats.reduce((total: bigint, row: Record<string, string>) => total + BigInt(row[field]!), 0n);
    // Every issuance and redemption happened on days 1–2, which day 5's block closed.
    expect(sum("issued")).to.equal(tally.issued);
    expect(sum("redeemed")).to.equal(tally.redeemed);
  });

  it("gives every marketer figure the value computed from the chain's events and views", async function () {
    const chain = await figuresFromChain();
    const lower = (address: string) => address.toLowerCase();
    const rate = (numerator: bigint, denominator: bigint) => (denominator === 0n ? 0 : Number(numerator) / Number(denominator));

    // Points: attributed redemptions only, redemption rates in [0, 1].
    const { storefronts, program } = await gql(`{
      storefronts(first: 1000) { id issued redeemed redemptionRate redemptionCount }
      program(id: "0x00") { issued redeemed redeemedUnattributed redemptionRate }
    }`);
    expect(storefronts.map((row: { id: string }) => row.id).sort()).to.deep.equal([...chain.storefronts.keys()].sort());
    for (const row of storefronts) {
      const expected = chain.storefronts.get(row.id)!;
      expect({ issued: row.issued, redeemed: row.redeemed, redemptionCount: row.redemptionCount }, row.id).to.deep.equal({
        issued: String(expected.issued),
        redeemed: String(expected.redeemed),
        redemptionCount: String(expected.redemptions),
      });
      const share = Number(row.redemptionRate);
      expect(Math.abs(share - rate(expected.redeemed, expected.issued + expected.redeemed)) < 1e-12, `${row.id} redemptionRate ${share}`).to.equal(true);
      expect(share >= 0 && share <= 1, `${row.id} redemptionRate ${share} in [0, 1]`).to.equal(true);
    }
    // The second storefront took back points it never gave: redeemed / issued would be infinite.
    expect(chain.storefronts.get(lower(S2))!.issued).to.equal(0n);
    expect(chain.storefronts.get(lower(S2))!.redeemed > 0n).to.equal(true);
    expect(program.issued).to.equal(String(chain.issued));
    expect(program.redeemed).to.equal(String(chain.redeemed));
    expect(program.redeemedUnattributed).to.equal(String(chain.redeemedUnattributed));
    expect(Math.abs(Number(program.redemptionRate) - rate(chain.redeemed, chain.issued)) < 1e-12, `program redemptionRate ${program.redemptionRate}`).to.equal(true);

    // Referral figures, one token each: budgets per storefront and token, partner balances per token.
    const { budgets, partnerBalances } = await gql(`{
      budgets(first: 1000) { storefront { id } token funded withdrawn committed returned available referredRevenue commissions referralCount }
      partnerBalances(first: 1000) { partner { id } token pending released claimed referralCount }
    }`);
    expect(budgets).to.have.length(2);
    for (const budget of budgets) {
      const key = `${budget.storefront.id}/${budget.token}`;
      const expected = chain.budgets.get(key)!;
      expect(budget, key).to.deep.equal({
        storefront: { id: budget.storefront.id },
        token: budget.token,
        funded: String(expected.funded),
        withdrawn: String(expected.withdrawn),
        committed: String(expected.committed),
        returned: String(expected.returned),
        available: String(await contracts.escrow.budgetOf(budget.storefront.id, budget.token)),
        referredRevenue: String(expected.referredRevenue),
        commissions: String(expected.committed - expected.returned),
        referralCount: String(expected.referrals),
      });
    }
    expect(partnerBalances).to.have.length(2);
    for (const balance of partnerBalances) {
      const expected = chain.partnerBalances.get(balance.token)!;
      expect(balance, balance.token).to.deep.equal({
        partner: { id: balance.partner.id },
        token: balance.token,
        pending: String(expected.pending),
        released: String(expected.released),
        claimed: String(await (balance.token === lower(await contracts.dollar.getAddress()) ? contracts.dollar : contracts.euro).balanceOf(payout)),
        referralCount: String(expected.referrals),
      });
      expect(BigInt(balance.claimed), "claimed = the payouts' amounts").to.equal(expected.claimed);
    }

    // Data access: the accesses add up to the consumer's totals, which are the events' and the contract's.
    const { dataConsumers, dataAccesses, shoppers } = await gql(`{
      dataConsumers { id spent fees accessCount }
      dataAccesses(first: 1000) { consumer { id } shopper { id } price fee shopperEarning batch }
      shoppers(first: 1000) { id dataEarnings }
    }`);
    expect(dataConsumers).to.deep.equal([{ id: lower(consumer), spent: String(chain.dataSpent), fees: String(chain.dataFees), accessCount: String(chain.dataAccesses) }]);
    const sumOf = (field: string) => dataAccesses.reduce((total: bigint, row: Record<string, string>) => total + BigInt(row[field]!), 0n);
    expect(dataAccesses).to.have.length(chain.dataAccesses);
    expect(sumOf("price")).to.equal(chain.dataSpent);
    expect(sumOf("fee")).to.equal(chain.dataFees);
    expect(chain.dataFees).to.equal(await contracts.payments.accruedFees());
    for (const row of dataAccesses) expect(BigInt(row.shopperEarning)).to.equal(BigInt(row.price) - BigInt(row.fee));
    for (const shopper of shoppers) {
      expect(BigInt(shopper.dataEarnings), `${shopper.id} dataEarnings`).to.equal(await contracts.payments.earningsOf(shopper.id));
    }

    // Statistics: every bucket summed gives the totals above; active shoppers are distinct, each on its own interval.
    const stats = await gql(`{
      storefrontStats(interval: day, first: 1000) { storefront { id } issued redeemed }
      storefrontReferralStats(interval: day, first: 1000) { storefront { id } token referredRevenue commissionsCommitted commissionsReturned referrals }
      referralStats(interval: day, first: 1000) { token referredRevenue commissionsCommitted commissionsReturned referrals }
      programStats(interval: day, first: 1000) { issued redeemed dataAccessRevenue }
      consumerStats(interval: day, first: 1000) { revenue fees accesses }
      dailyActivities(interval: day, first: 1000) { timestamp activeShoppers }
      hourlyActivities(interval: hour, first: 1000) { timestamp activeShoppers }
      storefrontDailyActivities(interval: day, first: 1000) { timestamp storefront { id } activeShoppers }
      storefrontHourlyActivities(interval: hour, first: 1000) { timestamp storefront { id } activeShoppers }
    }`);
    const total = (rows: Record<string, unknown>[], field: string, keep: (row: any) => boolean = () => true) =>
      rows.filter(keep).reduce((sum, row) => sum + BigInt(row[field] as string | number), 0n);
    for (const [id, expected] of chain.storefronts) {
      expect(total(stats.storefrontStats, "issued", (row) => row.storefront.id === id), `${id} issued per day`).to.equal(expected.issued);
      expect(total(stats.storefrontStats, "redeemed", (row) => row.storefront.id === id), `${id} redeemed per day`).to.equal(expected.redeemed);
    }
    for (const [key, expected] of chain.budgets) {
      const [storefrontId, token] = key.split("/");
      const mine = (row: any) => row.storefront.id === storefrontId && row.token === token;
      expect(total(stats.storefrontReferralStats, "referredRevenue", mine), key).to.equal(expected.referredRevenue);
      expect(total(stats.storefrontReferralStats, "commissionsCommitted", mine), key).to.equal(expected.committed);
      expect(total(stats.storefrontReferralStats, "commissionsReturned", mine), key).to.equal(expected.returned);
      expect(total(stats.storefrontReferralStats, "referrals", mine), key).to.equal(BigInt(expected.referrals));
      expect(total(stats.referralStats, "referredRevenue", (row) => row.token === token), token).to.equal(expected.referredRevenue);
    }
    expect(total(stats.programStats, "issued")).to.equal(chain.issued);
    expect(total(stats.programStats, "redeemed")).to.equal(chain.redeemed);
    // Day 5's access is in a bucket no later block has closed yet.
    expect(total(stats.consumerStats, "accesses")).to.equal(BigInt(chain.dataAccesses - 1));
    const buckets = (rows: { timestamp: string; activeShoppers: number; storefront?: { id: string } }[]) =>
      // A bucket with data points but no shopper activity (data-access revenue) answers 0.
      Object.fromEntries(rows.filter((row) => row.activeShoppers > 0).map((row) => [`${row.storefront ? row.storefront.id + "@" : ""}${BigInt(row.timestamp) / 1_000_000n}`, row.activeShoppers]));
    expect(buckets(stats.dailyActivities)).to.deep.equal(chain.activeShoppers(DAY));
    expect(buckets(stats.hourlyActivities)).to.deep.equal(chain.activeShoppers(HOUR));
    expect(buckets(stats.storefrontDailyActivities)).to.deep.equal(chain.activeShoppers(DAY, true));
    expect(buckets(stats.storefrontHourlyActivities)).to.deep.equal(chain.activeShoppers(HOUR, true));
    expect(Object.values(chain.activeShoppers(DAY)).some((count) => count > 1)).to.equal(true);
  });

  /**
   * The marketer's figures as the chain states them, computed from the contracts' logs alone (decoded with
   * their ABIs, paired by log index as the contracts document), independently of the mappings.
   */
  async function figuresFromChain() {
    const c = result.deployment.contracts;
    const byAddress = new Map<string, any>(
      [contracts.token, contracts.escrow, contracts.payments].map((contract, i) => [lower(c[["RewardToken", "ReferralEscrow", "DataAccessPayments"][i]!]!.proxy), contract]),
    );
    function lower(address: string) {
      return address.toLowerCase();
    }
    const logs = await ethers.provider.getLogs({ fromBlock: 0, toBlock: "latest", address: [...byAddress.keys()] });
    const blockTimes = new Map<number, number>();
    const parsed: { name: string; args: any; log: (typeof logs)[number]; time: number }[] = [];
    for (const entry of logs) {
      const event = byAddress.get(lower(entry.address))!.interface.parseLog(entry);
      if (!event) continue;
      if (!blockTimes.has(entry.blockNumber)) blockTimes.set(entry.blockNumber, (await ethers.provider.getBlock(entry.blockNumber))!.timestamp);
      parsed.push({ name: event.name, args: event.args, log: entry, time: blockTimes.get(entry.blockNumber)! });
    }
    const at = (txHash: string, logIndex: number) => parsed.find((p) => p.log.transactionHash === txHash && p.log.index === logIndex)!;
    const storefronts = new Map<string, { issued: bigint; redeemed: bigint; redemptions: number }>();
    const storefront = (id: string) => {
      if (!storefronts.has(id)) storefronts.set(id, { issued: 0n, redeemed: 0n, redemptions: 0 });
      return storefronts.get(id)!;
    };
    const activity: { shopper: string; storefront: string | null; time: number }[] = [];
    let issued = 0n, redeemed = 0n, redeemedUnattributed = 0n;
    const mint = (p: (typeof parsed)[number], id: string, transferIndex: number) => {
      const transfer = at(p.log.transactionHash, transferIndex);
      storefront(id).issued += transfer.args.value;
      issued += transfer.args.value;
      activity.push({ shopper: lower(transfer.args.to), storefront: id, time: p.time });
    };
    type Referral = { token: string; storefront: string; commission: bigint; remaining: bigint; released: boolean; claimed: boolean };
    const referrals = new Map<string, Referral>();
    const budgets = new Map<string, { funded: bigint; withdrawn: bigint; committed: bigint; returned: bigint; referredRevenue: bigint; referrals: number }>();
    const budget = (storefrontId: string, token: string) => {
      const key = `${lower(storefrontId)}/${lower(token)}`;
      if (!budgets.has(key)) budgets.set(key, { funded: 0n, withdrawn: 0n, committed: 0n, returned: 0n, referredRevenue: 0n, referrals: 0 });
      return budgets.get(key)!;
    };
    const claimedByToken = new Map<string, bigint>();
    let dataSpent = 0n, dataFees = 0n, dataAccesses = 0;
    const claim = (storefrontId: string, orderId: bigint) => { referrals.get(`${lower(storefrontId)}/${orderId}`)!.claimed = true; };

    for (const p of parsed) {
      const { args, log } = p;
      switch (p.name) {
        case "PointsIssued":
        case "PointsReleased":
          mint(p, lower(args.storefront), log.index - 1);
          break;
        case "PointsIssuedInBatch":
          args.orderIds.forEach((_: bigint, i: number) => mint(p, lower(args.storefront), log.index - args.orderIds.length + i));
          break;
        case "PointsIssuedForOrderRange":
          for (let i = 0; i < Number(args.count); i++) mint(p, lower(args.storefront), log.index - Number(args.count) + i);
          break;
        case "PointsRedeemed": {
          const transfer = at(log.transactionHash, log.index - 1);
          redeemed += transfer.args.value;
          const attributed = lower(args.storefront) !== ethers.ZeroAddress;
          if (attributed) {
            storefront(lower(args.storefront)).redeemed += transfer.args.value;
            storefront(lower(args.storefront)).redemptions += 1;
          } else {
            redeemedUnattributed += transfer.args.value;
          }
          activity.push({ shopper: lower(transfer.args.from), storefront: attributed ? lower(args.storefront) : null, time: p.time });
          break;
        }
        case "PointsPending":
          storefront(lower(args.storefront));
          break;
        case "BudgetFunded":
          budget(args.storefront, args.token).funded += args.amount;
          break;
        case "BudgetWithdrawn":
          budget(args.storefront, args.token).withdrawn += args.amount;
          break;
        case "ReferralRecorded": {
          const b = budget(args.storefront, args.token);
          b.committed += args.commission;
          b.referredRevenue += args.saleAmount;
          b.referrals += 1;
          referrals.set(`${lower(args.storefront)}/${args.orderId}`, {
            token: lower(args.token), storefront: lower(args.storefront), commission: args.commission, remaining: args.commission, released: false, claimed: false,
          });
          break;
        }
        case "ReferralRefunded":
        case "ReferralVoided": {
          const referral = referrals.get(`${lower(args.storefront)}/${args.orderId}`)!;
          const returned: bigint = p.name === "ReferralRefunded" ? args.commissionVoided : args.commission;
          referral.remaining -= returned;
          budget(referral.storefront, referral.token).returned += returned;
          break;
        }
        case "ReferralReleasedEarly":
          referrals.get(`${lower(args.storefront)}/${args.orderId}`)!.released = true;
          break;
        case "CommissionsClaimed":
          for (const key of args.referrals) claim(key.storefront, key.orderId);
          claimedByToken.set(lower(args.token), (claimedByToken.get(lower(args.token)) ?? 0n) + args.amount);
          break;
        case "CommissionsClaimedFrom":
          for (const orderId of args.orderIds) claim(args.storefront, orderId);
          claimedByToken.set(lower(args.token), (claimedByToken.get(lower(args.token)) ?? 0n) + args.amount);
          break;
        case "AccessRecorded":
          dataSpent += args.price;
          dataFees += args.fee;
          dataAccesses += 1;
          break;
        case "AccessesRecorded":
          dataSpent += args.total;
          dataFees += args.fee;
          dataAccesses += Number(args.count);
          break;
      }
    }
    const partnerBalances = new Map<string, { pending: bigint; released: bigint; claimed: bigint; referrals: number }>();
    for (const referral of referrals.values()) {
      const balance = partnerBalances.get(referral.token) ?? { pending: 0n, released: 0n, claimed: claimedByToken.get(referral.token) ?? 0n, referrals: 0 };
      balance.referrals += 1;
      if (referral.released || referral.claimed) balance.released += referral.remaining;
      else balance.pending += referral.remaining;
      partnerBalances.set(referral.token, balance);
    }
    /** Distinct active shoppers per bucket start (seconds), program-wide or per storefront (`storefront@start`). */
    const activeShoppers = (width: number, perStorefront = false) => {
      const seen = new Map<string, Set<string>>();
      for (const { shopper, storefront: where, time } of activity) {
        if (perStorefront && where === null) continue;
        const key = `${perStorefront ? where + "@" : ""}${time - (time % width)}`;
        if (!seen.has(key)) seen.set(key, new Set());
        seen.get(key)!.add(shopper);
      }
      return Object.fromEntries([...seen].map(([key, shoppers]) => [key, shoppers.size]));
    };
    return { storefronts, issued, redeemed, redeemedUnattributed, budgets, partnerBalances, dataSpent, dataFees, dataAccesses, activeShoppers };
  }

  it("answers every marketer query of subgraph/queries/ with the outputs the README shows", async function () {
    // The partner leaderboard's example token is the euro; `npm run subgraph:examples` writes its address.
    const euro = (await contracts.euro.getAddress()).toLowerCase();
    if (process.env.DCRM_UPDATE_QUERY_OUTPUTS === "1") {
      await writeFile(README, (await readFile(README, "utf8")).replace(/\{ "token": "[^"]*" \}/, `{ "token": "${euro}" }`));
    }
    const sections = await readReadmeQueries(README);
    const files = (await readdir(join(root, "subgraph", "queries"))).filter((file) => file.endsWith(".graphql"));
    expect(sections.map((s) => s.file).sort()).to.deep.equal(files.map((file) => `queries/${file}`).sort());
    if (process.env.DCRM_UPDATE_QUERY_OUTPUTS !== "1") {
      for (const section of sections) {
        expect(section.shown, `README query of "${section.title}" differs from ${section.file} (refresh with npm run subgraph:examples)`).to.equal(section.query);
      }
    }
    const answers: string[] = [];
    for (const section of sections) {
      const variables = section.variables ? JSON.parse(section.variables) : undefined;
      answers.push(JSON.stringify({ data: await gql(section.query, variables) }, null, 2));
    }
    if (process.env.DCRM_UPDATE_QUERY_OUTPUTS === "1") {
      await writeReadmeOutputs(README, answers);
      return;
    }
    sections.forEach((section, i) => {
      expect(section.output, `README output of "${section.title}" (refresh with npm run subgraph:examples)`).to.equal(answers[i]);
    });
  });
});
