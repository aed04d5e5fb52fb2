import { expect } from "chai";

import type { ReferralEscrow, ReferralEscrowV2 } from "../../types/ethers-contracts/index.js";
import {
  ALICE,
  BOB,
  BUYER,
  CAROL,
  SkipReason,
  Status,
  USD,
  deployProgramFixture,
  ethers,
  fundBudget,
  key,
  networkHelpers,
  passHold,
  pinNextBlock,
  record,
  upgradesApi,
} from "./referralFixtures.js";

const { loadFixture } = networkHelpers;

/** The ERC-7201 slot of a namespace: keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~0xff. */
function erc7201Slot(id: string): bigint {
  const inner = BigInt(ethers.id(id)) - 1n;
  return BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
}

describe("ReferralEscrow: upgrades", function () {
  /** An escrow in use: partners, terms in two programs, budgets in two tokens, referrals in every status (one partly refunded), a referral cap. */
  async function usedEscrowFixture() {
    const fixture = await deployProgramFixture();
    const { escrow, usd, admin, storefront, otherStorefront, alice, aliceId, bobId, shopper } = fixture;
    const eur = await ethers.deployContract("TestToken", ["Test Euro", "TEUR"]);
    await fundBudget(escrow, eur, otherStorefront, 500n * USD);
    await record(escrow, storefront, 1n, ALICE, 300n * USD, usd); // pending, in its hold period
    await record(escrow, storefront, 2n, BOB, 0n, usd); // voided
    await record(escrow, storefront, 3n, ALICE, 100n * USD, usd); // released early and claimed
    await record(escrow, otherStorefront, 4n, ALICE, 200n * USD, eur); // released by time, unclaimed
    await escrow.connect(storefront).voidReferral(2n);
    await escrow.connect(storefront).refundReferral(1n, 2_500n); // a quarter of the sale refunded
    await escrow.connect(otherStorefront).setReferralCap(5n, 86_400n);
    await escrow.connect(storefront).releaseEarly(3n);
    await escrow.connect(alice).claim(aliceId, [key(storefront, 3n)]);
    await passHold(escrow, otherStorefront, 4n);
    await escrow.connect(alice).setPayoutAddress(aliceId, shopper.address);
    await escrow.connect(otherStorefront).setProgramPaused(true);
    await escrow.connect(admin).setMaxCommissionRate(2_500n);
    return { ...fixture, eur, aliceId, bobId };
  }

  async function snapshot(escrow: ReferralEscrow | ReferralEscrowV2, f: Awaited<ReturnType<typeof usedEscrowFixture>>) {
    const { usd, eur, storefront, otherStorefront, aliceId, bobId, carolId, admin } = f;
    const sfs = [storefront.address, otherStorefront.address];
    const tokens = [await usd.getAddress(), await eur.getAddress()];
    const referrals = [];
    for (const [sf, order] of [[storefront.address, 1n], [storefront.address, 2n], [storefront.address, 3n], [otherStorefront.address, 4n], [otherStorefront.address, 1n]] as const) {
      referrals.push([...(await escrow.referralOf(sf, order))]);
    }
    const terms = [];
    const budgets = [];
    for (const sf of sfs) {
      for (const id of [aliceId, bobId, carolId]) terms.push([...(await escrow.termsOf(sf, id))]);
      for (const token of tokens) budgets.push(await escrow.budgetOf(sf, token));
    }
    return {
      partners: await Promise.all([aliceId, bobId, carolId, 4n].map(async (id) => [...(await escrow.partnerOf(id))])),
      codes: await Promise.all([ALICE, BOB, CAROL].map((c) => escrow.partnerIdOf(c))),
      terms,
      budgets,
      referrals,
      claimable: await Promise.all([1n, 3n].map((o) => escrow.isClaimable(storefront.address, o))),
      tokenIds: await Promise.all([1n, 2n, 3n].map((id) => escrow.tokenById(id))),
      programs: await Promise.all(sfs.map(async (sf) => [...(await escrow.programOf(sf))])),
      maxRate: await escrow.maxCommissionRate(),
      roles: await Promise.all([await escrow.DEFAULT_ADMIN_ROLE(), await escrow.PAUSER_ROLE(), await escrow.UPGRADER_ROLE()].map((r) => escrow.hasRole(r, admin.address))),
      balances: [await usd.balanceOf(await escrow.getAddress()), await eur.balanceOf(await escrow.getAddress())],
    };
  }

  it("keeps partners, terms, budgets, referrals and their statuses, and token ids through upgradeProxy", async function () {
    const f = await loadFixture(usedEscrowFixture);
    const { alice, escrow, usd, eur, admin, storefront, otherStorefront, aliceId, shopper } = f;
    const address = await escrow.getAddress();
    const before = await snapshot(escrow, f);
    // What the fixture built, so the comparison below compares something.
    expect(before.referrals.map((r) => r[2])).to.deep.equal([Status.Pending, Status.Voided, Status.Claimed, Status.Pending, Status.None]);
    expect(before.tokenIds).to.deep.equal([await usd.getAddress(), await eur.getAddress(), ethers.ZeroAddress]);
    expect(before.programs[1]).to.deep.equal([3n * 86_400n, true, 5n, 86_400n]);
    expect(before.referrals[0]![5]).to.equal(2_500n);
    const implementationBefore = await upgradesApi.erc1967.getImplementationAddress(address);

    const factory = await ethers.getContractFactory("ReferralEscrowV2", admin);
    await upgradesApi.validateUpgrade(address, factory, { kind: "uups" });
    const upgraded = (await upgradesApi.upgradeProxy(address, factory, {
      kind: "uups",
      call: { fn: "initializeV2", args: ["tiered commissions"] },
    })) as unknown as ReferralEscrowV2;

    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.not.equal(implementationBefore);
    expect(await upgraded.version()).to.equal(2n);
    expect(await upgraded.releaseNote()).to.equal("tiered commissions");
    expect(await snapshot(upgraded, f)).to.deep.equal(before);
    // The note lives in V2's own namespace (a short string: its bytes, then its length times two).
    const noteSlot = await ethers.provider.getStorage(address, erc7201Slot("dcrm.storage.ReferralEscrowV2"));
    expect(noteSlot).to.equal(ethers.hexlify(ethers.toUtf8Bytes("tiered commissions")).padEnd(64, "0") + (2 * 18).toString(16).padStart(2, "0"));
    await expect(upgraded.initializeV2("again")).to.be.revertedWithCustomError(upgraded, "InvalidInitialization");

    // The escrow goes on working on the old state.
    await expect(upgraded.connect(alice).claim(aliceId, [key(otherStorefront, 4n)]))
      .to.emit(upgraded, "CommissionsClaimed").withArgs(aliceId, await eur.getAddress(), 10n * USD, [[otherStorefront.address, 4n]]);
    await expect(upgraded.connect(alice).claim(aliceId, [key(storefront, 3n)]))
      .to.emit(upgraded, "ClaimSkipped").withArgs(aliceId, storefront.address, 3n, SkipReason.AlreadyClaimed);
    await expect(upgraded.connect(storefront).recordReferral(1n, BOB, 0n, await usd.getAddress(), BUYER))
      .to.be.revertedWithCustomError(upgraded, "OrderAlreadyRecorded").withArgs(storefront.address, 1n);
    await expect(upgraded.connect(storefront).voidReferral(1n)).to.emit(upgraded, "ReferralVoided").withArgs(storefront.address, 1n, (30n * USD * 3n) / 4n); // what the refund left
    await expect(upgraded.connect(otherStorefront).recordReferral(5n, ALICE, USD, await eur.getAddress(), BUYER))
      .to.be.revertedWithCustomError(upgraded, "ProgramPaused").withArgs(otherStorefront.address);
    const at = await pinNextBlock();
    await expect(upgraded.connect(storefront).recordReferral(5n, ALICE, 100n * USD, await usd.getAddress(), BUYER))
      .to.emit(upgraded, "ReferralRecorded").withArgs(storefront.address, aliceId, 5n, BUYER, await usd.getAddress(), 100n * USD, 10n * USD, at + 14n * 86_400n);
    expect((await upgraded.referralOf(storefront.address, 5n)).tokenId).to.equal(1n);
  });

  it("opens the books of tokens the first version registered, at the escrow's balance, once", async function () {
    const { alice, escrow, usd, eur, admin, stranger, otherStorefront, aliceId } = await loadFixture(usedEscrowFixture);
    const address = await escrow.getAddress();
    const base = erc7201Slot("dcrm.storage.ReferralEscrow");
    const at = (field: bigint, tokenId: bigint) =>
      ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [tokenId, base + field]));
    const [TOKENS, BOOKS] = [7n, 10n]; // fields of ReferralEscrowStorage
    // The first version's state for EUR (token 2): its address in `tokens`, no books.
    const eurAddress = await eur.getAddress();
    await ethers.provider.send("hardhat_setStorageAt", [address, at(TOKENS, 2n), ethers.zeroPadValue(eurAddress, 32)]);
    await ethers.provider.send("hardhat_setStorageAt", [address, at(BOOKS, 2n), ethers.ZeroHash]);
    expect(await escrow.tokenById(2n)).to.equal(eurAddress);
    await expect(escrow.connect(alice).claim(aliceId, [key(otherStorefront, 4n)]))
      .to.be.revertedWithCustomError(escrow, "BooksNotOpen").withArgs(2n);
    await expect(escrow.connect(otherStorefront).withdrawBudget(eurAddress, USD, otherStorefront.address))
      .to.be.revertedWithCustomError(escrow, "BooksNotOpen").withArgs(2n);
    await expect(escrow.connect(stranger).openBooks([2n]))
      .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount").withArgs(stranger.address, await escrow.DEFAULT_ADMIN_ROLE());

    const usdOwed = await escrow.owedIn(await usd.getAddress());
    const balance = await eur.balanceOf(address);
    // Token 1's books are open already and are skipped; 9 is no token.
    await expect(escrow.connect(admin).openBooks([1n, 2n, 9n])).to.emit(escrow, "BooksOpened").withArgs(eurAddress, balance);
    expect(await escrow.owedIn(eurAddress)).to.equal(balance);
    expect(await escrow.owedIn(await usd.getAddress())).to.equal(usdOwed);
    await expect(escrow.connect(admin).openBooks([2n])).to.not.emit(escrow, "BooksOpened");
    await expect(escrow.connect(alice).claim(aliceId, [key(otherStorefront, 4n)])).to.changeTokenBalance(ethers, eur, escrow, -10n * USD);
    expect(await escrow.owedIn(eurAddress)).to.equal(balance - 10n * USD);
  });

  it("lets only the upgrader upgrade", async function () {
    const { escrow, admin, stranger, storefront } = await loadFixture(usedEscrowFixture);
    const role = await escrow.UPGRADER_ROLE();
    const v2 = await ethers.deployContract("ReferralEscrowV2");
    const implementation = await v2.getAddress();
    const init = v2.interface.encodeFunctionData("initializeV2", ["by the upgrader"]);
    for (const account of [stranger, storefront]) {
      await expect(escrow.connect(account).upgradeToAndCall(implementation, init))
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount").withArgs(account.address, role);
    }
    // The admin that gave the role away cannot upgrade either.
    await escrow.connect(admin).grantRole(role, stranger.address);
    await escrow.connect(admin).renounceRole(role, admin.address);
    await expect(escrow.connect(admin).upgradeToAndCall(implementation, init))
      .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount").withArgs(admin.address, role);
    const address = await escrow.getAddress();
    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.not.equal(implementation);
    await expect(escrow.connect(stranger).upgradeToAndCall(implementation, init)).to.emit(escrow, "Upgraded").withArgs(implementation);
    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.equal(implementation);
    expect(await (await ethers.getContractAt("ReferralEscrowV2", address)).releaseNote()).to.equal("by the upgrader");
  });

  it("cannot be initialized again, on the proxy or on an implementation", async function () {
    const { escrow, stranger, admin } = await loadFixture(usedEscrowFixture);
    const address = await escrow.getAddress();
    await expect(escrow.connect(stranger).initialize(stranger.address, 10_000n)).to.be.revertedWithCustomError(escrow, "InvalidInitialization");
    const implementation = await ethers.getContractAt("ReferralEscrow", await upgradesApi.erc1967.getImplementationAddress(address));
    await expect(implementation.connect(stranger).initialize(stranger.address, 10_000n))
      .to.be.revertedWithCustomError(implementation, "InvalidInitialization");
    expect(await implementation.hasRole(await implementation.DEFAULT_ADMIN_ROLE(), stranger.address)).to.equal(false);
    const v2 = await ethers.deployContract("ReferralEscrowV2");
    await expect(v2.initialize(stranger.address, 0n)).to.be.revertedWithCustomError(v2, "InvalidInitialization");
    await expect(v2.initializeV2("x")).to.be.revertedWithCustomError(v2, "InvalidInitialization");
    // Upgrades only go through the proxy.
    await expect(implementation.connect(admin).upgradeToAndCall(await v2.getAddress(), "0x"))
      .to.be.revertedWithCustomError(implementation, "UUPSUnauthorizedCallContext");
    expect(await escrow.hasRole(await escrow.DEFAULT_ADMIN_ROLE(), stranger.address)).to.equal(false);
  });
});
