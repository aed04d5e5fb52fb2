import { expect } from "chai";

import { ONE_DAY, POINTS, deployRewardTokenFixture, ethers, networkHelpers } from "./fixtures.js";

const { loadFixture, time } = networkHelpers;

const PERIOD = 30n * ONE_DAY;
const WINDOW = 14n * ONE_DAY;
/** `IRewardPolicies.ExpirySkip.NotExpired` and `ReleaseSkip.NotPending`. */
const NOT_EXPIRED = 1n;
const NOT_PENDING = 0n;

/** Shopper and otherShopper hold points; expiry (30 days) is switched on. */
async function expiryFixture() {
  const fixture = await deployRewardTokenFixture();
  const { token, admin, storefront, shopper, otherShopper } = fixture;
  await token.connect(storefront).issue(shopper.address, 1n, 100n * POINTS);
  await token.connect(storefront).issue(otherShopper.address, 2n, 50n * POINTS);
  await token.connect(admin).setExpiryPeriod(PERIOD);
  const deadline = await token.pointsExpireAt(shopper.address);
  return { ...fixture, deadline };
}

describe("RewardToken: only real balance changes are activity; keeper batches skip", function () {
  describe("activity", function () {
    it("a zero-value transferFrom, which needs no allowance, does not move the holder's deadline", async function () {
      const { token, shopper, stranger, deadline } = await loadFixture(expiryFixture);
      await time.increase(PERIOD / 2n);
      await token.connect(stranger).transferFrom(shopper.address, stranger.address, 0n);
      await token.connect(stranger).transfer(shopper.address, 0n);
      expect(await token.pointsExpireAt(shopper.address)).to.equal(deadline);
      await time.increaseTo(deadline);
      await expect(token.connect(stranger).expire([shopper.address]))
        .to.emit(token, "PointsExpired").withArgs(shopper.address, 100n * POINTS);
    });

    it("a transfer to oneself changes no balance and is no activity", async function () {
      const { token, shopper, deadline } = await loadFixture(expiryFixture);
      await time.increase(PERIOD / 2n);
      await token.connect(shopper).transfer(shopper.address, 10n * POINTS);
      expect(await token.pointsExpireAt(shopper.address)).to.equal(deadline);
    });

    it("a real transfer is activity for both sides", async function () {
      const { token, shopper, otherShopper } = await loadFixture(expiryFixture);
      await time.increase(PERIOD / 2n);
      await token.connect(shopper).transfer(otherShopper.address, POINTS);
      const now = BigInt(await time.latest());
      expect(await token.pointsExpireAt(shopper.address)).to.equal(now + PERIOD);
      expect(await token.pointsExpireAt(otherShopper.address)).to.equal(now + PERIOD);
    });
  });

  describe("a front-run cannot cancel a keeper's batch", function () {
    it("expire: a holder who moves points just before is skipped, the others expire", async function () {
      const { token, shopper, otherShopper, stranger, deadline } = await loadFixture(expiryFixture);
      await time.increaseTo(deadline);
      await token.connect(shopper).transfer(stranger.address, POINTS);
      const tx = token.connect(stranger).expire([shopper.address, otherShopper.address]);
      await expect(tx).to.emit(token, "ExpirySkipped").withArgs(shopper.address, NOT_EXPIRED);
      await expect(tx).to.emit(token, "PointsExpired").withArgs(otherShopper.address, 50n * POINTS);
      expect(await token.balanceOf(shopper.address)).to.equal(99n * POINTS);
      expect(await token.balanceOf(otherShopper.address)).to.equal(0n);
    });

    it("release: a shopper releasing its own order first leaves the keeper's batch to release the rest", async function () {
      const { token, storefront, shopper, otherShopper, stranger } = await loadFixture(deployRewardTokenFixture);
      await token.connect(storefront).setStorefrontPolicy(Number(WINDOW), false);
      await token.connect(storefront).issueBatch([shopper.address, otherShopper.address], [1n, 2n], [10n * POINTS, 20n * POINTS]);
      await time.increase(WINDOW);
      await token.connect(shopper).release(storefront.address, [shopper.address], [1n]);
      const tx = token.connect(stranger).release(storefront.address, [shopper.address, otherShopper.address], [1n, 2n]);
      await expect(tx).to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 1n, NOT_PENDING);
      await expect(tx).to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, otherShopper.address, 20n * POINTS);
      await expect(tx).to.emit(token, "PointsReleased").withArgs(storefront.address, 2n);
      expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
      expect(await token.totalSupply()).to.equal(30n * POINTS);
    });

    it("release: a void landing first leaves the keeper's batch to release the rest", async function () {
      const { token, storefront, shopper, otherShopper, stranger } = await loadFixture(deployRewardTokenFixture);
      await token.connect(storefront).setStorefrontPolicy(Number(WINDOW), false);
      await token.connect(storefront).issueBatch([shopper.address, otherShopper.address], [1n, 2n], [10n * POINTS, 20n * POINTS]);
      await time.increase(WINDOW);
      await token.connect(storefront).voidPending(shopper.address, 1n, 10n * POINTS);
      const tx = token.connect(stranger).release(storefront.address, [shopper.address, otherShopper.address], [1n, 2n]);
      await expect(tx).to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 1n, NOT_PENDING);
      await expect(tx).to.emit(token, "PointsReleased").withArgs(storefront.address, 2n);
      expect(await token.totalSupply()).to.equal(20n * POINTS);
    });
  });
});
