import { expect } from "chai";

import { ONE_DAY, POINTS, deployRewardTokenFixture, ethers, networkHelpers } from "./fixtures.js";

const { loadFixture, time } = networkHelpers;

const WINDOW = 14n * ONE_DAY;

/**
 * The storefront (window and clawback) has order 1 pending for the shopper and order 2 released to it; the
 * shopper also holds points of another storefront's order. Then the admin revokes the storefront's key.
 */
async function revokedFixture() {
  const fixture = await deployRewardTokenFixture();
  const { token, admin, storefront, otherStorefront, shopper } = fixture;
  await token.connect(storefront).setStorefrontPolicy(Number(WINDOW), true);
  await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
  await token.connect(storefront).issue(shopper.address, 2n, 10n * POINTS);
  await token.connect(storefront).release(storefront.address, [shopper.address], [2n]);
  await token.connect(otherStorefront).issue(shopper.address, 9n, 50n * POINTS);
  await token.connect(admin).revokeRole(await token.ISSUER_ROLE(), storefront.address);
  return fixture;
}

describe("RewardToken: a revoked issuer keeps no power over its orders", function () {
  it("refuses voidPending from a revoked storefront, and the pending points stay", async function () {
    const { token, storefront, shopper } = await loadFixture(revokedFixture);
    await expect(token.connect(storefront).voidPending(shopper.address, 1n, 10n * POINTS))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
      .withArgs(storefront.address, await token.ISSUER_ROLE());
    expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(10n * POINTS);
  });

  it("refuses clawback from a revoked storefront: points earned elsewhere stay untouched", async function () {
    const { token, storefront, shopper } = await loadFixture(revokedFixture);
    await expect(token.connect(storefront).clawback(shopper.address, 2n, 10n * POINTS))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
      .withArgs(storefront.address, await token.ISSUER_ROLE());
    expect(await token.balanceOf(shopper.address)).to.equal(60n * POINTS);
  });

  it("refuses early release from a revoked storefront as from anyone: the order is skipped, still pending", async function () {
    const { token, storefront, shopper } = await loadFixture(revokedFixture);
    const tx = token.connect(storefront).release(storefront.address, [shopper.address], [1n]);
    await expect(tx).to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 1n, 1n);
    await expect(tx).not.to.emit(token, "PointsReleased");
    expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(10n * POINTS);
  });

  it("keeps release after the window working for anyone, the revoked storefront included", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(revokedFixture);
    await time.increase(WINDOW);
    await expect(token.connect(stranger).release(storefront.address, [shopper.address], [1n]))
      .to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, shopper.address, 10n * POINTS)
      .and.to.emit(token, "PointsReleased").withArgs(storefront.address, 1n);
    expect(await token.balanceOf(shopper.address)).to.equal(70n * POINTS);
  });

  it("gives the powers back with the role: a re-granted storefront voids, claws back and releases early", async function () {
    const { token, admin, storefront, shopper } = await loadFixture(revokedFixture);
    await token.connect(admin).grantRole(await token.ISSUER_ROLE(), storefront.address);
    await expect(token.connect(storefront).voidPending(shopper.address, 1n, POINTS))
      .to.emit(token, "PendingPointsVoided").withArgs(storefront.address, shopper.address, 1n, POINTS, 9n * POINTS);
    await expect(token.connect(storefront).release(storefront.address, [shopper.address], [1n]))
      .to.emit(token, "PointsReleased").withArgs(storefront.address, 1n);
    await expect(token.connect(storefront).clawback(shopper.address, 2n, 10n * POINTS))
      .to.emit(token, "PointsClawedBack").withArgs(storefront.address, shopper.address, 2n, 10n * POINTS, 0n);
  });
});

describe("RewardToken: roles revoked mid-flow", function () {
  it("a pauser revoked while paused cannot resume; the token stays paused until another pauser does", async function () {
    const { token, admin, shopper, stranger } = await loadFixture(revokedFixture);
    const pauserRole = await token.PAUSER_ROLE();
    await token.connect(admin).grantRole(pauserRole, stranger.address);
    await token.connect(stranger).pause();
    await token.connect(admin).revokeRole(pauserRole, stranger.address);
    await expect(token.connect(stranger).unpause())
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(stranger.address, pauserRole);
    expect(await token.paused()).to.equal(true);
    await expect(token.connect(shopper).redeem(POINTS, ethers.ZeroHash)).to.be.revertedWithCustomError(token, "EnforcedPause");
    await expect(token.connect(admin).unpause()).to.emit(token, "Unpaused").withArgs(admin.address);
    await token.connect(shopper).redeem(POINTS, ethers.ZeroHash);
  });

  it("an issuer revoked during a pause loses the void it kept under the pause", async function () {
    const { token, admin, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
    await token.connect(storefront).setStorefrontPolicy(Number(WINDOW), false);
    await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
    await token.connect(admin).pause();
    await expect(token.connect(storefront).voidPending(shopper.address, 1n, POINTS))
      .to.emit(token, "PendingPointsVoided").withArgs(storefront.address, shopper.address, 1n, POINTS, 9n * POINTS);
    await token.connect(admin).revokeRole(await token.ISSUER_ROLE(), storefront.address);
    await expect(token.connect(storefront).voidPending(shopper.address, 1n, POINTS))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount");
    expect(await token.pendingSupply()).to.equal(9n * POINTS);
  });

  it("an issuer revoked between pending issue and release: its orders still release by anyone, and the count falls", async function () {
    const { token, storefront, otherStorefront, shopper, otherShopper, stranger } = await loadFixture(revokedFixture);
    await token.connect(otherStorefront).setStorefrontPolicy(Number(WINDOW), false);
    await token.connect(otherStorefront).issue(otherShopper.address, 3n, 5n * POINTS);
    expect(await token.pendingSupply()).to.equal(15n * POINTS);
    await time.increase(WINDOW);
    await token.connect(stranger).release(storefront.address, [shopper.address], [1n]);
    await token.connect(stranger).release(otherStorefront.address, [otherShopper.address], [3n]);
    expect(await token.pendingSupply()).to.equal(0n);
    expect(await token.balanceOf(shopper.address)).to.equal(70n * POINTS);
    expect(await token.balanceOf(otherShopper.address)).to.equal(5n * POINTS);
  });

  it("keeps a revoked storefront's period count, so a re-grant opens no fresh cap", async function () {
    const { token, admin, storefront, shopper } = await loadFixture(revokedFixture);
    const before = await token.storefrontIssuance(storefront.address);
    expect(before.isIssuer).to.equal(false);
    expect(before.issuedInPeriod).to.equal(20n * POINTS);
    await token.connect(admin).grantRole(await token.ISSUER_ROLE(), storefront.address);
    await token.connect(admin).setIssuanceCap(storefront.address, 25n * POINTS, ONE_DAY);
    await expect(token.connect(storefront).issue(shopper.address, 3n, 6n * POINTS))
      .to.be.revertedWithCustomError(token, "IssuanceCapExceeded");
  });
});

