/**
 * The subgraph's mappings against REAL logs: deploys the system on the in-process network, sends real
 * transactions through every flow the mappings follow (issuance in its four forms, redemption, pending points
 * under a return window: void, keeper release, clawback with a shortfall; expiry; a referral's lifecycle;
 * consent; paid data access), then runs every log of the data sources, in chain order (block, then log index),
 * through the built WASM handlers with the in-memory host of subgraph/scripts/host.mjs, and checks the
 * entities against the contracts' own views. Real log indexes, real ABI encoding, real Transfer/lean-event
 * pairing: what the scripted smoke (subgraph/scripts/smoke.mjs) can only imitate.
 *
 * Needs subgraph/build/ (npm test builds it first; otherwise run `npm run subgraph:build`).
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { ContractTransactionResponse, Log, TransactionReceipt } from "ethers";
import hre from "hardhat";

import { resolveDeployConfig } from "../../deploy/config.js";
import { type DeploySystemResult, deploySystem } from "../../deploy/system.js";
import { createHost, type Host } from "../../subgraph/scripts/host.mjs";
import { compact, connection, domainOf, ethers, ONE_DAY, upgradesApi, voucherTypes } from "../contracts/fixtures.js";

const root = hre.config.paths.root;
const NETWORK = "default";
const SUBGRAPH_BUILD = join(root, "subgraph", "build");
const DATA_SOURCES = ["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"] as const;
const STATUS = ["None", "Pending", "Voided", "Claimed"];

const pad32 = (n: bigint) => n.toString(16).padStart(64, "0");

describe("subgraph: the built mappings on the logs of real transactions", function () {
  this.timeout(120_000);

  let savedDir: string | undefined;
  let dir = "";
  let result: DeploySystemResult;
  let host: Host;
  const receipts: TransactionReceipt[] = [];
  /** Logs of events the manifest lists that no handler ran on; events it does not list. */
  const missed: string[] = [];
  const unhandled = new Set<string>();

  /** Sends, waits, keeps the receipt. */
  async function send(pending: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
    const receipt = await (await pending).wait();
    if (!receipt || receipt.status !== 1) throw new Error("transaction failed");
    receipts.push(receipt);
    return receipt;
  }

  // Expected storefront totals, tallied as the transactions are sent.
  const tally = { issued: 0n, redeemed: 0n, pending: 0n, voided: 0n, clawedBack: 0n, shortfall: 0n, issuanceCount: 0n };

  let S: string, A: string, B: string, C: string, D: string, E: string, payout: string, consumer: string, buyer: string;
  const code = ethers.id("partner-code");
  const scope = ethers.id("scope:purchases");
  const otherScope = ethers.id("scope:profile");

  before(async function () {
    if (!existsSync(join(SUBGRAPH_BUILD, "RewardToken", "RewardToken.wasm"))) {
      throw new Error("subgraph/build/ is missing: run `npm run subgraph:build` first (npm test builds it before the tests)");
    }
    savedDir = process.env.DCRM_DEPLOYMENTS_DIR;
    dir = await mkdtemp(join(tmpdir(), "dcrm-subgraph-real-"));
    process.env.DCRM_DEPLOYMENTS_DIR = dir;

    const raw = JSON.parse(await readFile(join(root, "deploy", "config", "default.json"), "utf8")) as Record<string, unknown>;
    const signers = await ethers.getSigners();
    const config = resolveDeployConfig("default.json", NETWORK, raw, { accounts: signers.map((s) => s.address) });
    const readAbi = async (name: string): Promise<unknown> => (await hre.artifacts.readArtifact(name)).abi;
    result = await deploySystem({ ethers, upgradesApi, readAbi, root, network: NETWORK, config });
    const c = result.deployment.contracts;
    const token = await ethers.getContractAt("RewardToken", c.RewardToken!.proxy);
    const escrow = await ethers.getContractAt("ReferralEscrow", c.ReferralEscrow!.proxy);
    const registry = await ethers.getContractAt("ConsentRegistry", c.ConsentRegistry!.proxy);
    const payments = await ethers.getContractAt("DataAccessPayments", c.DataAccessPayments!.proxy);
    const dollar = await ethers.getContractAt("TestToken", result.deployment.tokens!.DemoDollar!.address);

    const [admin, storefront, a, b, cc, d, e, keeper, partnerOwner, payoutSigner, buyerSigner, consumerSigner] = signers;
    if (!consumerSigner) throw new Error("needs twelve accounts");
    [S, A, B, C, D, E] = [storefront!.address, a!.address, b!.address, cc!.address, d!.address, e!.address];
    [payout, consumer, buyer] = [payoutSigner!.address, consumerSigner.address, buyerSigner!.address];
    const asStorefront = token.connect(storefront!);

    // ─── Issuance: single, batch, order range, voucher; redemption; a plain transfer ───────────────────
    await send(asStorefront.issue(A, 1n, 100n));
    await send(asStorefront.issueBatch([A, B], [2n, 3n], [10n, 20n]));
    await send(asStorefront.issueForOrderRange(10n, [B, C, E], [5n, 7n, 9n]));
    const voucher = { shopper: D, amount: 30n, storefront: S, orderId: 20n, deadline: 2n ** 40n };
    const signature = await storefront!.signTypedData(await domainOf(token), voucherTypes, voucher);
    await send(token.connect(d!).claimVoucher(voucher, ...compact(signature)));
    tally.issued += 100n + 10n + 20n + 5n + 7n + 9n + 30n;
    tally.issuanceCount += 7n;
    await send(token.connect(a!).redeem(S, 30n, ethers.id("order-ref-1")));
    tally.redeemed += 30n;
    await send(token.connect(a!).transfer(B, 1n));

    // ─── A return window: pending points, a partial void, a keeper's release, a clawback short of points ──
    await send(asStorefront.setStorefrontPolicy(3_600, true));
    await send(asStorefront.issue(C, 30n, 50n));
    await send(asStorefront.issueBatch([A, B], [31n, 32n], [40n, 60n]));
    tally.pending += 50n + 40n + 60n;
    tally.issuanceCount += 3n;
    await send(asStorefront.voidPending(C, 30n, 10n));
    tally.pending -= 10n;
    tally.voided += 10n;
    await connection.networkHelpers.time.increase(3_601);
    await send(token.connect(keeper!).release(S, [C, A, B], [30n, 31n, 32n]));
    tally.issued += 40n + 40n + 60n;
    tally.pending -= 140n;
    const redeemedByB = (await token.balanceOf(B)) - 6n;
    await send(token.connect(b!).redeem(S, redeemedByB, ethers.id("order-ref-2")));
    tally.redeemed += redeemedByB;
    await send(asStorefront.clawback(B, 32n, 50n)); // B holds 6: 6 burned, 44 short
    tally.clawedBack += 6n;
    tally.shortfall += 44n;

    // ─── Expiry ─────────────────────────────────────────────────────────────────────────────────────
    await send(token.connect(admin!).setExpiryPeriod(ONE_DAY));
    await connection.networkHelpers.time.increase(ONE_DAY + 1n);
    await send(token.expire([E]));

    // ─── Referrals: partner, enrolment, budget, two referrals, a partial refund, a claim after the hold ─
    await send(escrow.connect(partnerOwner!).registerPartner(code, payout));
    const partnerId = await escrow.partnerIdOf(code);
    const asShop = escrow.connect(storefront!);
    await send(asShop.enrolPartner(code, 500, 0n));
    await send(asShop.setHoldPeriod(3_600));
    await send(dollar.mint(S, 10_000n));
    await send(dollar.connect(storefront!).approve(await escrow.getAddress(), 10_000n));
    await send(asShop.fundBudget(await dollar.getAddress(), 10_000n));
    await send(asShop.recordReferral(100n, code, 1_000n, await dollar.getAddress(), buyer));
    await send(asShop.recordReferral(101n, code, 2_000n, await dollar.getAddress(), buyer));
    await send(asShop.recordReferral(102n, code, 4_000n, await dollar.getAddress(), buyer));
    await send(asShop.refundReferral(101n, 5_000));
    await send(asShop.voidReferral(102n));
    await connection.networkHelpers.time.increase(3_601);
    await send(escrow.connect(partnerOwner!).claimFrom(partnerId, S, [100n, 101n]));

    // ─── Consent and paid data access ─────────────────────────────────────────────────────────────────
    const expiresAt = BigInt(await connection.networkHelpers.time.latest()) + 365n * ONE_DAY;
    await send(registry.connect(a!).grant(consumer, scope, 10n, expiresAt));
    await send(registry.connect(b!).grant(consumer, scope, 12n, expiresAt));
    await send(registry.connect(a!).grant(consumer, otherScope, 5n, expiresAt));
    await send(registry.connect(b!).revoke(consumer, scope));
    await send(registry.connect(cc!).anchorRecord(scope, ethers.id("record")));
    await send(dollar.mint(consumer, 1_000n));
    await send(dollar.connect(consumerSigner).approve(await payments.getAddress(), 1_000n));
    await send(payments.connect(consumerSigner).deposit(1_000n));
    await send(payments.connect(consumerSigner).recordAccess(A, scope, 10n));

    // ─── Every log of the data sources, from their deployment on, in chain order, through the WASM ─────
    const addresses = Object.fromEntries(DATA_SOURCES.map((name) => [name, c[name]!.proxy]));
    const fromBlock = Math.min(...DATA_SOURCES.map((name) => Number(c[name]!.deploymentBlock ?? 0)));
    const logs = await ethers.provider.getLogs({ address: Object.values(addresses), fromBlock, toBlock: "latest" });
    logs.sort((x: Log, y: Log) => x.blockNumber - y.blockNumber || x.index - y.index);

    // Every log of the scenario's receipts from a data source is among them.
    const seen = new Set(logs.map((l) => `${l.transactionHash}:${l.index}`));
    const watched = new Set(Object.values(addresses).map((x) => x.toLowerCase()));
    for (const receipt of receipts) {
      for (const l of receipt.logs) {
        if (watched.has(l.address.toLowerCase())) expect(seen.has(`${l.transactionHash}:${l.index}`), "receipt log in getLogs").to.equal(true);
      }
    }

    host = createHost({ addresses });
    const interfaces: Record<string, InstanceType<typeof ethers.Interface>> = {};
    for (const name of DATA_SOURCES) interfaces[name] = new ethers.Interface((await hre.artifacts.readArtifact(name)).abi);
    const blocks = new Map<number, { number: number; timestamp: number; hash: string; parentHash: string; miner: string }>();
    for (const l of logs) {
      if (!blocks.has(l.blockNumber)) {
        const block = await ethers.provider.getBlock(l.blockNumber);
        if (!block) throw new Error(`no block ${l.blockNumber}`);
        blocks.set(l.blockNumber, { number: block.number, timestamp: block.timestamp, hash: block.hash!, parentHash: block.parentHash, miner: block.miner });
      }
      const tx = await ethers.provider.getTransaction(l.transactionHash);
      if (!tx) throw new Error(`no transaction ${l.transactionHash}`);
      const handler = host.handle(
        { address: l.address, topics: l.topics, data: l.data, logIndex: l.index },
        blocks.get(l.blockNumber)!,
        { hash: tx.hash, index: tx.index, from: tx.from, to: tx.to, value: tx.value, gasLimit: tx.gasLimit, gasPrice: tx.gasPrice, input: tx.data, nonce: tx.nonce },
      );
      if (handler === null) {
        // Not handled: must be an event the manifest does not list (roles, initialisation, upgrades), never
        // a listed one whose signature or address failed to match.
        const source = host.sources.find((s) => s.address === l.address.toLowerCase())!;
        const name = interfaces[source.name]!.parseLog(l)?.name ?? l.topics[0]!;
        if (Object.values(source.handlers).includes(`handle${name}`)) missed.push(`${source.name}.${name} (block ${l.blockNumber}, log ${l.index})`);
        else unhandled.add(`${source.name}.${name}`);
      }
    }
    this.token = token;
    this.escrow = escrow;
    this.registry = registry;
    this.payments = payments;
    this.dollar = dollar;
    this.partnerId = partnerId;
  });

  after(async function () {
    if (savedDir === undefined) delete process.env.DCRM_DEPLOYMENTS_DIR;
    else process.env.DCRM_DEPLOYMENTS_DIR = savedDir;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("runs every handled log without a host problem (unknown or missing fields, immutable rewrites, errors)", function () {
    expect(host.problems).to.deep.equal([]);
    expect(missed, "logs of listed events that matched no handler").to.deep.equal([]);
    for (const name of unhandled) expect(name).to.match(/\.(RoleGranted|Initialized|Upgraded|OwnershipTransferred|AdminChanged|Approval)$/);
    expect(host.counts.handled).to.be.greaterThan(50);
  });

  it("keeps each shopper's balance equal to balanceOf, and the total supply", async function () {
    const shoppers = host.store.get("Shopper")!;
    expect(shoppers.size).to.be.greaterThanOrEqual(5);
    for (const [id, fields] of shoppers) {
      expect(fields.balance!.v, `Shopper ${id} balance`).to.equal(await this.token.balanceOf(id));
    }
    for (const address of [A, B, C, D, E]) expect(shoppers.has(address.toLowerCase()), address).to.equal(true);
    expect(host.field("Program", "0x00", "totalSupply")).to.equal(await this.token.totalSupply());
    expect(host.field("Shopper", E, "expired")).to.equal(9n);
    expect(host.field("Shopper", B, "clawedBack")).to.equal(6n);
    expect(host.field("Shopper", C, "pending")).to.equal(0n);
    expect(host.field("Shopper", C, "earned")).to.equal(7n + 40n);
  });

  it("sums the storefront's issuance, redemption, pending, void and clawback as the transactions did", function () {
    const field = (name: string) => host.field("Storefront", S, name);
    expect(field("issued"), "issued").to.equal(tally.issued);
    expect(field("redeemed"), "redeemed").to.equal(tally.redeemed);
    expect(field("pending"), "pending").to.equal(tally.pending);
    expect(field("voided"), "voided").to.equal(tally.voided);
    expect(field("clawedBack"), "clawedBack").to.equal(tally.clawedBack);
    expect(field("clawbackShortfall"), "clawbackShortfall").to.equal(tally.shortfall);
    expect(field("issuanceCount"), "issuanceCount").to.equal(tally.issuanceCount);
    expect(field("redemptionCount"), "redemptionCount").to.equal(2n);
    expect(field("returnWindow")).to.equal(3_600n);
    expect(field("capPerPeriod"), "cap from the deployment's IssuanceCapSet").to.equal(10n ** 24n);
    expect(host.store.get("Issuance")!.size, "Issuance entities").to.equal(Number(tally.issuanceCount));
    expect(host.store.get("Release")!.size, "Release entities").to.equal(3);
    // Each release pairs with the mint just before it in the same transaction.
    for (const [, release] of host.store.get("Release")!) {
      const transfer = host.get("Transfer", release.transfer!.v)!;
      expect(transfer.value!.v).to.equal(release.amount!.v);
      expect(transfer.to!.v).to.equal(release.shopper!.v);
    }
  });

  it("follows the referrals and the partner as the escrow's views do", async function () {
    for (const orderId of [100n, 101n, 102n]) {
      const onChain = await this.escrow.referralOf(S, orderId);
      const id = S.toLowerCase() + pad32(orderId);
      expect(host.field("Referral", id, "status"), `referral ${orderId}`).to.equal(STATUS[Number(onChain.status)]);
      expect(host.field("Referral", id, "refundedBps"), `referral ${orderId} refundedBps`).to.equal(Number(onChain.refundedBps));
      expect(host.field("Referral", id, "buyer"), `referral ${orderId} buyer`).to.equal(buyer.toLowerCase());
    }
    const partner = "0x" + (this.partnerId as bigint).toString(16).padStart(10, "0");
    expect(host.field("Partner", partner, "claimed"), "claimed = paid to the payout address").to.equal(await this.dollar.balanceOf(payout));
    expect(host.field("Partner", partner, "pending")).to.equal(0n);
    const budget = S.toLowerCase() + (await this.dollar.getAddress()).slice(2).toLowerCase();
    expect(host.field("Budget", budget, "available"), "budget").to.equal(await this.escrow.budgetOf(S, await this.dollar.getAddress()));
    expect(host.store.get("Payout")!.size).to.equal(1);
  });

  it("keeps the consents' active flags as the registry has them", async function () {
    for (const [shopper, s] of [[A, scope], [B, scope], [A, otherScope]] as const) {
      const id = shopper.toLowerCase() + consumer.slice(2).toLowerCase() + s.slice(2);
      expect(host.field("Consent", id, "active"), `${shopper} ${s}`).to.equal(await this.registry.isConsentActive(shopper, consumer, s));
    }
    expect(host.field("ConsentScope", scope, "activeConsents")).to.equal(1n);
    expect(host.field("ConsentScope", scope, "shoppers")).to.equal(3n);
  });

  it("records the paid data access as the payments contract did", async function () {
    expect(host.field("Shopper", A, "dataEarnings")).to.equal(await this.payments.earningsOf(A));
    expect(host.field("DataConsumer", consumer, "deposited")).to.equal(1_000n);
    expect(host.field("DataConsumer", consumer, "spent")).to.equal(1_000n - (await this.payments.depositOf(consumer)));
    expect(host.store.get("DataAccess")!.size).to.equal(1);
  });
});
