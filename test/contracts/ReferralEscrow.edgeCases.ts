import { expect } from "chai";

import {
  ALICE,
  BOB,
  BOB_FIXED,
  BUDGET,
  BUYER,
  HOLD,
  Status,
  USD,
  deployProgramFixture,
  ethers,
  key,
  moveTo,
  networkHelpers,
  passHold,
  record,
} from "./referralFixtures.js";

const { loadFixture, time } = networkHelpers;

/** Sends `send()`'s transactions into one block, in the order the node picks (by fee), and returns their receipts' statuses. */
async function inOneBlock(send: () => Promise<string[]>): Promise<number[]> {
  await networkHelpers.mine(); // settle automining first
  await ethers.provider.send("evm_setAutomine", [false]);
  let hashes: string[];
  try {
    hashes = await send();
    await networkHelpers.mine();
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
  const receipts = await Promise.all(hashes.map((hash) => ethers.provider.getTransactionReceipt(hash)));
  return receipts.map((receipt) => receipt!.status!);
}

describe("ReferralEscrow: zero and dust values, ordering, pause across hold periods", function () {
  describe("zero and dust values on every entry point", function () {
    it("refuses zero amounts where nothing would happen: funding, withdrawing, refunding", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await expect(escrow.connect(storefront).fundBudget(token, 0n)).to.be.revertedWithCustomError(escrow, "ZeroAmount");
      await expect(escrow.connect(storefront).withdrawBudget(token, 0n, storefront.address)).to.be.revertedWithCustomError(escrow, "ZeroAmount");
      await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await expect(escrow.connect(storefront).refundReferral(1n, 0n)).to.be.revertedWithCustomError(escrow, "ZeroAmount");
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 10n * USD);
    });

    it("records a zero or dust sale at a rate as a zero commission, which claims pay as nothing", async function () {
      const { escrow, usd, storefront, alice, aliceId, alicePayout } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      // 10% of 9 units rounds down to 0; 10% of 10 units is 1.
      expect((await record(escrow, storefront, 1n, ALICE, 0n, usd)).commission).to.equal(0n);
      expect((await record(escrow, storefront, 2n, ALICE, 9n, usd)).commission).to.equal(0n);
      expect((await record(escrow, storefront, 3n, ALICE, 10n, usd)).commission).to.equal(1n);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 1n);
      expect(await escrow.owedIn(token)).to.equal(2n * BUDGET);
      // A zero-commission referral is still a recorded order.
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "OrderAlreadyRecorded").withArgs(storefront.address, 1n);
      await passHold(escrow, storefront, 3n);
      const tx = escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n, 2n, 3n]);
      await expect(tx).to.emit(escrow, "CommissionsClaimedFrom").withArgs(aliceId, token, storefront.address, 1n, [1n, 2n, 3n]);
      await expect(tx).to.changeTokenBalances(ethers, usd, [alicePayout, escrow], [1n, -1n]);
      for (const orderId of [1n, 2n, 3n]) expect((await escrow.referralOf(storefront.address, orderId)).status).to.equal(Status.Claimed);
      expect(await escrow.owedIn(token)).to.equal(2n * BUDGET - 1n);
    });

    it("voids and refunds dust commissions exactly: the refunded parts add up to the commission", async function () {
      const { escrow, usd, storefront, alice, aliceId, alicePayout } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      // A commission of 3 units: refunds of 1 bps, then 3,332 bps, then the rest.
      await record(escrow, storefront, 1n, ALICE, 30n, usd);
      await expect(escrow.connect(storefront).refundReferral(1n, 1n)).to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 1n, 1n, 0n, 3n);
      await expect(escrow.connect(storefront).refundReferral(1n, 3_333n)).to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 1n, 3_334n, 1n, 2n);
      await expect(escrow.connect(storefront).refundReferral(1n, 6_666n)).to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 1n, 10_000n, 2n, 0n);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET);
      // A zero commission voids as zero.
      await record(escrow, storefront, 2n, ALICE, 1n, usd);
      await expect(escrow.connect(storefront).voidReferral(2n)).to.emit(escrow, "ReferralVoided").withArgs(storefront.address, 2n, 0n);
      await moveTo(BigInt(await time.latest()) + HOLD);
      await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n, 2n])).to.changeTokenBalance(ethers, usd, alicePayout, 0n);
      expect(await escrow.owedIn(token)).to.equal(2n * BUDGET);
    });

    it("refuses a fixed commission above the budget by one unit, and records it at exactly the budget", async function () {
      const { escrow, usd, storefront, otherStorefront } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await escrow.connect(otherStorefront).enrolPartner(BOB, 0n, BUDGET + 1n);
      await expect(escrow.connect(otherStorefront).recordReferral(1n, BOB, 0n, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "InsufficientBudget").withArgs(otherStorefront.address, token, BUDGET, BUDGET + 1n);
      await escrow.connect(otherStorefront).enrolPartner(BOB, 0n, BUDGET);
      await expect(escrow.connect(otherStorefront).recordReferral(1n, BOB, 0n, token, BUYER)).to.emit(escrow, "ReferralRecorded");
      expect(await escrow.budgetOf(otherStorefront.address, token)).to.equal(0n);
      // The other storefront's budget is untouched.
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET);
    });
  });

  describe("transaction ordering", function () {
    it("a duplicate claim of the owner's landing first leaves the later batch paying the rest, never twice", async function () {
      const { escrow, usd, storefront, alice, aliceId, alicePayout } = await loadFixture(deployProgramFixture);
      await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await record(escrow, storefront, 2n, ALICE, 200n * USD, usd);
      await passHold(escrow, storefront, 2n);
      const statuses = await inOneBlock(async () => [
        (await escrow.connect(alice).claim(aliceId, [key(storefront, 1n)], { gasLimit: 500_000n })).hash,
        (await escrow.connect(alice).claim(aliceId, [key(storefront, 1n), key(storefront, 2n)], { gasLimit: 500_000n })).hash,
      ]);
      // Both landed: the second skipped order 1 and paid order 2.
      expect(statuses).to.deep.equal([1, 1]);
      expect(await usd.balanceOf(alicePayout.address)).to.equal(30n * USD);
      expect(await escrow.owedIn(await usd.getAddress())).to.equal(await usd.balanceOf(await escrow.getAddress()));
    });

    it("a void mined just before the partner's claim batch is skipped, and the rest of the batch is paid", async function () {
      const { escrow, usd, storefront, alice, aliceId, alicePayout } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      const { releaseTime } = await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await time.increase(10n);
      await record(escrow, storefront, 2n, ALICE, 200n * USD, usd);
      // The partner claims the moment order 1 is due; the storefront's void of order 2 (recorded 10 s later, so
      // not yet released) pays more and is mined first.
      await time.setNextBlockTimestamp(releaseTime);
      const statuses = await inOneBlock(async () => [
        (await escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n, 2n], { gasLimit: 500_000n, gasPrice: 2_000_000_000n })).hash,
        (await escrow.connect(storefront).voidReferral(2n, { gasLimit: 500_000n, gasPrice: 20_000_000_000n })).hash,
      ]);
      expect(statuses).to.deep.equal([1, 1]);
      expect(await usd.balanceOf(alicePayout.address)).to.equal(10n * USD);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Claimed);
      expect((await escrow.referralOf(storefront.address, 2n)).status).to.equal(Status.Voided);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 10n * USD);
      expect(await escrow.owedIn(token)).to.equal(await usd.balanceOf(await escrow.getAddress()));
    });

    it("the owner's change of payout address and its own claim in one block: the order mined decides the address", async function () {
      const { escrow, usd, storefront, alice, aliceId, alicePayout, shopper } = await loadFixture(deployProgramFixture);
      await record(escrow, storefront, 1n, ALICE, 100n * USD, usd);
      await record(escrow, storefront, 2n, ALICE, 200n * USD, usd);
      await passHold(escrow, storefront, 2n);
      // Same sender: nonce order. The change first, then the claim: the claim pays the new address.
      const statuses = await inOneBlock(async () => [
        (await escrow.connect(alice).setPayoutAddress(aliceId, shopper.address, { gasLimit: 500_000n })).hash,
        (await escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n], { gasLimit: 500_000n })).hash,
      ]);
      expect(statuses).to.deep.equal([1, 1]);
      expect(await usd.balanceOf(shopper.address)).to.equal(10n * USD);
      expect(await usd.balanceOf(alicePayout.address)).to.equal(0n);
      // The old address's key cannot claim what remains, before or after.
      await expect(escrow.connect(alicePayout).claimFrom(aliceId, storefront.address, [2n]))
        .to.be.revertedWithCustomError(escrow, "NotPartnerOwner").withArgs(aliceId, alicePayout.address);
    });
  });

  describe("a pause across running hold periods", function () {
    it("holds every claim while paused, skips nothing, and pays all that was released once unpaused", async function () {
      const { escrow, usd, admin, storefront, otherStorefront, alice, bob, aliceId, bobId, alicePayout, bobPayout } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await record(escrow, storefront, 1n, ALICE, 100n * USD, usd); // releases after 14 days
      await record(escrow, otherStorefront, 1n, ALICE, 100n * USD, usd); // after 3 days
      const { releaseTime } = await record(escrow, storefront, 2n, BOB, 0n, usd);
      await escrow.connect(admin).pause();
      // Every hold period ends during the pause.
      await moveTo(releaseTime + 1n);
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n), key(otherStorefront, 1n)])).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await expect(escrow.connect(bob).claimFrom(bobId, storefront.address, [2n])).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      // Released during the pause: the storefront can no longer void them.
      await expect(escrow.connect(storefront).voidReferral(2n)).to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased");
      expect(await escrow.isClaimable(storefront.address, 1n)).to.equal(true);
      await escrow.connect(admin).unpause();
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n), key(otherStorefront, 1n)]))
        .to.emit(escrow, "CommissionsClaimed").withArgs(aliceId, token, 15n * USD, [[storefront.address, 1n], [otherStorefront.address, 1n]]);
      await expect(escrow.connect(bob).claimFrom(bobId, storefront.address, [2n])).to.changeTokenBalance(ethers, usd, bobPayout, BOB_FIXED);
      expect(await usd.balanceOf(alicePayout.address)).to.equal(15n * USD);
      expect(await escrow.owedIn(token)).to.equal(await usd.balanceOf(await escrow.getAddress()));
    });
  });
});
