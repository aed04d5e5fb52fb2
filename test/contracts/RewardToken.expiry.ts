import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";

import { ONE_DAY, POINTS, deployRewardTokenFixture, ethers, networkHelpers } from "./fixtures.js";

const { loadFixture, time } = networkHelpers;

const PERIOD = 30n * ONE_DAY;
/** `IRewardPolicies.ExpirySkip` reasons. */
const NO_POINTS = 0n;
const NOT_EXPIRED = 1n;

/** The timestamp of the block that mined the transaction. */
async function minedAt(tx: Promise<ContractTransactionResponse> | ContractTransactionResponse): Promise<bigint> {
  const receipt = (await (await tx).wait())!;
  const block = await ethers.provider.getBlock(receipt.blockNumber);
  return BigInt(block!.timestamp);
}

/** Expiry switched on (30 days) after the shopper received 100 points; otherShopper holds nothing. */
async function expiryFixture() {
  const fixture = await deployRewardTokenFixture();
  const { token, admin, storefront, shopper } = fixture;
  await token.connect(storefront).issue(shopper.address, 1n, 100n * POINTS);
  await time.increase(ONE_DAY);
  const switchedOnAt = await minedAt(token.connect(admin).setExpiryPeriod(PERIOD));
  return { ...fixture, switchedOnAt };
}

describe("RewardToken: expiry of inactive holders' points", function () {
  describe("setting the expiry period", function () {
    it("lets only the admin set it", async function () {
      const { token, storefront, stranger } = await loadFixture(deployRewardTokenFixture);
      const adminRole = await token.DEFAULT_ADMIN_ROLE();
      await expect(token.connect(stranger).setExpiryPeriod(PERIOD))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(stranger.address, adminRole);
      await expect(token.connect(storefront).setExpiryPeriod(PERIOD))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(storefront.address, adminRole);
      expect(await token.expiryPeriod()).to.equal(0n);
    });

    it("validates the period: at least a day, at most 2**32 - 1 seconds, 0 turns it off", async function () {
      const { token, admin } = await loadFixture(deployRewardTokenFixture);
      expect(await token.MIN_EXPIRY_PERIOD()).to.equal(ONE_DAY);
      await expect(token.connect(admin).setExpiryPeriod(ONE_DAY - 1n))
        .to.be.revertedWithCustomError(token, "InvalidExpiryPeriod").withArgs(ONE_DAY - 1n);
      await expect(token.connect(admin).setExpiryPeriod(1n))
        .to.be.revertedWithCustomError(token, "InvalidExpiryPeriod").withArgs(1n);
      await expect(token.connect(admin).setExpiryPeriod(2n ** 32n))
        .to.be.revertedWithCustomError(token, "InvalidExpiryPeriod").withArgs(2n ** 32n);
      expect(await token.expiryPeriod()).to.equal(0n);
      await expect(token.connect(admin).setExpiryPeriod(ONE_DAY)).to.emit(token, "ExpiryPeriodSet").withArgs(ONE_DAY);
      expect(await token.expiryPeriod()).to.equal(ONE_DAY);
      await expect(token.connect(admin).setExpiryPeriod(2n ** 32n - 1n)).to.emit(token, "ExpiryPeriodSet").withArgs(2n ** 32n - 1n);
      expect(await token.expiryPeriod()).to.equal(2n ** 32n - 1n);
      await expect(token.connect(admin).setExpiryPeriod(0n)).to.emit(token, "ExpiryPeriodSet").withArgs(0n);
      expect(await token.expiryPeriod()).to.equal(0n);
    });
  });

  describe("pointsExpireAt", function () {
    it("is 0 while expiry is off, even for holders", async function () {
      const { token, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
      await token.connect(storefront).issue(shopper.address, 1n, POINTS);
      expect(await token.pointsExpireAt(shopper.address)).to.equal(0n);
    });

    it("is 0 for a holder without points", async function () {
      const { token, otherShopper, stranger } = await loadFixture(expiryFixture);
      expect(await token.pointsExpireAt(otherShopper.address)).to.equal(0n);
      expect(await token.pointsExpireAt(stranger.address)).to.equal(0n);
    });

    it("gives holders from before the switch-on a full period from the switch-on", async function () {
      const { token, shopper, switchedOnAt } = await loadFixture(expiryFixture);
      expect(await token.pointsExpireAt(shopper.address)).to.equal(switchedOnAt + PERIOD);
    });

    it("follows a change of the period while expiry stays on, from the same start", async function () {
      const { token, admin, shopper, switchedOnAt } = await loadFixture(expiryFixture);
      await time.increase(ONE_DAY);
      await token.connect(admin).setExpiryPeriod(2n * PERIOD);
      expect(await token.pointsExpireAt(shopper.address)).to.equal(switchedOnAt + 2n * PERIOD);
    });

    it("restarts every clock when expiry is switched off and on again", async function () {
      const { token, admin, shopper } = await loadFixture(expiryFixture);
      await token.connect(admin).setExpiryPeriod(0n);
      expect(await token.pointsExpireAt(shopper.address)).to.equal(0n);
      await time.increase(PERIOD * 2n);
      const again = await minedAt(token.connect(admin).setExpiryPeriod(PERIOD));
      expect(await token.pointsExpireAt(shopper.address)).to.equal(again + PERIOD);
      await time.setNextBlockTimestamp(again + PERIOD - 1n);
      await expect(token.expire([shopper.address]))
        .to.emit(token, "ExpirySkipped").withArgs(shopper.address, NOT_EXPIRED);
      await time.setNextBlockTimestamp(again + PERIOD);
      await expect(token.expire([shopper.address])).to.emit(token, "PointsExpired").withArgs(shopper.address, 100n * POINTS);
    });
  });

  describe("activity resets the clock", function () {
    it("earning points", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(expiryFixture);
      await time.increase(10n * ONE_DAY);
      const at = await minedAt(token.connect(storefront).issue(shopper.address, 2n, POINTS));
      expect(await token.pointsExpireAt(shopper.address)).to.equal(at + PERIOD);
      const first = await minedAt(token.connect(storefront).issue(otherShopper.address, 3n, POINTS));
      expect(await token.pointsExpireAt(otherShopper.address)).to.equal(first + PERIOD);
    });

    it("earning points in a batch or an order range", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(expiryFixture);
      await time.increase(10n * ONE_DAY);
      const batchAt = await minedAt(token.connect(storefront).issueBatch([shopper.address, otherShopper.address], [2n, 3n], [POINTS, POINTS]));
      expect(await token.pointsExpireAt(shopper.address)).to.equal(batchAt + PERIOD);
      expect(await token.pointsExpireAt(otherShopper.address)).to.equal(batchAt + PERIOD);
      await time.increase(10n * ONE_DAY);
      const rangeAt = await minedAt(token.connect(storefront).issueForOrderRange(10n, [otherShopper.address], [POINTS]));
      expect(await token.pointsExpireAt(otherShopper.address)).to.equal(rangeAt + PERIOD);
      expect(await token.pointsExpireAt(shopper.address)).to.equal(batchAt + PERIOD);
    });

    it("redeeming points", async function () {
      const { token, storefront, shopper } = await loadFixture(expiryFixture);
      await time.increase(10n * ONE_DAY);
      const at = await minedAt(token.connect(shopper).redeem(POINTS, ethers.ZeroHash));
      expect(await token.pointsExpireAt(shopper.address)).to.equal(at + PERIOD);
    });

    it("sending and receiving a transfer", async function () {
      const { token, shopper, otherShopper, stranger, switchedOnAt } = await loadFixture(expiryFixture);
      await time.increase(10n * ONE_DAY);
      const at = await minedAt(token.connect(shopper).transfer(otherShopper.address, POINTS));
      expect(await token.pointsExpireAt(shopper.address)).to.equal(at + PERIOD);
      expect(await token.pointsExpireAt(otherShopper.address)).to.equal(at + PERIOD);
      expect(at + PERIOD).to.be.greaterThan(switchedOnAt + PERIOD);
      // transferFrom: the owner's clock and the recipient's, not the spender's.
      await token.connect(shopper).approve(stranger.address, POINTS);
      await time.increase(ONE_DAY);
      const fromAt = await minedAt(token.connect(stranger).transferFrom(shopper.address, otherShopper.address, POINTS));
      expect(await token.pointsExpireAt(shopper.address)).to.equal(fromAt + PERIOD);
      expect(await token.pointsExpireAt(otherShopper.address)).to.equal(fromAt + PERIOD);
      expect(await token.pointsExpireAt(stranger.address)).to.equal(0n);
    });

    it("releasing pending points (pending issuance alone does not start the clock)", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(expiryFixture);
      await token.connect(storefront).setStorefrontPolicy(Number(7n * ONE_DAY), false);
      await token.connect(storefront).issueBatch([shopper.address, otherShopper.address], [2n, 3n], [POINTS, POINTS]);
      expect(await token.pointsExpireAt(otherShopper.address)).to.equal(0n);
      await time.increase(10n * ONE_DAY);
      const at = await minedAt(token.release(storefront.address, [shopper.address, otherShopper.address], [2n, 3n]));
      expect(await token.pointsExpireAt(shopper.address)).to.equal(at + PERIOD);
      expect(await token.pointsExpireAt(otherShopper.address)).to.equal(at + PERIOD);
    });

    it("an active holder's points do not expire at the old deadline", async function () {
      const { token, storefront, shopper, stranger, switchedOnAt } = await loadFixture(expiryFixture);
      await time.increase(PERIOD / 2n);
      const at = await minedAt(token.connect(shopper).redeem(POINTS, ethers.ZeroHash));
      await time.increaseTo(switchedOnAt + PERIOD);
      await expect(token.connect(stranger).expire([shopper.address]))
        .to.emit(token, "ExpirySkipped").withArgs(shopper.address, NOT_EXPIRED);
      expect(await token.balanceOf(shopper.address)).to.equal(99n * POINTS);
    });
  });

  describe("expire", function () {
    it("refuses while expiry is off, and balances never expire then", async function () {
      const { token, storefront, shopper, stranger } = await loadFixture(deployRewardTokenFixture);
      await token.connect(storefront).issue(shopper.address, 1n, 100n * POINTS);
      await time.increase(10n * 365n * ONE_DAY);
      await expect(token.connect(stranger).expire([shopper.address])).to.be.revertedWithCustomError(token, "ExpiryOff");
      expect(await token.balanceOf(shopper.address)).to.equal(100n * POINTS);
      expect(await token.pointsExpireAt(shopper.address)).to.equal(0n);
    });

    it("refuses after expiry was switched off again", async function () {
      const { token, admin, shopper, switchedOnAt } = await loadFixture(expiryFixture);
      await token.connect(admin).setExpiryPeriod(0n);
      await time.increaseTo(switchedOnAt + 10n * PERIOD);
      await expect(token.expire([shopper.address])).to.be.revertedWithCustomError(token, "ExpiryOff");
      expect(await token.balanceOf(shopper.address)).to.equal(100n * POINTS);
    });

    it("skips a holder one second before the deadline, naming the reason", async function () {
      const { token, shopper, stranger, switchedOnAt } = await loadFixture(expiryFixture);
      await time.setNextBlockTimestamp(switchedOnAt + PERIOD - 1n);
      await expect(token.connect(stranger).expire([shopper.address]))
        .to.emit(token, "ExpirySkipped").withArgs(shopper.address, NOT_EXPIRED);
      expect(await token.balanceOf(shopper.address)).to.equal(100n * POINTS);
    });

    it("skips holders without points, expiring the rest; refuses an empty list", async function () {
      const { token, shopper, otherShopper, switchedOnAt } = await loadFixture(expiryFixture);
      await time.increaseTo(switchedOnAt + PERIOD);
      await expect(token.expire([otherShopper.address]))
        .to.emit(token, "ExpirySkipped").withArgs(otherShopper.address, NO_POINTS);
      // One holder without points does not stop the others.
      const tx = token.expire([otherShopper.address, shopper.address]);
      await expect(tx).to.emit(token, "ExpirySkipped").withArgs(otherShopper.address, NO_POINTS);
      await expect(tx).to.emit(token, "PointsExpired").withArgs(shopper.address, 100n * POINTS);
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      await expect(token.expire([])).to.be.revertedWithCustomError(token, "EmptyBatch");
    });

    it("at the deadline, anyone burns the whole balance: Transfer then PointsExpired", async function () {
      const { token, storefront, shopper, otherShopper, stranger, switchedOnAt } = await loadFixture(expiryFixture);
      await token.connect(storefront).issue(otherShopper.address, 2n, 5n * POINTS);
      expect(await token.totalSupply()).to.equal(105n * POINTS);
      await time.setNextBlockTimestamp(switchedOnAt + PERIOD);
      const tx = token.connect(stranger).expire([shopper.address]);
      await expect(tx)
        .to.emit(token, "Transfer").withArgs(shopper.address, ethers.ZeroAddress, 100n * POINTS)
        .and.to.emit(token, "PointsExpired").withArgs(shopper.address, 100n * POINTS);
      const receipt = (await (await tx).wait())!;
      expect(receipt.logs.map((log) => token.interface.parseLog(log)!.name)).to.deep.equal(["Transfer", "PointsExpired"]);
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      expect(await token.balanceOf(otherShopper.address)).to.equal(5n * POINTS);
      expect(await token.totalSupply()).to.equal(5n * POINTS);
      expect(await token.pointsExpireAt(shopper.address)).to.equal(0n);
      await expect(token.expire([shopper.address]))
        .to.emit(token, "ExpirySkipped").withArgs(shopper.address, NO_POINTS);
    });

    it("expires several holders in one call", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(expiryFixture);
      const at = await minedAt(token.connect(storefront).issue(otherShopper.address, 2n, 5n * POINTS));
      await time.increaseTo(at + PERIOD);
      const tx = token.connect(otherShopper).expire([shopper.address, otherShopper.address]);
      await expect(tx).to.emit(token, "PointsExpired").withArgs(shopper.address, 100n * POINTS);
      await expect(tx).to.emit(token, "PointsExpired").withArgs(otherShopper.address, 5n * POINTS);
      expect(await token.totalSupply()).to.equal(0n);
    });

    it("refuses while paused", async function () {
      const { token, admin, shopper, switchedOnAt } = await loadFixture(expiryFixture);
      await time.increaseTo(switchedOnAt + PERIOD);
      await token.connect(admin).pause();
      await expect(token.expire([shopper.address])).to.be.revertedWithCustomError(token, "EnforcedPause");
      expect(await token.balanceOf(shopper.address)).to.equal(100n * POINTS);
      await token.connect(admin).unpause();
      await expect(token.expire([shopper.address])).to.emit(token, "PointsExpired").withArgs(shopper.address, 100n * POINTS);
    });

    it("leaves a holder who earns again after expiry with a fresh period", async function () {
      const { token, storefront, shopper, switchedOnAt } = await loadFixture(expiryFixture);
      await time.increaseTo(switchedOnAt + PERIOD);
      await token.expire([shopper.address]);
      const at = await minedAt(token.connect(storefront).issue(shopper.address, 2n, POINTS));
      expect(await token.pointsExpireAt(shopper.address)).to.equal(at + PERIOD);
      await expect(token.expire([shopper.address]))
        .to.emit(token, "ExpirySkipped").withArgs(shopper.address, NOT_EXPIRED);
    });
  });
});
