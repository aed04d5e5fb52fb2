/**
 * The chain the benchmarks index: the four contracts deployed on Hardhat's in-process network, and a
 * realistic mix sent through all of them (blocks of 100-shopper batch issuances and single issuances,
 * redemptions, batches of referred sales, consents granted and revoked, and batches of paid data accesses).
 * `scale` scales every kind of load (1: over 50,000 triggers). `bench:indexer` and `bench:graphql` share it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { upgrades } from "@openzeppelin/hardhat-upgrades";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { resolveDeployConfig } from "../deploy/config.js";
import { deploySystem } from "../deploy/system.js";

const BATCH_SIZE = 100;

/** How many of each kind of transaction a chain of `scale` holds. */
export function benchLoad(scale: number) {
  return {
    issuanceBatches: Math.round(400 * scale),
    singleIssuances: Math.round(500 * scale),
    redemptions: Math.round(1_000 * scale),
    referralBatches: Math.round(50 * scale),
    consentRounds: Math.max(3, Math.round(10 * scale)), // three rounds grant every scope
    accessBatches: Math.round(300 * scale),
  };
}

/** A chain built by `buildBenchChain`. */
export interface BenchChain {
  connection: Awaited<ReturnType<HardhatRuntimeEnvironment["network"]["create"]>>;
  /** The last block sent. */
  head: number;
  /** Each contract's proxy address and deployment block, as `retargetBuild` takes them. */
  targets: Record<string, { address: string; startBlock: number }>;
  shoppers: number;
  load: ReturnType<typeof benchLoad>;
  /** Addresses a query can ask about: the storefront, the referral budget's token, shoppers who redeemed. */
  addresses: { storefront: string; referralToken: string; redeemingShoppers: string[] };
}

/**
 * Deploys the system on a new in-process network and sends the mix of `scale`. `deploymentsDir` receives
 * the deployment file (a temporary folder: the run's own, not the repository's).
 */
export async function buildBenchChain(hre: HardhatRuntimeEnvironment, scale: number, deploymentsDir: string, log = console.log): Promise<BenchChain> {
  const load = benchLoad(scale);
  const root = hre.config.paths.root;
  process.env.DCRM_DEPLOYMENTS_DIR = deploymentsDir;
  const connection = await hre.network.create();
  const { ethers } = connection;
  const signers = await ethers.getSigners();
  const raw = JSON.parse(await readFile(join(root, "deploy", "config", "default.json"), "utf8")) as Record<string, unknown>;
  const config = resolveDeployConfig("default.json", "default", raw, { accounts: signers.map((s) => s.address) });
  const { deployment } = await deploySystem({
    ethers,
    upgradesApi: await upgrades(hre, connection),
    readAbi: async (name) => (await hre.artifacts.readArtifact(name)).abi,
    root,
    network: "default",
    config,
  });
  const contracts = deployment.contracts;
  const [, storefront, partnerOwner, payoutSigner, consumerSigner] = signers;
  const shopperSigners = signers.slice(7); // shoppers who sign: redemptions and consents
  const token = (await ethers.getContractAt("RewardToken", contracts.RewardToken!.proxy)).connect(storefront!);
  const escrow = (await ethers.getContractAt("ReferralEscrow", contracts.ReferralEscrow!.proxy)).connect(storefront!);
  const registry = await ethers.getContractAt("ConsentRegistry", contracts.ConsentRegistry!.proxy);
  const payments = (await ethers.getContractAt("DataAccessPayments", contracts.DataAccessPayments!.proxy)).connect(consumerSigner!);
  const dollar = await ethers.getContractAt("TestToken", deployment.tokens!.DemoDollar!.address);
  const send = async (pending: Promise<{ wait(): Promise<unknown> }>) => (await pending).wait();
  const POINT = 10n ** 18n;

  log(`bench: sending ${JSON.stringify(load)}…`);
  let orderId = 1n;
  const shoppers = Array.from({ length: load.issuanceBatches * BATCH_SIZE }, () => ethers.getAddress(ethers.hexlify(ethers.randomBytes(20))));
  for (let block = 0; block < load.issuanceBatches; block++) {
    const batch = shoppers.slice(block * BATCH_SIZE, (block + 1) * BATCH_SIZE);
    await send(token.issueBatch(batch, batch.map(() => orderId++), batch.map(() => POINT)));
  }
  for (let i = 0; i < load.singleIssuances; i++) await send(token.issue(shoppers[i % shoppers.length]!, orderId++, POINT));

  // Redemptions: shoppers who hold points let the storefront redeem them at checkout.
  const signing = shopperSigners.map((s) => s.address);
  await send(token.issueBatch(signing, signing.map(() => orderId++), signing.map(() => 10_000n * POINT)));
  for (const shopper of shopperSigners) await send(token.connect(shopper).approve(storefront!.address, ethers.MaxUint256));
  for (let i = 0; i < load.redemptions; i++) await send(token.redeemFrom(signing[i % signing.length]!, POINT, ethers.id(`redemption-${i}`)));

  // Referrals: a partner registers its code (commit, then reveal), the storefront enrols it, funds a budget and
  // records referred sales in batches.
  const code = ethers.id("bench-partner");
  const salt = ethers.id("bench-salt");
  await send(escrow.connect(partnerOwner!).commitCode(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "address", "bytes32"], [code, partnerOwner!.address, salt]))));
  await connection.provider.request({ method: "evm_increaseTime", params: [2] });
  await send(escrow.connect(partnerOwner!).registerPartner(code, payoutSigner!.address, salt));
  await send(escrow.enrolPartner(code, 500, 0n));
  await send(dollar.mint(storefront!.address, 10n ** 24n));
  await send(dollar.connect(storefront!).approve(await escrow.getAddress(), ethers.MaxUint256));
  await send(escrow.fundBudget(await dollar.getAddress(), 10n ** 24n));
  let referralOrder = 1n;
  for (let i = 0; i < load.referralBatches; i++) {
    const sales = Array.from({ length: BATCH_SIZE }, (_, j) => ({ orderId: referralOrder++, code, saleAmount: 1_000n * 10n ** 6n, buyer: shoppers[j]! }));
    await send(escrow.recordReferrals(await dollar.getAddress(), sales));
  }

  // Consents: each signing shopper grants three scopes, some revoke and grant again; then the consumer pays for
  // accesses in batches.
  const scopes = ["purchase-history", "email-marketing", "product-analytics"].map((name) => ethers.id(name));
  const expiresAt = BigInt(Math.floor(Date.now() / 1000) + 365 * 86_400);
  for (let round = 0; round < load.consentRounds; round++) {
    for (const [s, shopper] of shopperSigners.entries()) {
      const scope = scopes[(round + s) % scopes.length]!;
      if (round >= scopes.length) await send(registry.connect(shopper).revoke(consumerSigner!.address, scope));
      await send(registry.connect(shopper).grant(consumerSigner!.address, scope, 10n + BigInt(round), expiresAt));
    }
  }
  await send(dollar.mint(consumerSigner!.address, 10n ** 24n));
  await send(dollar.connect(consumerSigner!).approve(await payments.getAddress(), ethers.MaxUint256));
  await send(payments.deposit(10n ** 24n));
  for (let i = 0; i < load.accessBatches; i++) await send(payments.recordAccesses(scopes[i % scopes.length]!, signing, 1_000n));
  const head = await ethers.provider.getBlockNumber();

  const targets = Object.fromEntries(Object.entries(contracts).map(([name, c]) => [name, { address: c.proxy, startBlock: c.deploymentBlock }]));
  const addresses = { storefront: storefront!.address, referralToken: await dollar.getAddress(), redeemingShoppers: signing };
  return { connection, head, targets, shoppers: shoppers.length, load, addresses };
}
