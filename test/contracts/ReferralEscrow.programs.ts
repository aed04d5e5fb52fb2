import { expect } from "chai";

import {
  ALICE,
  ALICE_RATE_BPS,
  BOB,
  BOB_FIXED,
  BUYER,
  CAROL,
  HOLD,
  MAX_RATE_BPS,
  ONE_DAY,
  Status,
  USD,
  code,
  deployProgramFixture,
  deployReferralEscrowFixture,
  ethers,
  key,
  networkHelpers,
  passHold,
  pinNextBlock,
  record,
  registerPartner,
} from "./referralFixtures.js";

const { loadFixture } = networkHelpers;
const MAX_HOLD = 365n * ONE_DAY;

describe("ReferralEscrow: storefront programs", function () {
  async function registeredFixture() {
    const fixture = await deployReferralEscrowFixture();
    const aliceId = await registerPartner(fixture.escrow, fixture.alice, ALICE, fixture.alicePayout.address);
    const bobId = await registerPartner(fixture.escrow, fixture.bob, BOB, fixture.bobPayout.address);
    return { ...fixture, aliceId, bobId };
  }

  describe("enrolment", function () {
    it("enrols a partner at a rate, with PartnerEnrolled", async function () {
      const { escrow, storefront, otherStorefront, aliceId } = await loadFixture(registeredFixture);
      await expect(escrow.connect(storefront).enrolPartner(ALICE, 1_250n, 0n))
        .to.emit(escrow, "PartnerEnrolled").withArgs(storefront.address, aliceId, 1_250n, 0n);
      expect(await escrow.termsOf(storefront.address, aliceId)).to.deep.equal([1_250n, 0n]);
      // Terms belong to the storefront that set them.
      expect(await escrow.termsOf(otherStorefront.address, aliceId)).to.deep.equal([0n, 0n]);
    });

    it("enrols a partner with a fixed commission, with PartnerEnrolled", async function () {
      const { escrow, storefront, bobId } = await loadFixture(registeredFixture);
      await expect(escrow.connect(storefront).enrolPartner(BOB, 0n, 7n * USD))
        .to.emit(escrow, "PartnerEnrolled").withArgs(storefront.address, bobId, 0n, 7n * USD);
      expect(await escrow.termsOf(storefront.address, bobId)).to.deep.equal([0n, 7n * USD]);
    });

    it("replaces a partner's terms when enrolled again", async function () {
      const { escrow, storefront, aliceId } = await loadFixture(registeredFixture);
      await escrow.connect(storefront).enrolPartner(ALICE, 1_000n, 0n);
      await expect(escrow.connect(storefront).enrolPartner(ALICE, 0n, 3n * USD))
        .to.emit(escrow, "PartnerEnrolled").withArgs(storefront.address, aliceId, 0n, 3n * USD);
      expect(await escrow.termsOf(storefront.address, aliceId)).to.deep.equal([0n, 3n * USD]);
      await escrow.connect(storefront).enrolPartner(ALICE, 200n, 0n);
      expect(await escrow.termsOf(storefront.address, aliceId)).to.deep.equal([200n, 0n]);
    });

    it("requires exactly one of a rate and a fixed commission", async function () {
      const { escrow, storefront, aliceId } = await loadFixture(registeredFixture);
      await expect(escrow.connect(storefront).enrolPartner(ALICE, 0n, 0n))
        .to.be.revertedWithCustomError(escrow, "InvalidTerms").withArgs(0n, 0n);
      await expect(escrow.connect(storefront).enrolPartner(ALICE, 500n, 5n * USD))
        .to.be.revertedWithCustomError(escrow, "InvalidTerms").withArgs(500n, 5n * USD);
      expect(await escrow.termsOf(storefront.address, aliceId)).to.deep.equal([0n, 0n]);
    });

    it("caps the rate at the admin's maximum, inclusive", async function () {
      const { escrow, storefront, aliceId } = await loadFixture(registeredFixture);
      await expect(escrow.connect(storefront).enrolPartner(ALICE, MAX_RATE_BPS + 1n, 0n))
        .to.be.revertedWithCustomError(escrow, "RateAboveMaximum").withArgs(MAX_RATE_BPS + 1n, MAX_RATE_BPS);
      await expect(escrow.connect(storefront).enrolPartner(ALICE, 10_000n, 0n))
        .to.be.revertedWithCustomError(escrow, "RateAboveMaximum").withArgs(10_000n, MAX_RATE_BPS);
      await expect(escrow.connect(storefront).enrolPartner(ALICE, MAX_RATE_BPS, 0n))
        .to.emit(escrow, "PartnerEnrolled").withArgs(storefront.address, aliceId, MAX_RATE_BPS, 0n);
    });

    it("rejects codes no partner has", async function () {
      const { escrow, storefront } = await loadFixture(registeredFixture);
      await expect(escrow.connect(storefront).enrolPartner(CAROL, 100n, 0n))
        .to.be.revertedWithCustomError(escrow, "UnknownCode").withArgs(CAROL);
      await expect(escrow.connect(storefront).enrolPartner(ethers.ZeroHash, 0n, USD))
        .to.be.revertedWithCustomError(escrow, "UnknownCode").withArgs(ethers.ZeroHash);
      await expect(escrow.connect(storefront).removePartner(CAROL))
        .to.be.revertedWithCustomError(escrow, "UnknownCode").withArgs(CAROL);
    });
  });

  describe("removal", function () {
    it("removes a partner: PartnerRemoved, no terms, no new referrals, recorded ones unaffected", async function () {
      const { alice, escrow, usd, storefront, aliceId, alicePayout } = await loadFixture(deployProgramFixture);
      const { commission } = await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await expect(escrow.connect(storefront).removePartner(ALICE))
        .to.emit(escrow, "PartnerRemoved").withArgs(storefront.address, aliceId);
      expect(await escrow.termsOf(storefront.address, aliceId)).to.deep.equal([0n, 0n]);
      await expect(escrow.connect(storefront).recordReferral(2n, ALICE, 100n * USD, await usd.getAddress(), BUYER))
        .to.be.revertedWithCustomError(escrow, "PartnerNotEnrolled").withArgs(storefront.address, aliceId);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
      await passHold(escrow, storefront, 1n);
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)])).to.changeTokenBalance(ethers, usd, alicePayout, commission);
    });

    it("leaves the partner in other programs and lets the storefront enrol it again", async function () {
      const { escrow, storefront, otherStorefront, aliceId } = await loadFixture(deployProgramFixture);
      await escrow.connect(storefront).removePartner(ALICE);
      expect(await escrow.termsOf(otherStorefront.address, aliceId)).to.deep.equal([500n, 0n]);
      await escrow.connect(storefront).enrolPartner(ALICE, 0n, USD);
      expect(await escrow.termsOf(storefront.address, aliceId)).to.deep.equal([0n, USD]);
    });
  });

  describe("hold period", function () {
    it("sets the hold period up to MAX_HOLD_PERIOD, with HoldPeriodSet", async function () {
      const { escrow, storefront, otherStorefront } = await loadFixture(deployReferralEscrowFixture);
      expect(await escrow.MAX_HOLD_PERIOD()).to.equal(MAX_HOLD);
      expect(await escrow.programOf(storefront.address)).to.deep.equal([0n, false, 0n, 0n]);
      await expect(escrow.connect(storefront).setHoldPeriod(HOLD))
        .to.emit(escrow, "HoldPeriodSet").withArgs(storefront.address, HOLD);
      expect(await escrow.programOf(storefront.address)).to.deep.equal([HOLD, false, 0n, 0n]);
      await expect(escrow.connect(storefront).setHoldPeriod(MAX_HOLD))
        .to.emit(escrow, "HoldPeriodSet").withArgs(storefront.address, MAX_HOLD);
      expect(await escrow.programOf(storefront.address)).to.deep.equal([MAX_HOLD, false, 0n, 0n]);
      await escrow.connect(storefront).setHoldPeriod(0n);
      expect(await escrow.programOf(storefront.address)).to.deep.equal([0n, false, 0n, 0n]);
      expect(await escrow.programOf(otherStorefront.address)).to.deep.equal([0n, false, 0n, 0n]);
    });

    it("rejects a hold period longer than a year", async function () {
      const { escrow, storefront } = await loadFixture(deployReferralEscrowFixture);
      await escrow.connect(storefront).setHoldPeriod(HOLD);
      await expect(escrow.connect(storefront).setHoldPeriod(MAX_HOLD + 1n))
        .to.be.revertedWithCustomError(escrow, "HoldPeriodTooLong").withArgs(MAX_HOLD + 1n, MAX_HOLD);
      await expect(escrow.connect(storefront).setHoldPeriod(2n ** 32n - 1n))
        .to.be.revertedWithCustomError(escrow, "HoldPeriodTooLong").withArgs(2n ** 32n - 1n, MAX_HOLD);
      expect((await escrow.programOf(storefront.address)).holdPeriod).to.equal(HOLD);
    });

    it("applies a new hold period only to referrals recorded from then on", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      const first = await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await escrow.connect(storefront).setHoldPeriod(ONE_DAY);
      expect((await escrow.referralOf(storefront.address, 1n)).releaseTime).to.equal(first.releaseTime);
      const at = await pinNextBlock();
      const second = await record(escrow, storefront, 2n, ALICE, 100n * USD, usd);
      expect(second.releaseTime).to.equal(at + ONE_DAY);
    });
  });

  describe("program pause", function () {
    it("stops recording (single and batch) in that program only, with ProgramPausedSet", async function () {
      const { escrow, usd, storefront, otherStorefront } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await expect(escrow.connect(storefront).setProgramPaused(true))
        .to.emit(escrow, "ProgramPausedSet").withArgs(storefront.address, true);
      expect(await escrow.programOf(storefront.address)).to.deep.equal([HOLD, true, 0n, 0n]);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 100n * USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "ProgramPaused").withArgs(storefront.address);
      await expect(escrow.connect(storefront).recordReferrals(token, [{ orderId: 1n, code: BOB, saleAmount: 0n, buyer: BUYER }]))
        .to.be.revertedWithCustomError(escrow, "ProgramPaused").withArgs(storefront.address);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.None);
      // Another storefront's program records as before.
      await record(escrow, otherStorefront, 1n, ALICE, 100n * USD, usd);
      expect((await escrow.referralOf(otherStorefront.address, 1n)).status).to.equal(Status.Pending);
      // Resuming reopens it.
      await expect(escrow.connect(storefront).setProgramPaused(false))
        .to.emit(escrow, "ProgramPausedSet").withArgs(storefront.address, false);
      await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      expect((await escrow.referralOf(storefront.address, 1n)).commission).to.equal(10n * USD);
    });

    it("never stops claims", async function () {
      const { alice, bob, escrow, usd, storefront, aliceId, bobId, alicePayout, bobPayout } = await loadFixture(deployProgramFixture);
      const { commission } = await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await record(escrow, storefront, 2n, BOB, 100n * USD, usd);
      await escrow.connect(storefront).setProgramPaused(true);
      await passHold(escrow, storefront, 2n);
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)])).to.changeTokenBalance(ethers, usd, alicePayout, commission);
      await expect(escrow.connect(bob).claim(bobId, [key(storefront, 2n)]))
        .to.emit(escrow, "CommissionsClaimed").withArgs(bobId, await usd.getAddress(), BOB_FIXED, [[storefront.address, 2n]]);
      expect(await usd.balanceOf(bobPayout.address)).to.equal(BOB_FIXED);
    });
  });

  describe("maximum rate", function () {
    it("is set at initialization and only the admin changes it, with MaxCommissionRateSet", async function () {
      const { escrow, admin, storefront, stranger } = await loadFixture(deployReferralEscrowFixture);
      expect(await escrow.maxCommissionRate()).to.equal(MAX_RATE_BPS);
      const adminRole = await escrow.DEFAULT_ADMIN_ROLE();
      await expect(escrow.connect(stranger).setMaxCommissionRate(5_000n))
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount").withArgs(stranger.address, adminRole);
      await expect(escrow.connect(storefront).setMaxCommissionRate(5_000n))
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount").withArgs(storefront.address, adminRole);
      expect(await escrow.maxCommissionRate()).to.equal(MAX_RATE_BPS);
      await expect(escrow.connect(admin).setMaxCommissionRate(5_000n)).to.emit(escrow, "MaxCommissionRateSet").withArgs(5_000n);
      expect(await escrow.maxCommissionRate()).to.equal(5_000n);
    });

    it("accepts 0 to 100% and rejects more", async function () {
      const { escrow, admin } = await loadFixture(deployReferralEscrowFixture);
      await expect(escrow.connect(admin).setMaxCommissionRate(10_001n))
        .to.be.revertedWithCustomError(escrow, "InvalidMaxRate").withArgs(10_001n);
      await expect(escrow.connect(admin).setMaxCommissionRate(65_535n))
        .to.be.revertedWithCustomError(escrow, "InvalidMaxRate").withArgs(65_535n);
      await expect(escrow.connect(admin).setMaxCommissionRate(10_000n)).to.emit(escrow, "MaxCommissionRateSet").withArgs(10_000n);
      await expect(escrow.connect(admin).setMaxCommissionRate(0n)).to.emit(escrow, "MaxCommissionRateSet").withArgs(0n);
      expect(await escrow.maxCommissionRate()).to.equal(0n);
    });

    it("applies to enrolments from then on; fixed commissions are not rates", async function () {
      const { escrow, usd, admin, storefront, aliceId } = await loadFixture(deployProgramFixture);
      await escrow.connect(admin).setMaxCommissionRate(500n);
      await expect(escrow.connect(storefront).enrolPartner(ALICE, 501n, 0n))
        .to.be.revertedWithCustomError(escrow, "RateAboveMaximum").withArgs(501n, 500n);
      // Alice's 10% terms were set before and still apply.
      expect(await escrow.termsOf(storefront.address, aliceId)).to.deep.equal([ALICE_RATE_BPS, 0n]);
      const { commission } = await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      expect(commission).to.equal(10n * USD);
      await escrow.connect(admin).setMaxCommissionRate(0n);
      await expect(escrow.connect(storefront).enrolPartner(ALICE, 1n, 0n))
        .to.be.revertedWithCustomError(escrow, "RateAboveMaximum").withArgs(1n, 0n);
      await expect(escrow.connect(storefront).enrolPartner(code("BOB"), 0n, 1_000n * USD))
        .to.emit(escrow, "PartnerEnrolled");
    });
  });
});
