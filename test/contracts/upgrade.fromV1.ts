import { readFile } from "node:fs/promises";

import { Manifest, addProxyToManifest, getVersion, type EthereumProvider, type StorageLayout } from "@openzeppelin/upgrades-core";
import { expect } from "chai";
import { Contract, Interface, type InterfaceAbi } from "ethers";

import type { Deployment } from "../../deploy/deployments.js";
import { applyUpgrades, planUpgrades, type UpgradeOptions } from "../../deploy/upgrade.js";
import { freshDeploymentsDir, readArtifact, rejection, root } from "../deploy/deployFixtures.js";
import { ethers, networkHelpers, upgradesApi } from "./fixtures.js";

/**
 * The first released version (v1) of each deployed contract, kept as a fixture (`node scripts/upgrade-v1-fixture.mjs`
 * writes it from git history): its ABI, creation bytecode and the storage layout OpenZeppelin's plugin recorded
 * for it.
 */
interface V1Contract {
  contractName: string;
  commit: string;
  abi: InterfaceAbi;
  bytecode: string;
  layout: StorageLayout;
}

const NAMES = ["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"] as const;
type Name = (typeof NAMES)[number];

async function readV1(name: Name): Promise<V1Contract> {
  return JSON.parse(await readFile(new URL(`./upgradeV1/${name}.json`, import.meta.url), "utf8")) as V1Contract;
}

const DAY = 86_400n;
const UNIT = 10n ** 18n;
const ALICE = ethers.encodeBytes32String("alice");
const SCOPE = ethers.encodeBytes32String("purchases");
const RECORD = ethers.id("ipfs://record");

/** JSON of a contract call's result, bigints as strings, so two results compare with deep equality. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

describe("upgrade: v1 proxies with state upgrade to the current contracts through npm run upgrade's path", function () {
  const dir = freshDeploymentsDir();

  /**
   * Deploys v1 of `name` behind an ERC-1967 proxy, initialized with `args`, and records its implementation
   * with the stored v1 layout in the upgrades plugin's manifest for this network, as a deployment made with
   * v1 would have left it.
   */
  async function deployV1(name: Name, args: unknown[]): Promise<{ contract: Contract; record: Deployment["contracts"][string] }> {
    const [deployer] = await ethers.getSigners();
    const v1 = await readV1(name);
    const implementation = await new ethers.ContractFactory(v1.abi, v1.bytecode, deployer).deploy();
    await implementation.waitForDeployment();
    const implementationAddress = await implementation.getAddress();
    const initData = new Interface(v1.abi).encodeFunctionData("initialize", args);
    const proxy = await ethers.deployContract("ERC1967Proxy", [implementationAddress, initData]);
    const receipt = await proxy.deploymentTransaction()!.wait();
    const proxyAddress = await proxy.getAddress();
    const manifest = await Manifest.forNetwork(ethers.provider as unknown as EthereumProvider);
    await manifest.lockedRun(async () => {
      const data = await manifest.read();
      data.impls[getVersion(v1.bytecode).linkedWithoutMetadata] = {
        address: implementationAddress,
        txHash: implementation.deploymentTransaction()!.hash,
        layout: v1.layout,
      };
      await manifest.write(data);
    });
    await addProxyToManifest("uups", proxyAddress, manifest);
    return {
      contract: new Contract(proxyAddress, v1.abi, deployer),
      record: { proxy: proxyAddress, implementation: implementationAddress, deploymentBlock: receipt!.blockNumber, abiHash: ethers.id(JSON.stringify(v1.abi)) },
    };
  }

  /** The four v1 contracts, wired as v1 deployed them, with state in each. */
  async function v1SystemWithState() {
    const [admin, storefront, shopper, partner, consumer, feeRecipient] = await ethers.getSigners();
    const usd = await ethers.deployContract("TestToken", ["Test Dollar", "TUSD"]);
    const usdAddress = await usd.getAddress();
    const reward = await deployV1("RewardToken", ["dCRM Points", "DPT", admin!.address]);
    const escrow = await deployV1("ReferralEscrow", [admin!.address, 3_000]);
    const registry = await deployV1("ConsentRegistry", [admin!.address]);
    const payments = await deployV1("DataAccessPayments", [admin!.address, await registry.contract.getAddress(), usdAddress, feeRecipient!.address, 500]);
    const send = async (promise: Promise<{ wait: () => Promise<unknown> }>) => (await promise).wait();

    // Issuance: one released order, one pending in a return window.
    const token = reward.contract;
    await send(token.getFunction("grantRole")(await token.getFunction("ISSUER_ROLE")(), storefront!.address));
    await send(token.getFunction("setIssuanceCap")(storefront!.address, 1_000_000n * UNIT, DAY));
    await send(token.connect(storefront!).getFunction("issue")(shopper!.address, 1n, 100n * UNIT));
    await send(token.connect(storefront!).getFunction("setStorefrontPolicy")(7n * DAY, true));
    await send(token.connect(storefront!).getFunction("issue")(shopper!.address, 2n, 40n * UNIT));

    // Referrals: a partner, a funded budget, one referral past its hold and one within it.
    const asStorefront = escrow.contract.connect(storefront!);
    await send(escrow.contract.connect(partner!).getFunction("registerPartner")(ALICE, partner!.address));
    await send(usd.mint(storefront!.address, 10_000n * UNIT));
    await send(usd.connect(storefront!).approve(await escrow.contract.getAddress(), ethers.MaxUint256));
    await send(asStorefront.getFunction("fundBudget")(usdAddress, 1_000n * UNIT));
    await send(asStorefront.getFunction("enrolPartner")(ALICE, 1_000, 0));
    await send(asStorefront.getFunction("setHoldPeriod")(DAY));
    await send(asStorefront.getFunction("recordReferral")(10n, ALICE, 200n * UNIT, usdAddress, shopper!.address));
    await networkHelpers.time.increase(DAY + 1n);
    await send(asStorefront.getFunction("recordReferral")(11n, ALICE, 300n * UNIT, usdAddress, shopper!.address));

    // Consent, and a paid access under it.
    const asShopper = registry.contract.connect(shopper!);
    await send(asShopper.getFunction("anchorRecord")(SCOPE, RECORD));
    const expiresAt = BigInt(await networkHelpers.time.latest()) + 365n * DAY;
    await send(asShopper.getFunction("grant")(consumer!.address, SCOPE, 2n * UNIT, expiresAt));
    await send(usd.mint(consumer!.address, 100n * UNIT));
    await send(usd.connect(consumer!).approve(await payments.contract.getAddress(), ethers.MaxUint256));
    await send(payments.contract.connect(consumer!).getFunction("deposit")(50n * UNIT));
    await send(payments.contract.connect(consumer!).getFunction("recordAccess")(shopper!.address, SCOPE, 2n * UNIT));

    const { chainId } = await ethers.provider.getNetwork();
    const deployment: Deployment = {
      network: "default",
      chainId: Number(chainId),
      contracts: { RewardToken: reward.record, ReferralEscrow: escrow.record, ConsentRegistry: registry.record, DataAccessPayments: payments.record },
    };
    return { deployment, usd, admin: admin!, storefront: storefront!, shopper: shopper!, partner: partner!, consumer: consumer! };
  }

  type System = Awaited<ReturnType<typeof v1SystemWithState>>;

  /** What v1 and the current contracts both answer about the state written above, read through `abiOf`. */
  async function stateOf(system: System, abiOf: (name: Name) => Promise<InterfaceAbi>) {
    const { deployment, usd, admin, storefront, shopper, partner, consumer } = system;
    const at = async (name: Name) => new Contract(deployment.contracts[name]!.proxy, await abiOf(name), ethers.provider);
    const [reward, escrow, registry, payments] = await Promise.all(NAMES.map(at));
    const usdAddress = await usd.getAddress();
    return plain({
      reward: {
        balance: await reward!.getFunction("balanceOf")(shopper.address),
        totalSupply: await reward!.getFunction("totalSupply")(),
        issuance: await reward!.getFunction("storefrontIssuance")(storefront.address),
        policy: await reward!.getFunction("storefrontPolicy")(storefront.address),
        pendingOrder: await reward!.getFunction("recordedOrder")(storefront.address, shopper.address, 2n),
        rewarded: [await reward!.getFunction("isOrderRewarded")(storefront.address, 1n), await reward!.getFunction("isOrderRewarded")(storefront.address, 2n)],
        issuer: await reward!.getFunction("hasRole")(await reward!.getFunction("ISSUER_ROLE")(), storefront.address),
        admin: await reward!.getFunction("hasRole")(ethers.ZeroHash, admin.address),
        name: await reward!.getFunction("name")(),
      },
      escrow: {
        partner: await escrow!.getFunction("partnerOf")(1n),
        code: await escrow!.getFunction("partnerIdOf")(ALICE),
        terms: await escrow!.getFunction("termsOf")(storefront.address, 1n),
        budget: await escrow!.getFunction("budgetOf")(storefront.address, usdAddress),
        program: await escrow!.getFunction("programOf")(storefront.address),
        referrals: [await escrow!.getFunction("referralOf")(storefront.address, 10n), await escrow!.getFunction("referralOf")(storefront.address, 11n)],
        claimable: [await escrow!.getFunction("isClaimable")(storefront.address, 10n), await escrow!.getFunction("isClaimable")(storefront.address, 11n)],
        token: await escrow!.getFunction("tokenById")(1n),
        maxRate: await escrow!.getFunction("maxCommissionRate")(),
        balance: await usd.balanceOf(deployment.contracts.ReferralEscrow!.proxy),
      },
      consent: {
        consent: await registry!.getFunction("consentOf")(shopper.address, consumer.address, SCOPE),
        active: await registry!.getFunction("isConsentActive")(shopper.address, consumer.address, SCOPE),
        record: await registry!.getFunction("recordOf")(shopper.address, SCOPE),
        nonce: await registry!.getFunction("nonces")(shopper.address),
      },
      payments: {
        deposit: await payments!.getFunction("depositOf")(consumer.address),
        earnings: await payments!.getFunction("earningsOf")(shopper.address),
        fees: await payments!.getFunction("accruedFees")(),
        settings: await payments!.getFunction("settings")(),
      },
      partnerPaid: await usd.balanceOf(partner.address),
    });
  }

  const v1Abi = async (name: Name) => (await readV1(name)).abi;
  const currentAbi = async (name: Name) => (await readArtifact(name)).abi as InterfaceAbi;
  const options = (deployment: Deployment, implementations?: Record<string, string>): UpgradeOptions => ({
    ethers,
    upgradesApi,
    readArtifact,
    deployment,
    ...(implementations ? { implementations } : {}),
  });

  it("validates every layout against v1's, upgrades all four, and keeps their state", async function () {
    const system = await v1SystemWithState();
    const before = await stateOf(system, v1Abi);

    const steps = await planUpgrades(options(system.deployment));
    expect(steps.map((step) => [step.contract, step.status])).to.deep.equal(NAMES.map((name) => [name, "upgrade"]));
    const { upgraded, awaitingUpgrader, deployment } = await applyUpgrades({ ...options(system.deployment), root }, steps);
    expect(upgraded).to.deep.equal([...NAMES]);
    expect(awaitingUpgrader).to.deep.equal([]);
    for (const name of NAMES) {
      const implementation = await upgradesApi.erc1967.getImplementationAddress(deployment.contracts[name]!.proxy);
      expect(implementation, name).to.not.equal(system.deployment.contracts[name]!.implementation);
      expect(deployment.contracts[name]!.implementation, name).to.equal(implementation);
      expect(deployment.contracts[name]!.abiHash, name).to.equal(ethers.id(JSON.stringify(await currentAbi(name))));
    }
    expect(JSON.parse(await readFile(`${dir()}/default.json`, "utf8"))).to.deep.equal(deployment);

    // Every answer v1 gave, the upgraded contracts give.
    expect(await stateOf(system, currentAbi)).to.deep.equal(before);
    // Now the current code runs: planning again finds nothing to upgrade.
    const again = await planUpgrades(options(deployment));
    expect(again.map((step) => step.status)).to.deep.equal(NAMES.map(() => "unchanged"));
  });

  it("goes on from v1's state: pending points release, v1 referrals are claimed once the books open, earnings are withdrawn", async function () {
    const system = await v1SystemWithState();
    const { deployment, usd, admin, storefront, shopper, partner } = system;
    await applyUpgrades({ ...options(deployment), root }, await planUpgrades(options(deployment)));
    const reward = await ethers.getContractAt("RewardToken", deployment.contracts.RewardToken!.proxy);
    const escrow = await ethers.getContractAt("ReferralEscrow", deployment.contracts.ReferralEscrow!.proxy);
    const payments = await ethers.getContractAt("DataAccessPayments", deployment.contracts.DataAccessPayments!.proxy);

    // The order pending in v1 releases after its window, to its shopper.
    await networkHelpers.time.increase(7n * DAY);
    await (await reward.release(storefront.address, [shopper.address], [2n])).wait();
    expect(await reward.balanceOf(shopper.address)).to.equal(140n * UNIT);

    // v1 kept no books: claims wait for the admin to open them, from the escrow's balance.
    const usdAddress = await usd.getAddress();
    await expect(escrow.connect(partner).claimFrom(1n, storefront.address, [10n])).to.be.revertedWithCustomError(escrow, "BooksNotOpen").withArgs(1n);
    await (await escrow.connect(admin).openBooks([1n])).wait();
    expect(await escrow.owedIn(usdAddress)).to.equal(await usd.balanceOf(await escrow.getAddress()));
    // Both were recorded in v1; the second's hold ended after the upgrade. 10% of 200 and of 300.
    await (await escrow.connect(partner).claimFrom(1n, storefront.address, [10n, 11n])).wait();
    expect(await usd.balanceOf(partner.address)).to.equal(50n * UNIT);
    expect(await escrow.owedIn(usdAddress)).to.equal(await usd.balanceOf(await escrow.getAddress()));

    // Earnings from v1's access are withdrawn.
    const earned = await payments.earningsOf(shopper.address);
    expect(earned).to.be.greaterThan(0n);
    await (await payments.connect(shopper).withdrawEarnings(earned)).wait();
    expect(await usd.balanceOf(shopper.address)).to.equal(earned);
  });

  it("refuses an implementation whose layout breaks v1's, and leaves the proxy on v1", async function () {
    const system = await v1SystemWithState();
    const { deployment } = system;
    const error = await rejection(planUpgrades(options(deployment, { RewardToken: "RewardTokenLayoutBreaker" })));
    expect(error.message).to.include("upgrade: RewardToken to RewardTokenLayoutBreaker is refused");
    expect(error.message).to.include("New storage layout is incompatible");
    expect(await upgradesApi.erc1967.getImplementationAddress(deployment.contracts.RewardToken!.proxy)).to.equal(
      deployment.contracts.RewardToken!.implementation,
    );
  });
});
