import { expect } from "chai";

import {
  ALICE,
  BOB,
  BOB_FIXED,
  BUDGET,
  BUYER,
  ONE_DAY,
  SkipReason,
  Status,
  USD,
  atNextBlock,
  deployProgramFixture,
  ethers,
  fundBudget,
  key,
  moveTo,
  networkHelpers,
  passHold,
  record,
} from "./referralFixtures.js";

const { loadFixture } = networkHelpers;

describe("ReferralEscrow: claims", function () {
  /** Alice: storefront orders 1 (40 USD) and 2 (10 USD), other storefront order 1 (5 USD); Bob: storefront order 3 (25 USD). */
  async function recordedFixture() {
    const fixture = await deployProgramFixture();
    const { escrow, usd, storefront, otherStorefront } = fixture;
    await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
    await record(escrow, storefront, 2n, ALICE, 100n * USD, usd);
    await record(escrow, otherStorefront, 1n, ALICE, 100n * USD, usd);
    const { releaseTime } = await record(escrow, storefront, 3n, BOB, 1n, usd);
    return { ...fixture, lastReleaseTime: releaseTime };
  }

  async function releasedFixture() {
    const fixture = await recordedFixture();
    await moveTo(fixture.lastReleaseTime);
    return fixture;
  }

  it("pays one released referral to the payout address, with CommissionsClaimed", async function () {
    const { escrow, usd, storefront, aliceId, alicePayout, alice } = await loadFixture(releasedFixture);
    const token = await usd.getAddress();
    const tx = escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]);
    await expect(tx).to.emit(escrow, "CommissionsClaimed").withArgs(aliceId, token, 40n * USD, [[storefront.address, 1n]]);
    await expect(tx).to.changeTokenBalances(ethers, usd, [escrow, alicePayout, alice], [-40n * USD, 40n * USD, 0n]);
    expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Claimed);
    expect(await escrow.isClaimable(storefront.address, 1n)).to.equal(false);
    expect(await escrow.isClaimable(storefront.address, 2n)).to.equal(true);
    // Budgets are untouched: the commission had left them at recording.
    expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 50n * USD - BOB_FIXED);
  });

  it("pays several referrals of one token, from several storefronts, in one transfer", async function () {
    const { alice, escrow, usd, storefront, otherStorefront, aliceId, alicePayout } = await loadFixture(releasedFixture);
    const keys = [key(storefront, 2n), key(otherStorefront, 1n), key(storefront, 1n)];
    const tx = escrow.connect(alice).claim(aliceId, keys);
    await expect(tx).to.emit(escrow, "CommissionsClaimed").withArgs(
      aliceId, await usd.getAddress(), 55n * USD,
      [[storefront.address, 2n], [otherStorefront.address, 1n], [storefront.address, 1n]],
    );
    const receipt = (await (await tx).wait())!;
    const transfers = receipt.logs.filter((log) => log.address === usd.target).map((log) => usd.interface.parseLog(log)!);
    expect(transfers.map((t) => [t.name, t.args.from, t.args.to, t.args.value])).to.deep.equal([
      ["Transfer", escrow.target, alicePayout.address, 55n * USD],
    ]);
    for (const k of keys) expect((await escrow.referralOf(k.storefront, k.orderId)).status).to.equal(Status.Claimed);
    expect(await usd.balanceOf(alicePayout.address)).to.equal(55n * USD);
  });

  it("pays across two tokens with one transfer and one event per run of the same token", async function () {
    const { alice, escrow, usd, storefront, otherStorefront, aliceId, alicePayout } = await loadFixture(recordedFixture);
    const eur = await ethers.deployContract("TestToken", ["Test Euro", "TEUR"]);
    await fundBudget(escrow, eur, storefront, 1_000n * USD);
    await record(escrow, storefront, 10n, ALICE, 70n * USD, eur); // 7 EUR
    await record(escrow, storefront, 11n, ALICE, 30n * USD, eur); // 3 EUR
    await record(escrow, storefront, 12n, ALICE, 20n * USD, usd); // 2 USD
    await passHold(escrow, storefront, 12n);
    const [usdAddress, eurAddress] = [await usd.getAddress(), await eur.getAddress()];
    const keys = [key(storefront, 1n), key(otherStorefront, 1n), key(storefront, 10n), key(storefront, 11n), key(storefront, 12n)];
    const receipt = (await (await escrow.connect(alice).claim(aliceId, keys)).wait())!;

    const claimed = receipt.logs
      .filter((log) => log.address === escrow.target)
      .map((log) => escrow.interface.parseLog(log)!)
      .map((log) => [log.name, log.args.partnerId, log.args.token, log.args.amount, log.args.referrals.map((k: { storefront: string; orderId: bigint }) => [k.storefront, k.orderId])]);
    expect(claimed).to.deep.equal([
      ["CommissionsClaimed", aliceId, usdAddress, 45n * USD, [[storefront.address, 1n], [otherStorefront.address, 1n]]],
      ["CommissionsClaimed", aliceId, eurAddress, 10n * USD, [[storefront.address, 10n], [storefront.address, 11n]]],
      ["CommissionsClaimed", aliceId, usdAddress, 2n * USD, [[storefront.address, 12n]]],
    ]);
    const transfers = receipt.logs
      .filter((log) => log.address === usd.target || log.address === eur.target)
      .map((log) => [log.address, usd.interface.parseLog(log)!.args.to, usd.interface.parseLog(log)!.args.value]);
    expect(transfers).to.deep.equal([
      [usdAddress, alicePayout.address, 45n * USD],
      [eurAddress, alicePayout.address, 10n * USD],
      [usdAddress, alicePayout.address, 2n * USD],
    ]);
    expect(await usd.balanceOf(alicePayout.address)).to.equal(47n * USD);
    expect(await eur.balanceOf(alicePayout.address)).to.equal(10n * USD);
    expect((await escrow.referralOf(storefront.address, 2n)).status).to.equal(Status.Pending);
  });

  it("pays the payout address current at claim time", async function () {
    const { escrow, usd, storefront, aliceId, alice, alicePayout, shopper } = await loadFixture(releasedFixture);
    await escrow.connect(alice).setPayoutAddress(aliceId, shopper.address);
    await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]))
      .to.emit(escrow, "CommissionsClaimed").withArgs(aliceId, await usd.getAddress(), 40n * USD, [[storefront.address, 1n]]);
    expect(await usd.balanceOf(shopper.address)).to.equal(40n * USD);
    expect(await usd.balanceOf(alicePayout.address)).to.equal(0n);
  });

  it("never pays a referral twice, across calls or within one: the repeat is skipped", async function () {
    const { alice, escrow, usd, storefront, otherStorefront, aliceId, alicePayout } = await loadFixture(releasedFixture);
    const token = await usd.getAddress();
    await escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]);
    const again = escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]);
    await expect(again).to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 1n, SkipReason.AlreadyClaimed);
    await expect(again).to.not.emit(escrow, "CommissionsClaimed");
    const withinOne = escrow.connect(alice).claim(aliceId, [key(otherStorefront, 1n), key(storefront, 2n), key(otherStorefront, 1n)]);
    await expect(withinOne).to.emit(escrow, "CommissionsClaimed")
      .withArgs(aliceId, token, 15n * USD, [[otherStorefront.address, 1n], [storefront.address, 2n]]);
    await expect(withinOne).to.emit(escrow, "ClaimSkipped")
      .withArgs(aliceId, otherStorefront.address, 1n, SkipReason.AlreadyClaimed);
    expect(await usd.balanceOf(alicePayout.address)).to.equal(55n * USD);
    expect((await escrow.referralOf(storefront.address, 2n)).status).to.equal(Status.Claimed);
    expect((await escrow.referralOf(otherStorefront.address, 1n)).status).to.equal(Status.Claimed);
  });

  it("skips a referral claimed by an earlier transaction, paying the rest of the batch", async function () {
    const { alice, escrow, usd, storefront, otherStorefront, aliceId, alicePayout } = await loadFixture(releasedFixture);
    const token = await usd.getAddress();
    // Two claims of the owner's in flight (a retry, a second device): the first lands, the batch still pays.
    await escrow.connect(alice).claimFrom(aliceId, storefront.address, [2n]);
    const batch = escrow.connect(alice).claim(aliceId, [key(storefront, 1n), key(storefront, 2n), key(otherStorefront, 1n)]);
    const receipt = (await (await batch).wait())!;
    const events = receipt.logs
      .filter((log) => log.address === escrow.target)
      .map((log) => escrow.interface.parseLog(log)!)
      .map((log) => log.name === "ClaimSkipped"
        ? [log.name, log.args.storefront, log.args.orderId, log.args.reason]
        : [log.name, log.args.amount, log.args.referrals.map((k: { storefront: string; orderId: bigint }) => [k.storefront, k.orderId])]);
    // The skip ends the run (paid once the skip is known): each payment event names only what it paid.
    expect(events).to.deep.equal([
      ["ClaimSkipped", storefront.address, 2n, SkipReason.AlreadyClaimed],
      ["CommissionsClaimed", 40n * USD, [[storefront.address, 1n]]],
      ["CommissionsClaimed", 5n * USD, [[otherStorefront.address, 1n]]],
    ]);
    expect(await usd.balanceOf(alicePayout.address)).to.equal(55n * USD);
    // The books owe exactly what the escrow still holds: the budgets and Bob's escrowed commission.
    expect(await escrow.owedIn(token)).to.equal(await usd.balanceOf(await escrow.getAddress()));
  });

  it("skips voided referrals, and reverts for unknown ones", async function () {
    const { alice, escrow, usd, storefront, aliceId, alicePayout } = await loadFixture(recordedFixture);
    await escrow.connect(storefront).voidReferral(2n);
    await passHold(escrow, storefront, 2n);
    await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 2n)]))
      .to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 2n, SkipReason.Voided);
    await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n), key(storefront, 99n)]))
      .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(storefront.address, 99n);
    expect(await usd.balanceOf(alicePayout.address)).to.equal(0n);
    await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 2n), key(storefront, 1n)]))
      .to.changeTokenBalance(ethers, usd, alicePayout, 40n * USD);
  });

  it("skips a referral still in its hold period, until its release time", async function () {
    const { alice, escrow, usd, storefront, otherStorefront, aliceId, alicePayout } = await loadFixture(recordedFixture);
    const { releaseTime } = await escrow.referralOf(storefront.address, 1n);
    // The other storefront's referral is released after 3 days; the storefront's is not.
    await passHold(escrow, otherStorefront, 1n);
    const early = escrow.connect(alice).claim(aliceId, [key(otherStorefront, 1n), key(storefront, 1n)]);
    await expect(early).to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 1n, SkipReason.NotReleased);
    await expect(early).to.emit(escrow, "CommissionsClaimed")
      .withArgs(aliceId, await usd.getAddress(), 5n * USD, [[otherStorefront.address, 1n]]);
    await atNextBlock(releaseTime - 1n);
    await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]))
      .to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 1n, SkipReason.NotReleased);
    expect(await usd.balanceOf(alicePayout.address)).to.equal(5n * USD);
    await atNextBlock(releaseTime);
    await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)])).to.changeTokenBalance(ethers, usd, alicePayout, 40n * USD);
  });

  it("refuses another partner's referral, naming its partner", async function () {
    const { alice, bob, escrow, usd, storefront, aliceId, bobId, bobPayout } = await loadFixture(releasedFixture);
    await expect(escrow.connect(bob).claim(bobId, [key(storefront, 3n), key(storefront, 1n)]))
      .to.be.revertedWithCustomError(escrow, "ReferralOfAnotherPartner").withArgs(storefront.address, 1n, aliceId);
    await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 3n)]))
      .to.be.revertedWithCustomError(escrow, "ReferralOfAnotherPartner").withArgs(storefront.address, 3n, bobId);
    expect(await usd.balanceOf(bobPayout.address)).to.equal(0n);
    await escrow.connect(bob).claim(bobId, [key(storefront, 3n)]);
    expect(await usd.balanceOf(bobPayout.address)).to.equal(BOB_FIXED);
  });

  it("refuses unknown partners and an empty list", async function () {
    const { escrow, storefront, aliceId, alice } = await loadFixture(releasedFixture);
    // Nobody owns an unknown partner.
    await expect(escrow.connect(alice).claim(99n, [key(storefront, 1n)]))
      .to.be.revertedWithCustomError(escrow, "NotPartnerOwner").withArgs(99n, alice.address);
    await expect(escrow.connect(alice).claim(0n, [key(storefront, 1n)]))
      .to.be.revertedWithCustomError(escrow, "NotPartnerOwner").withArgs(0n, alice.address);
    await expect(escrow.connect(alice).claim(aliceId, [])).to.be.revertedWithCustomError(escrow, "EmptyBatch");
    expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
  });

  it("lets only the partner's owner trigger its claims, paying only its payout address", async function () {
    const { escrow, usd, storefront, otherStorefront, alice, aliceId, alicePayout, stranger } = await loadFixture(releasedFixture);
    for (const caller of [stranger, storefront, alicePayout]) {
      await expect(escrow.connect(caller).claim(aliceId, [key(storefront, 1n)]))
        .to.be.revertedWithCustomError(escrow, "NotPartnerOwner").withArgs(aliceId, caller.address);
      await expect(escrow.connect(caller).claimFrom(aliceId, storefront.address, [1n]))
        .to.be.revertedWithCustomError(escrow, "NotPartnerOwner").withArgs(aliceId, caller.address);
    }
    const tx = escrow.connect(alice).claim(aliceId, [key(storefront, 1n), key(otherStorefront, 1n)]);
    await expect(tx).to.changeTokenBalances(ethers, usd, [alice, alicePayout, escrow], [0n, 45n * USD, -45n * USD]);
    await expect(tx).to.emit(escrow, "CommissionsClaimed")
      .withArgs(aliceId, await usd.getAddress(), 45n * USD, [[storefront.address, 1n], [otherStorefront.address, 1n]]);
  });

  it("cannot be front-run onto an abandoned payout address by whoever holds its key", async function () {
    const { escrow, usd, storefront, alice, aliceId, alicePayout, shopper } = await loadFixture(releasedFixture);
    // The old payout key leaked; the owner moves the address. The key's holder races a claim ahead of it.
    await networkHelpers.mine(); // settle automining before the race
    await ethers.provider.send("evm_setAutomine", [false]);
    try {
      const race = await escrow.connect(alicePayout).claimFrom(aliceId, storefront.address, [1n, 2n], { gasLimit: 500_000n });
      const change = await escrow.connect(alice).setPayoutAddress(aliceId, shopper.address, { gasLimit: 500_000n });
      await networkHelpers.mine();
      // Both were mined in one block, the race first: it reverted, the change went through.
      expect((await ethers.provider.getTransactionReceipt(race.hash))?.status).to.equal(0);
      expect((await ethers.provider.getTransactionReceipt(change.hash))?.status).to.equal(1);
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
    expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
    await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n, 2n]))
      .to.changeTokenBalances(ethers, usd, [alicePayout, shopper], [0n, 50n * USD]);
  });

  it("keeps paying after the storefront paused its program, withdrew its budget and removed the partner", async function () {
    const { alice, bob, escrow, usd, storefront, aliceId, bobId, alicePayout, bobPayout } = await loadFixture(recordedFixture);
    const token = await usd.getAddress();
    await escrow.connect(storefront).setProgramPaused(true);
    const available = await escrow.budgetOf(storefront.address, token);
    await escrow.connect(storefront).withdrawBudget(token, available, storefront.address);
    await escrow.connect(storefront).removePartner(ALICE);
    await escrow.connect(storefront).removePartner(BOB);
    expect(await escrow.budgetOf(storefront.address, token)).to.equal(0n);
    await passHold(escrow, storefront, 3n);
    await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n), key(storefront, 2n)])).to.changeTokenBalance(ethers, usd, alicePayout, 50n * USD);
    await expect(escrow.connect(bob).claim(bobId, [key(storefront, 3n)])).to.changeTokenBalance(ethers, usd, bobPayout, BOB_FIXED);
    // Only the other storefront's budget and Alice's unclaimed 5 USD there remain.
    expect(await usd.balanceOf(await escrow.getAddress())).to.equal(BUDGET);
  });

  describe("claimFrom: referrals of one storefront", function () {
    it("pays several orders in one transfer, with CommissionsClaimedFrom", async function () {
      const { alice, escrow, usd, storefront, aliceId, alicePayout } = await loadFixture(releasedFixture);
      const tx = escrow.connect(alice).claimFrom(aliceId, storefront.address, [2n, 1n]);
      await expect(tx).to.emit(escrow, "CommissionsClaimedFrom").withArgs(aliceId, await usd.getAddress(), storefront.address, 50n * USD, [2n, 1n]);
      await expect(tx).to.changeTokenBalances(ethers, usd, [escrow, alicePayout, alice], [-50n * USD, 50n * USD, 0n]);
      const receipt = (await (await tx).wait())!;
      expect(receipt.logs.filter((log) => log.address === usd.target)).to.have.length(1);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Claimed);
      expect((await escrow.referralOf(storefront.address, 2n)).status).to.equal(Status.Claimed);
      // Claimed by either function, a referral is claimed for both.
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]))
        .to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 1n, SkipReason.AlreadyClaimed);
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [2n]))
        .to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 2n, SkipReason.AlreadyClaimed);
    });

    it("pays one transfer per run of the same token, to the payout address of the moment", async function () {
      const { escrow, usd, alice, storefront, aliceId, shopper } = await loadFixture(recordedFixture);
      const eur = await ethers.deployContract("TestToken", ["Test Euro", "TEUR"]);
      await fundBudget(escrow, eur, storefront, 1_000n * USD);
      await record(escrow, storefront, 10n, ALICE, 70n * USD, eur); // 7 EUR
      await record(escrow, storefront, 11n, ALICE, 30n * USD, eur); // 3 EUR
      await passHold(escrow, storefront, 11n);
      await escrow.connect(alice).setPayoutAddress(aliceId, shopper.address);
      const [usdAddress, eurAddress] = [await usd.getAddress(), await eur.getAddress()];
      const receipt = (await (await escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n, 10n, 11n, 2n])).wait())!;
      const claimed = receipt.logs
        .filter((log) => log.address === escrow.target)
        .map((log) => escrow.interface.parseLog(log)!)
        .map((log) => [log.name, log.args.partnerId, log.args.token, log.args.storefront, log.args.amount, [...log.args.orderIds]]);
      expect(claimed).to.deep.equal([
        ["CommissionsClaimedFrom", aliceId, usdAddress, storefront.address, 40n * USD, [1n]],
        ["CommissionsClaimedFrom", aliceId, eurAddress, storefront.address, 10n * USD, [10n, 11n]],
        ["CommissionsClaimedFrom", aliceId, usdAddress, storefront.address, 10n * USD, [2n]],
      ]);
      const transfers = receipt.logs
        .filter((log) => log.address === usd.target || log.address === eur.target)
        .map((log) => [log.address, usd.interface.parseLog(log)!.args.to, usd.interface.parseLog(log)!.args.value]);
      expect(transfers).to.deep.equal([
        [usdAddress, shopper.address, 40n * USD],
        [eurAddress, shopper.address, 10n * USD],
        [usdAddress, shopper.address, 10n * USD],
      ]);
    });

    it("refuses and skips what claim does, naming the storefront and order", async function () {
      const { alice, bob, escrow, usd, storefront, otherStorefront, aliceId, bobId, alicePayout } = await loadFixture(recordedFixture);
      const { releaseTime } = await escrow.referralOf(storefront.address, 1n);
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [])).to.be.revertedWithCustomError(escrow, "EmptyBatch");
      await expect(escrow.connect(alice).claimFrom(99n, storefront.address, [1n]))
        .to.be.revertedWithCustomError(escrow, "NotPartnerOwner").withArgs(99n, alice.address);
      const early = escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n]);
      await expect(early).to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 1n, SkipReason.NotReleased);
      await expect(early).to.not.emit(escrow, "CommissionsClaimedFrom");
      await escrow.connect(storefront).voidReferral(2n);
      await moveTo(releaseTime + 1n);
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n, 3n]))
        .to.be.revertedWithCustomError(escrow, "ReferralOfAnotherPartner").withArgs(storefront.address, 3n, bobId);
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [7n]))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(storefront.address, 7n);
      // Order 1 of the other storefront is not order 1 of this one.
      await expect(escrow.connect(bob).claimFrom(bobId, otherStorefront.address, [3n]))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(otherStorefront.address, 3n);
      expect(await usd.balanceOf(alicePayout.address)).to.equal(0n);
      const batch = escrow.connect(alice).claimFrom(aliceId, storefront.address, [2n, 1n, 1n]);
      await expect(batch).to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 2n, SkipReason.Voided);
      await expect(batch).to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 1n, SkipReason.AlreadyClaimed);
      await expect(batch).to.emit(escrow, "CommissionsClaimedFrom")
        .withArgs(aliceId, await usd.getAddress(), storefront.address, 40n * USD, [1n]);
      await expect(batch).to.changeTokenBalance(ethers, usd, alicePayout, 40n * USD);
      await expect(escrow.connect(alice).claimFrom(aliceId, otherStorefront.address, [1n])).to.changeTokenBalance(ethers, usd, alicePayout, 5n * USD);
    });
  });

  describe("global pause", function () {
    it("stops recording, releasing, claiming, funding and withdrawing until unpaused, but never voids", async function () {
      const { alice, escrow, usd, admin, storefront, aliceId, alicePayout } = await loadFixture(recordedFixture);
      const token = await usd.getAddress();
      await usd.mint(storefront.address, USD);
      await usd.connect(storefront).approve(await escrow.getAddress(), USD);
      await passHold(escrow, storefront, 1n);
      await record(escrow, storefront, 20n, ALICE, 100n * USD, usd);
      await record(escrow, storefront, 21n, ALICE, 100n * USD, usd);

      await expect(escrow.connect(admin).pause()).to.emit(escrow, "Paused").withArgs(admin.address);
      expect(await escrow.paused()).to.equal(true);
      const sf = escrow.connect(storefront);
      await expect(sf.recordReferral(30n, ALICE, USD, token, BUYER)).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await expect(sf.recordReferrals(token, [{ orderId: 30n, code: ALICE, saleAmount: USD, buyer: BUYER }])).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await expect(sf.releaseEarly(21n)).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)])).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n])).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await expect(sf.fundBudget(token, USD)).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await expect(sf.withdrawBudget(token, USD, storefront.address)).to.be.revertedWithCustomError(escrow, "EnforcedPause");

      await expect(escrow.connect(admin).unpause()).to.emit(escrow, "Unpaused").withArgs(admin.address);
      await record(escrow, storefront, 30n, ALICE, USD, usd);
      await expect(sf.releaseEarly(21n)).to.emit(escrow, "ReferralReleasedEarly");
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)])).to.changeTokenBalance(ethers, usd, alicePayout, 40n * USD);
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [21n])).to.changeTokenBalance(ethers, usd, alicePayout, 10n * USD);
      await expect(sf.fundBudget(token, USD)).to.emit(escrow, "BudgetFunded").withArgs(storefront.address, token, storefront.address, USD);
      await expect(sf.withdrawBudget(token, USD, storefront.address)).to.emit(escrow, "BudgetWithdrawn").withArgs(storefront.address, token, storefront.address, USD);
    });

    it("lets the storefront void and refund while paused, even when the pause outlasts the hold period", async function () {
      const { alice, escrow, usd, admin, storefront, aliceId } = await loadFixture(recordedFixture);
      const token = await usd.getAddress();
      const sf = escrow.connect(storefront);
      const { releaseTime } = await record(escrow, storefront, 20n, ALICE, 100n * USD, usd);
      await record(escrow, storefront, 21n, ALICE, 200n * USD, usd);
      await record(escrow, storefront, 22n, ALICE, 300n * USD, usd);
      const budget = await escrow.budgetOf(storefront.address, token);
      await escrow.connect(admin).pause();
      // A refund arrives in the incident, a day before the hold period (the return window) ends.
      await moveTo(releaseTime - ONE_DAY);
      await expect(sf.voidReferral(20n)).to.emit(escrow, "ReferralVoided").withArgs(storefront.address, 20n, 10n * USD);
      await expect(sf.refundReferral(21n, 5_000n))
        .to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 21n, 5_000n, 10n * USD, 10n * USD);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(budget + 20n * USD);
      // The pause outlasts the hold period: the release time passed, so voids end as they do unpaused.
      await moveTo(releaseTime + 10n * ONE_DAY);
      await expect(sf.voidReferral(22n)).to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased");
      await expect(escrow.connect(storefront).withdrawBudget(token, USD, storefront.address)).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await escrow.connect(admin).unpause();
      // The partner is paid what remained: half of order 21 and all of order 22.
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [21n, 22n]))
        .to.emit(escrow, "CommissionsClaimedFrom").withArgs(aliceId, token, storefront.address, 40n * USD, [21n, 22n]);
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [20n]))
        .to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 20n, SkipReason.Voided);
    });

    it("lets only the pauser pause and unpause", async function () {
      const { escrow, admin, stranger, storefront } = await loadFixture(recordedFixture);
      const role = await escrow.PAUSER_ROLE();
      await expect(escrow.connect(stranger).pause())
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
      expect(await escrow.paused()).to.equal(false);
      await escrow.connect(admin).grantRole(role, stranger.address);
      await escrow.connect(stranger).pause();
      await expect(escrow.connect(storefront).unpause())
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount").withArgs(storefront.address, role);
      expect(await escrow.paused()).to.equal(true);
      await escrow.connect(admin).revokeRole(role, stranger.address);
      await expect(escrow.connect(stranger).unpause())
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
      await escrow.connect(admin).unpause();
      expect(await escrow.paused()).to.equal(false);
    });
  });
});
