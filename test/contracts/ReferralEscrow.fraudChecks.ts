import { expect } from "chai";

import {
  ALICE,
  BOB,
  BOB_FIXED,
  BUDGET,
  BUYER,
  CAROL,
  ONE_DAY,
  SkipReason,
  Status,
  USD,
  atNextBlock,
  deployProgramFixture,
  enrolFixed,
  ethers,
  key,
  networkHelpers,
  passHold,
  pinNextBlock,
  record,
} from "./referralFixtures.js";

const { loadFixture, time } = networkHelpers;

const FULL_REFUND_BPS = 10_000n;

/** The start of the UTC day after the latest block's. */
async function nextDayStart(): Promise<bigint> {
  const now = BigInt(await time.latest());
  return now - (now % ONE_DAY) + ONE_DAY;
}

describe("ReferralEscrow: fraud checks", function () {
  describe("self-referral", function () {
    it("names the buyer in the referral's event", async function () {
      const { escrow, usd, storefront, aliceId, shopper } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      const at = await pinNextBlock();
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 100n * USD, token, shopper.address))
        .to.emit(escrow, "ReferralRecorded")
        .withArgs(storefront.address, aliceId, 1n, shopper.address, token, 100n * USD, 10n * USD, at + 14n * ONE_DAY);
    });

    it("refuses a sale to the partner's owner, singly and in a batch", async function () {
      const { escrow, usd, storefront, alice, aliceId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 100n * USD, token, alice.address))
        .to.be.revertedWithCustomError(escrow, "SelfReferral").withArgs(aliceId, alice.address);
      await expect(escrow.connect(storefront).recordReferrals(token, [
        { orderId: 1n, code: BOB, saleAmount: USD, buyer: BUYER },
        { orderId: 2n, code: ALICE, saleAmount: USD, buyer: alice.address },
      ])).to.be.revertedWithCustomError(escrow, "SelfReferral").withArgs(aliceId, alice.address);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.None);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET);
    });

    it("refuses a sale to the partner's payout address", async function () {
      const { escrow, usd, storefront, alicePayout, aliceId } = await loadFixture(deployProgramFixture);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 100n * USD, await usd.getAddress(), alicePayout.address))
        .to.be.revertedWithCustomError(escrow, "SelfReferral").withArgs(aliceId, alicePayout.address);
    });

    it("checks the payout address of the moment: after a change the new one is refused, the old one allowed", async function () {
      const { escrow, usd, storefront, alice, alicePayout, aliceId, stranger } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await escrow.connect(alice).setPayoutAddress(aliceId, stranger.address);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 100n * USD, token, stranger.address))
        .to.be.revertedWithCustomError(escrow, "SelfReferral").withArgs(aliceId, stranger.address);
      // The owner stays refused whatever the payout address.
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 100n * USD, token, alice.address))
        .to.be.revertedWithCustomError(escrow, "SelfReferral").withArgs(aliceId, alice.address);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 100n * USD, token, alicePayout.address))
        .to.emit(escrow, "ReferralRecorded");
    });

    it("lets another partner's owner buy through this partner's code", async function () {
      const { escrow, usd, storefront, bob } = await loadFixture(deployProgramFixture);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 100n * USD, await usd.getAddress(), bob.address))
        .to.emit(escrow, "ReferralRecorded");
    });

    it("refuses the zero address as buyer, singly and in a batch", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, USD, token, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(escrow, "ZeroAddress");
      await expect(escrow.connect(storefront).recordReferrals(token, [
        { orderId: 1n, code: ALICE, saleAmount: USD, buyer: BUYER },
        { orderId: 2n, code: BOB, saleAmount: USD, buyer: ethers.ZeroAddress },
      ])).to.be.revertedWithCustomError(escrow, "ZeroAddress");
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.None);
    });
  });

  describe("referral cap per partner per period", function () {
    it("is set by the storefront, shown with its program, and refused with only one of max and period", async function () {
      const { escrow, storefront, otherStorefront } = await loadFixture(deployProgramFixture);
      await expect(escrow.connect(storefront).setReferralCap(2n, ONE_DAY))
        .to.emit(escrow, "ReferralCapSet").withArgs(storefront.address, 2n, ONE_DAY);
      expect(await escrow.programOf(storefront.address)).to.deep.equal([14n * ONE_DAY, false, 2n, ONE_DAY]);
      expect(await escrow.programOf(otherStorefront.address)).to.deep.equal([3n * ONE_DAY, false, 0n, 0n]);
      await expect(escrow.connect(storefront).setReferralCap(2n, 0n))
        .to.be.revertedWithCustomError(escrow, "InvalidReferralCap").withArgs(2n, 0n);
      await expect(escrow.connect(storefront).setReferralCap(0n, ONE_DAY))
        .to.be.revertedWithCustomError(escrow, "InvalidReferralCap").withArgs(0n, ONE_DAY);
      await expect(escrow.connect(storefront).setReferralCap(0n, 0n))
        .to.emit(escrow, "ReferralCapSet").withArgs(storefront.address, 0n, 0n);
      expect(await escrow.programOf(storefront.address)).to.deep.equal([14n * ONE_DAY, false, 0n, 0n]);
    });

    it("refuses a partner's referral past the cap in a UTC day, and allows it again the next day", async function () {
      const { escrow, usd, storefront, aliceId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await escrow.connect(storefront).setReferralCap(2n, ONE_DAY);
      const day = await nextDayStart();
      await atNextBlock(day + 100n);
      await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await record(escrow, storefront, 2n, ALICE, 100n * USD, usd);
      expect(await escrow.referralsInPeriodOf(storefront.address, aliceId)).to.deep.equal([day, 2n]);
      // The day's last second is still the same period.
      await atNextBlock(day + ONE_DAY - 1n);
      await expect(escrow.connect(storefront).recordReferral(3n, ALICE, 100n * USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "ReferralCapExceeded").withArgs(storefront.address, aliceId, day, 2n);
      await atNextBlock(day + ONE_DAY);
      await expect(escrow.connect(storefront).recordReferral(3n, ALICE, 100n * USD, token, BUYER)).to.emit(escrow, "ReferralRecorded");
      expect(await escrow.referralsInPeriodOf(storefront.address, aliceId)).to.deep.equal([day + ONE_DAY, 1n]);
    });

    it("counts each partner apart, and only at the storefront that set the cap", async function () {
      const { escrow, usd, storefront, otherStorefront, aliceId, bobId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await escrow.connect(storefront).setReferralCap(1n, ONE_DAY);
      await atNextBlock((await nextDayStart()) + 10n);
      await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await expect(escrow.connect(storefront).recordReferral(2n, ALICE, 100n * USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "ReferralCapExceeded");
      await record(escrow, storefront, 3n, BOB, 0n, usd);
      expect((await escrow.referralsInPeriodOf(storefront.address, bobId))[1]).to.equal(1n);
      for (const orderId of [1n, 2n, 3n]) await record(escrow, otherStorefront, orderId, ALICE, 100n * USD, usd);
      expect(await escrow.referralsInPeriodOf(otherStorefront.address, aliceId)).to.deep.equal([0n, 0n]);
    });

    it("counts a batch referral by referral, refusing the whole batch past the cap", async function () {
      const { escrow, usd, storefront, aliceId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await escrow.connect(storefront).setReferralCap(2n, ONE_DAY);
      const day = await nextDayStart();
      await atNextBlock(day + 10n);
      const sale = (orderId: bigint, partnerCode: string) => ({ orderId, code: partnerCode, saleAmount: USD, buyer: BUYER });
      await expect(escrow.connect(storefront).recordReferrals(token, [sale(1n, ALICE), sale(2n, BOB), sale(3n, ALICE), sale(4n, ALICE)]))
        .to.be.revertedWithCustomError(escrow, "ReferralCapExceeded").withArgs(storefront.address, aliceId, day, 2n);
      await escrow.connect(storefront).recordReferrals(token, [sale(1n, ALICE), sale(2n, BOB), sale(3n, ALICE), sale(4n, BOB)]);
      expect((await escrow.referralsInPeriodOf(storefront.address, aliceId))[1]).to.equal(2n);
    });

    it("keeps the count when terms change, and stops counting when the cap is lifted", async function () {
      const { escrow, usd, storefront, aliceId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await escrow.connect(storefront).setReferralCap(1n, ONE_DAY);
      await atNextBlock((await nextDayStart()) + 10n);
      await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await escrow.connect(storefront).enrolPartner(ALICE, 2_000n, 0n);
      await expect(escrow.connect(storefront).recordReferral(2n, ALICE, 100n * USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "ReferralCapExceeded");
      await escrow.connect(storefront).setReferralCap(0n, 0n);
      for (const orderId of [2n, 3n, 4n]) await record(escrow, storefront, orderId, ALICE, 100n * USD, usd);
      expect(await escrow.referralsInPeriodOf(storefront.address, aliceId)).to.deep.equal([0n, 0n]);
    });

    it("leaves the enrolment word untouched while no cap is set, and counts in it once one is", async function () {
      const { escrow, usd, storefront, aliceId } = await loadFixture(deployProgramFixture);
      // The enrolment of (storefront, partner): mapping 4 of the ERC-7201 namespace, keyed twice.
      const namespace = 0xd3513285aff031fdaf625e19377e13d81dbd9cd96f1fa54f13a43458477c2800n;
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const inner = ethers.keccak256(coder.encode(["address", "uint256"], [storefront.address, namespace + 4n]));
      const slot = ethers.keccak256(coder.encode(["uint40", "bytes32"], [aliceId, inner]));
      const word = async () => BigInt(await ethers.provider.getStorage(await escrow.getAddress(), slot));
      const terms = await word();
      // Rate 10% in bits 0-15: the word really is the enrolment.
      expect(terms & 0xffffn).to.equal((await escrow.termsOf(storefront.address, aliceId)).rateBps);

      await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await record(escrow, storefront, 2n, ALICE, 100n * USD, usd);
      expect(await word()).to.equal(terms);

      await escrow.connect(storefront).setReferralCap(1_000n, ONE_DAY);
      await record(escrow, storefront, 3n, ALICE, 100n * USD, usd);
      const counted = await word();
      // periodCount in bits 152-183 is 1; the terms below bit 112 are kept.
      expect((counted >> 152n) & 0xffffffffn).to.equal(1n);
      expect(counted & ((1n << 112n) - 1n)).to.equal(terms & ((1n << 112n) - 1n));
    });
  });

  describe("partial refunds", function () {
    it("voids the commission pro rata: two partial refunds summing to the whole void all of it", async function () {
      const { alice, escrow, usd, storefront, aliceId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      const { commission } = await record(escrow, storefront, 1n, ALICE, 400n * USD, usd); // 40 USD
      await expect(escrow.connect(storefront).refundReferral(1n, 3_000n))
        .to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 1n, 3_000n, 12n * USD, 28n * USD);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 28n * USD);
      const partly = await escrow.referralOf(storefront.address, 1n);
      expect([partly.status, partly.commission, partly.refundedBps]).to.deep.equal([Status.Pending, commission, 3_000n]);
      await expect(escrow.connect(storefront).refundReferral(1n, 7_000n))
        .to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 1n, FULL_REFUND_BPS, 28n * USD, 0n)
        .and.not.to.emit(escrow, "ReferralVoided");
      const refunded = await escrow.referralOf(storefront.address, 1n);
      expect([refunded.status, refunded.refundedBps]).to.deep.equal([Status.Voided, FULL_REFUND_BPS]);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET);
      await passHold(escrow, storefront, 1n);
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n]))
        .to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 1n, SkipReason.Voided);
    });

    it("rounds so that refunds of an odd commission void exactly the commission in the end", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await enrolFixed(escrow, storefront, CAROL, 7n);
      await record(escrow, storefront, 1n, CAROL, 0n, usd);
      // floor(7 * 3,333 / 10,000) = 2; floor(7 * 6,666 / 10,000) = 4; 7 at the whole.
      await expect(escrow.connect(storefront).refundReferral(1n, 3_333n))
        .to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 1n, 3_333n, 2n, 5n);
      await expect(escrow.connect(storefront).refundReferral(1n, 3_333n))
        .to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 1n, 6_666n, 2n, 3n);
      await expect(escrow.connect(storefront).refundReferral(1n, 3_334n))
        .to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 1n, FULL_REFUND_BPS, 3n, 0n);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET);
    });

    it("pays the partner what remains after a partial refund", async function () {
      const { alice, bob, escrow, usd, storefront, otherStorefront, aliceId, alicePayout, bobId, bobPayout } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await record(escrow, storefront, 1n, ALICE, 400n * USD, usd); // 40 USD
      await record(escrow, storefront, 2n, BOB, 0n, usd); // 25 USD
      await escrow.connect(storefront).refundReferral(1n, 2_500n);
      await escrow.connect(storefront).refundReferral(2n, 1n); // floor(25 USD / 10,000) voided
      await passHold(escrow, storefront, 2n);
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n]))
        .to.emit(escrow, "CommissionsClaimedFrom").withArgs(aliceId, token, storefront.address, 30n * USD, [1n]);
      await expect(escrow.connect(bob).claim(bobId, [key(storefront, 2n)]))
        .to.emit(escrow, "CommissionsClaimed").withArgs(bobId, token, BOB_FIXED - BOB_FIXED / 10_000n, [[storefront.address, 2n]]);
      expect(await usd.balanceOf(alicePayout.address)).to.equal(30n * USD);
      expect(await usd.balanceOf(bobPayout.address)).to.equal(BOB_FIXED - BOB_FIXED / 10_000n);
      // What was voided is back in the budget; the escrow holds only the two budgets.
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 30n * USD - (BOB_FIXED - BOB_FIXED / 10_000n));
      expect(await usd.balanceOf(await escrow.getAddress())).to.equal(
        (await escrow.budgetOf(storefront.address, token)) + (await escrow.budgetOf(otherStorefront.address, token)),
      );
      const claimed = await escrow.referralOf(storefront.address, 1n);
      expect([claimed.status, claimed.refundedBps]).to.deep.equal([Status.Claimed, 2_500n]);
    });

    it("voids exactly what remains when the rest is voided", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      await escrow.connect(storefront).refundReferral(1n, 2_500n);
      await expect(escrow.connect(storefront).voidReferral(1n))
        .to.emit(escrow, "ReferralVoided").withArgs(storefront.address, 1n, 30n * USD)
        .and.not.to.emit(escrow, "ReferralRefunded");
      const voided = await escrow.referralOf(storefront.address, 1n);
      expect([voided.status, voided.refundedBps]).to.deep.equal([Status.Voided, FULL_REFUND_BPS]);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET);
    });

    it("refuses a refund past the whole sale, a zero refund, and a refund after a full one", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      await record(escrow, storefront, 2n, ALICE, 400n * USD, usd);
      await expect(escrow.connect(storefront).refundReferral(1n, 10_001n))
        .to.be.revertedWithCustomError(escrow, "RefundExceedsSale").withArgs(storefront.address, 1n, 0n, 10_001n);
      await escrow.connect(storefront).refundReferral(1n, 6_000n);
      await expect(escrow.connect(storefront).refundReferral(1n, 4_001n))
        .to.be.revertedWithCustomError(escrow, "RefundExceedsSale").withArgs(storefront.address, 1n, 6_000n, 4_001n);
      await expect(escrow.connect(storefront).refundReferral(2n, 0n)).to.be.revertedWithCustomError(escrow, "ZeroAmount");
      await escrow.connect(storefront).refundReferral(1n, 4_000n);
      await expect(escrow.connect(storefront).refundReferral(1n, 1n))
        .to.be.revertedWithCustomError(escrow, "ReferralNotPending").withArgs(storefront.address, 1n, Status.Voided);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 40n * USD);
    });

    it("refuses a refund once released (by time or early), of an unknown order, or of another storefront's", async function () {
      const { escrow, usd, storefront, otherStorefront } = await loadFixture(deployProgramFixture);
      const { releaseTime } = await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      await record(escrow, storefront, 2n, ALICE, 400n * USD, usd);
      await expect(escrow.connect(otherStorefront).refundReferral(1n, 1_000n))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(otherStorefront.address, 1n);
      await expect(escrow.connect(storefront).refundReferral(3n, 1_000n))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(storefront.address, 3n);
      const at = await pinNextBlock();
      await escrow.connect(storefront).releaseEarly(2n);
      await expect(escrow.connect(storefront).refundReferral(2n, 1_000n))
        .to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased").withArgs(storefront.address, 2n, at);
      await atNextBlock(releaseTime);
      await expect(escrow.connect(storefront).refundReferral(1n, 1_000n))
        .to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased").withArgs(storefront.address, 1n, releaseTime);
    });

    it("goes on while the escrow is paused", async function () {
      const { escrow, usd, storefront, admin } = await loadFixture(deployProgramFixture);
      await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      await escrow.connect(admin).pause();
      await expect(escrow.connect(storefront).refundReferral(1n, 1_000n))
        .to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 1n, 1_000n, 4n * USD, 36n * USD);
    });
  });
});
