import { expect } from "chai";

import {
  ALICE,
  BOB,
  BOB_FIXED,
  BUDGET,
  BUYER,
  CAROL,
  HOLD,
  SkipReason,
  OTHER_HOLD,
  Status,
  USD,
  atNextBlock,
  code,
  deployProgramFixture,
  enrolRate,
  ethers,
  fundBudget,
  key,
  moveTo,
  networkHelpers,
  pinNextBlock,
  record,
} from "./referralFixtures.js";

const { loadFixture } = networkHelpers;

describe("ReferralEscrow: referrals", function () {
  describe("recording", function () {
    it("records a rate commission (sale * rate / 10,000), released after the hold period", async function () {
      const { escrow, usd, storefront, aliceId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      const at = await pinNextBlock();
      await expect(escrow.connect(storefront).recordReferral(1001n, ALICE, 350n * USD, token, BUYER))
        .to.emit(escrow, "ReferralRecorded")
        .withArgs(storefront.address, aliceId, 1001n, BUYER, token, 350n * USD, 35n * USD, at + HOLD);
      expect(await escrow.referralOf(storefront.address, 1001n)).to.deep.equal([aliceId, 1n, Status.Pending, at + HOLD, 35n * USD, 0n]);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 35n * USD);
      // The commission stays in the escrow, moved from the budget.
      expect(await usd.balanceOf(await escrow.getAddress())).to.equal(2n * BUDGET);
      expect(await escrow.isClaimable(storefront.address, 1001n)).to.equal(false);
    });

    it("rounds a rate commission down", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      // 10% of 12,345 is 1,234.5; of 9 it is 0.9.
      expect((await record(escrow, storefront, 1n, ALICE, 12_345n, usd)).commission).to.equal(1_234n);
      expect((await record(escrow, storefront, 2n, ALICE, 9n, usd)).commission).to.equal(0n);
      expect(await escrow.budgetOf(storefront.address, await usd.getAddress())).to.equal(BUDGET - 1_234n);
    });

    it("records a fixed commission whatever the sale", async function () {
      const { escrow, usd, storefront, bobId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      const at = await pinNextBlock();
      await expect(escrow.connect(storefront).recordReferral(7n, BOB, 10_000n * USD, token, BUYER))
        .to.emit(escrow, "ReferralRecorded")
        .withArgs(storefront.address, bobId, 7n, BUYER, token, 10_000n * USD, BOB_FIXED, at + HOLD);
      await record(escrow, storefront, 8n, BOB, 0n, usd);
      expect((await escrow.referralOf(storefront.address, 8n)).commission).to.equal(BOB_FIXED);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 2n * BOB_FIXED);
    });

    it("uses each storefront's own terms and hold period", async function () {
      const { escrow, usd, otherStorefront, aliceId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      const at = await pinNextBlock();
      await expect(escrow.connect(otherStorefront).recordReferral(1n, ALICE, 100n * USD, token, BUYER))
        .to.emit(escrow, "ReferralRecorded")
        .withArgs(otherStorefront.address, aliceId, 1n, BUYER, token, 100n * USD, 5n * USD, at + OTHER_HOLD);
      expect(await escrow.budgetOf(otherStorefront.address, token)).to.equal(BUDGET - 5n * USD);
    });

    it("records a batch in one token, one event each, the same release time", async function () {
      const { escrow, usd, storefront, aliceId, bobId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      const sales = [
        { orderId: 10n, code: ALICE, saleAmount: 200n * USD, buyer: BUYER },
        { orderId: 3n, code: BOB, saleAmount: 1n * USD, buyer: BUYER },
        { orderId: 11n, code: ALICE, saleAmount: 50n * USD, buyer: BUYER },
      ];
      const at = await pinNextBlock();
      const tx = escrow.connect(storefront).recordReferrals(token, sales);
      await expect(tx)
        .to.emit(escrow, "ReferralRecorded").withArgs(storefront.address, aliceId, 10n, BUYER, token, 200n * USD, 20n * USD, at + HOLD)
        .and.to.emit(escrow, "ReferralRecorded").withArgs(storefront.address, bobId, 3n, BUYER, token, 1n * USD, BOB_FIXED, at + HOLD)
        .and.to.emit(escrow, "ReferralRecorded").withArgs(storefront.address, aliceId, 11n, BUYER, token, 50n * USD, 5n * USD, at + HOLD);
      const logs = (await (await tx).wait())!.logs.map((log) => escrow.interface.parseLog(log)!);
      expect(logs.map((log) => [log.name, log.args.orderId])).to.deep.equal([
        ["ReferralRecorded", 10n],
        ["ReferralRecorded", 3n],
        ["ReferralRecorded", 11n],
      ]);
      expect(await escrow.referralOf(storefront.address, 3n)).to.deep.equal([bobId, 1n, Status.Pending, at + HOLD, BOB_FIXED, 0n]);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 25n * USD - BOB_FIXED);
    });

    it("rejects an empty batch", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      await expect(escrow.connect(storefront).recordReferrals(await usd.getAddress(), [])).to.be.revertedWithCustomError(escrow, "EmptyBatch");
    });

    describe("each storefront order once", function () {
      it("refuses an order recorded already, even voided; another storefront's order is another order", async function () {
        const { escrow, usd, storefront, otherStorefront } = await loadFixture(deployProgramFixture);
        const token = await usd.getAddress();
        await record(escrow, storefront, 5n, ALICE, 100n * USD, usd);
        await expect(escrow.connect(storefront).recordReferral(5n, BOB, 100n * USD, token, BUYER))
          .to.be.revertedWithCustomError(escrow, "OrderAlreadyRecorded").withArgs(storefront.address, 5n);
        await escrow.connect(storefront).voidReferral(5n);
        await expect(escrow.connect(storefront).recordReferral(5n, ALICE, 100n * USD, token, BUYER))
          .to.be.revertedWithCustomError(escrow, "OrderAlreadyRecorded").withArgs(storefront.address, 5n);
        expect((await escrow.referralOf(storefront.address, 5n)).status).to.equal(Status.Voided);
        await record(escrow, otherStorefront, 5n, ALICE, 100n * USD, usd);
        expect((await escrow.referralOf(otherStorefront.address, 5n)).status).to.equal(Status.Pending);
      });

      it("reverts a whole batch on a duplicate within it", async function () {
        const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
        const token = await usd.getAddress();
        await expect(escrow.connect(storefront).recordReferrals(token, [
          { orderId: 1n, code: ALICE, saleAmount: USD, buyer: BUYER },
          { orderId: 2n, code: BOB, saleAmount: USD, buyer: BUYER },
          { orderId: 1n, code: BOB, saleAmount: USD, buyer: BUYER },
        ])).to.be.revertedWithCustomError(escrow, "OrderAlreadyRecorded").withArgs(storefront.address, 1n);
        expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.None);
        expect((await escrow.referralOf(storefront.address, 2n)).status).to.equal(Status.None);
        expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET);
      });

      it("reverts a whole batch on a duplicate against history", async function () {
        const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
        const token = await usd.getAddress();
        const { commission } = await record(escrow, storefront, 42n, ALICE, 100n * USD, usd);
        await expect(escrow.connect(storefront).recordReferrals(token, [
          { orderId: 41n, code: ALICE, saleAmount: USD, buyer: BUYER },
          { orderId: 42n, code: BOB, saleAmount: USD, buyer: BUYER },
        ])).to.be.revertedWithCustomError(escrow, "OrderAlreadyRecorded").withArgs(storefront.address, 42n);
        expect((await escrow.referralOf(storefront.address, 41n)).status).to.equal(Status.None);
        expect((await escrow.referralOf(storefront.address, 42n)).commission).to.equal(commission);
        expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - commission);
      });
    });

    it("refuses partners not enrolled in the program and unknown codes, single and in batches", async function () {
      const { escrow, usd, storefront, otherStorefront, carolId, bobId } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await expect(escrow.connect(storefront).recordReferral(1n, CAROL, USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "PartnerNotEnrolled").withArgs(storefront.address, carolId);
      // Bob is in the storefront's program, not in the other storefront's.
      await expect(escrow.connect(otherStorefront).recordReferral(1n, BOB, USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "PartnerNotEnrolled").withArgs(otherStorefront.address, bobId);
      await expect(escrow.connect(storefront).recordReferrals(token, [
        { orderId: 1n, code: ALICE, saleAmount: USD, buyer: BUYER },
        { orderId: 2n, code: CAROL, saleAmount: USD, buyer: BUYER },
      ])).to.be.revertedWithCustomError(escrow, "PartnerNotEnrolled").withArgs(storefront.address, carolId);
      const nobody = code("NOBODY");
      await expect(escrow.connect(storefront).recordReferral(1n, nobody, USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "UnknownCode").withArgs(nobody);
      await expect(escrow.connect(storefront).recordReferrals(token, [{ orderId: 1n, code: nobody, saleAmount: USD, buyer: BUYER }]))
        .to.be.revertedWithCustomError(escrow, "UnknownCode").withArgs(nobody);
      await expect(escrow.connect(storefront).recordReferral(1n, ethers.ZeroHash, USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "UnknownCode").withArgs(ethers.ZeroHash);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.None);
    });

    it("refuses a commission the budget cannot cover, naming available and needed", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await escrow.connect(storefront).withdrawBudget(token, BUDGET - 30n * USD, storefront.address);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 301n * USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "InsufficientBudget").withArgs(storefront.address, token, 30n * USD, 301n * USD / 10n);
      await expect(escrow.connect(storefront).recordReferrals(token, [
        { orderId: 1n, code: BOB, saleAmount: USD, buyer: BUYER },
        { orderId: 2n, code: ALICE, saleAmount: 60n * USD, buyer: BUYER },
      ])).to.be.revertedWithCustomError(escrow, "InsufficientBudget").withArgs(storefront.address, token, 30n * USD, BOB_FIXED + 6n * USD);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.None);
      // Exactly the budget is fine.
      await escrow.connect(storefront).recordReferrals(token, [
        { orderId: 1n, code: BOB, saleAmount: USD, buyer: BUYER },
        { orderId: 2n, code: ALICE, saleAmount: 50n * USD, buyer: BUYER },
      ]);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(0n);
    });

    it("refuses a token the storefront never funded", async function () {
      const { escrow, usd, storefront, otherStorefront, shopper } = await loadFixture(deployProgramFixture);
      const eur = await ethers.deployContract("TestToken", ["Test Euro", "TEUR"]);
      const eurAddress = await eur.getAddress();
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, USD, eurAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "InvalidToken").withArgs(eurAddress);
      await expect(escrow.connect(storefront).recordReferrals(eurAddress, [{ orderId: 1n, code: ALICE, saleAmount: USD, buyer: BUYER }]))
        .to.be.revertedWithCustomError(escrow, "InvalidToken").withArgs(eurAddress);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, USD, shopper.address, BUYER))
        .to.be.revertedWithCustomError(escrow, "InvalidToken").withArgs(shopper.address);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, USD, ethers.ZeroAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "InvalidToken").withArgs(ethers.ZeroAddress);
      // Another storefront's budget in that token is not this storefront's.
      await fundBudget(escrow, eur, otherStorefront, 100n * USD);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, USD, eurAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "InvalidToken").withArgs(eurAddress);
      // Once funded and emptied, the budget is known but empty.
      await fundBudget(escrow, eur, storefront, 1n);
      await escrow.connect(storefront).withdrawBudget(eurAddress, 1n, storefront.address);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 10n * USD, eurAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "InsufficientBudget").withArgs(storefront.address, eurAddress, 0n, USD);
    });

    it("refuses a commission that does not fit 96 bits", async function () {
      const { escrow, admin, storefront } = await loadFixture(deployProgramFixture);
      // A token of its own: the escrow holds at most 2**96 - 1 of a token, all of it this budget.
      const usd = await ethers.deployContract("TestToken", ["Large Dollar", "LUSD"]);
      const token = await usd.getAddress();
      await escrow.connect(admin).setMaxCommissionRate(10_000n);
      await enrolRate(escrow, storefront, ALICE, 10_000n);
      await fundBudget(escrow, usd, storefront, 2n ** 96n - 1n);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, 2n ** 96n, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "CommissionTooLarge").withArgs(2n ** 96n);
      await expect(escrow.connect(storefront).recordReferrals(token, [{ orderId: 1n, code: ALICE, saleAmount: 2n ** 96n + 5n, buyer: BUYER }]))
        .to.be.revertedWithCustomError(escrow, "CommissionTooLarge").withArgs(2n ** 96n + 5n);
      await record(escrow, storefront, 1n, ALICE, 2n ** 96n - 1n, usd);
      expect((await escrow.referralOf(storefront.address, 1n)).commission).to.equal(2n ** 96n - 1n);
    });

    it("refuses a sale amount beyond any real sale, before multiplying by the rate", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      await enrolRate(escrow, storefront, ALICE, 1_000n);
      await fundBudget(escrow, usd, storefront, USD);
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, ethers.MaxUint256, await usd.getAddress(), BUYER))
        .to.be.revertedWithCustomError(escrow, "SaleAmountTooLarge").withArgs(ethers.MaxUint256);
    });
  });

  describe("voiding", function () {
    it("voids within the hold period, giving the commission back to the budget", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      const { commission, releaseTime } = await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - commission);
      // The last second of the hold period.
      await atNextBlock(releaseTime - 1n);
      await expect(escrow.connect(storefront).voidReferral(1n)).to.emit(escrow, "ReferralVoided").withArgs(storefront.address, 1n, commission);
      const referral = await escrow.referralOf(storefront.address, 1n);
      expect(referral.status).to.equal(Status.Voided);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET);
      expect(await escrow.isClaimable(storefront.address, 1n)).to.equal(false);
      // The refunded budget can be withdrawn in full.
      await escrow.connect(storefront).withdrawBudget(token, BUDGET, storefront.address);
      expect(await usd.balanceOf(storefront.address)).to.equal(BUDGET);
    });

    it("refuses to void once released, a second time, or an unknown order", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      const { releaseTime } = await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      await record(escrow, storefront, 2n, BOB, 400n * USD, usd);
      await escrow.connect(storefront).voidReferral(2n);
      await expect(escrow.connect(storefront).voidReferral(2n))
        .to.be.revertedWithCustomError(escrow, "ReferralNotPending").withArgs(storefront.address, 2n, Status.Voided);
      await expect(escrow.connect(storefront).voidReferral(3n))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(storefront.address, 3n);
      // Released at its release time exactly.
      await atNextBlock(releaseTime);
      await expect(escrow.connect(storefront).voidReferral(1n))
        .to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased").withArgs(storefront.address, 1n, releaseTime);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
      expect(await escrow.budgetOf(storefront.address, await usd.getAddress())).to.equal(BUDGET - 40n * USD);
    });

    it("lets only the storefront that recorded a referral void it", async function () {
      const { escrow, usd, storefront, otherStorefront } = await loadFixture(deployProgramFixture);
      await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      await expect(escrow.connect(otherStorefront).voidReferral(1n))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(otherStorefront.address, 1n);
      await expect(escrow.connect(otherStorefront).releaseEarly(1n))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(otherStorefront.address, 1n);
      expect(await escrow.budgetOf(otherStorefront.address, await usd.getAddress())).to.equal(BUDGET);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
    });

    it("refuses to void a claimed referral", async function () {
      const { alice, escrow, usd, storefront, aliceId } = await loadFixture(deployProgramFixture);
      const { releaseTime } = await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      await moveTo(releaseTime);
      await escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]);
      await expect(escrow.connect(storefront).voidReferral(1n))
        .to.be.revertedWithCustomError(escrow, "ReferralNotPending").withArgs(storefront.address, 1n, Status.Claimed);
    });

    it("cannot void anything in a program without a hold period", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      await escrow.connect(storefront).setHoldPeriod(0n);
      const at = await pinNextBlock();
      const { releaseTime } = await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      expect(releaseTime).to.equal(at);
      expect(await escrow.isClaimable(storefront.address, 1n)).to.equal(true);
      await expect(escrow.connect(storefront).voidReferral(1n))
        .to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased").withArgs(storefront.address, 1n, at);
    });
  });

  describe("early release", function () {
    it("releases a referral now, with ReferralReleasedEarly, and its partner claims at once", async function () {
      const { alice, escrow, usd, storefront, aliceId, alicePayout } = await loadFixture(deployProgramFixture);
      const { commission, releaseTime } = await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      expect(releaseTime).to.be.greaterThan(await networkHelpers.time.latest());
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]))
        .to.emit(escrow, "ClaimSkipped").withArgs(aliceId, storefront.address, 1n, SkipReason.NotReleased);
      const at = await pinNextBlock();
      await expect(escrow.connect(storefront).releaseEarly(1n)).to.emit(escrow, "ReferralReleasedEarly").withArgs(storefront.address, 1n, at);
      const referral = await escrow.referralOf(storefront.address, 1n);
      expect(referral.releaseTime).to.equal(at);
      expect(referral.status).to.equal(Status.Pending);
      expect(await escrow.isClaimable(storefront.address, 1n)).to.equal(true);
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)])).to.changeTokenBalance(ethers, usd, alicePayout, commission);
      expect(await escrow.budgetOf(storefront.address, await usd.getAddress())).to.equal(BUDGET - commission);
    });

    it("after a release, neither void nor release early works", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      const { releaseTime } = await record(escrow, storefront, 2n, BOB, 0n, usd);
      const at = await pinNextBlock();
      await escrow.connect(storefront).releaseEarly(1n);
      await expect(escrow.connect(storefront).voidReferral(1n))
        .to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased").withArgs(storefront.address, 1n, at);
      await expect(escrow.connect(storefront).releaseEarly(1n))
        .to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased").withArgs(storefront.address, 1n, at);
      // Released by time.
      await moveTo(releaseTime);
      await expect(escrow.connect(storefront).releaseEarly(2n))
        .to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased").withArgs(storefront.address, 2n, releaseTime);
      await expect(escrow.connect(storefront).voidReferral(2n))
        .to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased").withArgs(storefront.address, 2n, releaseTime);
      expect((await escrow.referralOf(storefront.address, 2n)).releaseTime).to.equal(releaseTime);
    });

    it("refuses unknown and voided referrals", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      await record(escrow, storefront, 1n, ALICE, 400n * USD, usd);
      await escrow.connect(storefront).voidReferral(1n);
      await expect(escrow.connect(storefront).releaseEarly(1n))
        .to.be.revertedWithCustomError(escrow, "ReferralNotPending").withArgs(storefront.address, 1n, Status.Voided);
      await expect(escrow.connect(storefront).releaseEarly(2n))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(storefront.address, 2n);
    });
  });
});
