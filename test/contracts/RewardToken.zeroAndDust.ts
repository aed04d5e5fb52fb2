import { expect } from "chai";

import {
  ONE_DAY,
  POINTS,
  type Voucher,
  compact,
  deployRewardTokenFixture,
  domainOf,
  ethers,
  inAnHour,
  networkHelpers,
  signPermit,
  voucherTypes,
} from "./fixtures.js";

const { loadFixture, time } = networkHelpers;

const WINDOW = 14n * ONE_DAY;
const REF = ethers.id("DUST");

/** The shopper holds 10 points of the storefront's order 1, issued with no policy. */
async function dustFixture() {
  const fixture = await deployRewardTokenFixture();
  const { token, storefront, shopper } = fixture;
  await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
  return fixture;
}

describe("RewardToken: zero values on every entry point", function () {
  it("refuses zero points at issuance: single, batch, range and voucher", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(dustFixture);
    const asStorefront = token.connect(storefront);
    await expect(asStorefront.issue(shopper.address, 5n, 0n)).to.be.revertedWithCustomError(token, "ZeroAmount");
    await expect(asStorefront.issueBatch([shopper.address, stranger.address], [5n, 6n], [POINTS, 0n]))
      .to.be.revertedWithCustomError(token, "ZeroAmount");
    await expect(asStorefront.issueForOrderRange(5n, [shopper.address, stranger.address], [0n, POINTS]))
      .to.be.revertedWithCustomError(token, "ZeroAmount");
    const voucher: Voucher = { shopper: shopper.address, amount: 0n, storefront: storefront.address, orderId: 5n, deadline: await inAnHour() };
    const signature = compact(await storefront.signTypedData(await domainOf(token), voucherTypes, voucher));
    await expect(token.connect(stranger).claimVoucher(voucher, ...signature)).to.be.revertedWithCustomError(token, "ZeroAmount");
    expect(await token.isOrderRewarded(storefront.address, 5n)).to.equal(false);
    expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(10n * POINTS);
  });

  it("refuses zero points under a policy: pending issuance, batches, voids and clawbacks", async function () {
    const { token, storefront, shopper } = await loadFixture(dustFixture);
    const asStorefront = token.connect(storefront);
    await asStorefront.setStorefrontPolicy(Number(WINDOW), true);
    await expect(asStorefront.issue(shopper.address, 5n, 0n)).to.be.revertedWithCustomError(token, "ZeroAmount");
    await expect(asStorefront.issueBatch([shopper.address], [5n], [0n])).to.be.revertedWithCustomError(token, "ZeroAmount");
    await expect(asStorefront.issueForOrderRange(5n, [shopper.address], [0n])).to.be.revertedWithCustomError(token, "ZeroAmount");
    await asStorefront.issue(shopper.address, 6n, POINTS);
    await expect(asStorefront.voidPending(shopper.address, 6n, 0n)).to.be.revertedWithCustomError(token, "ZeroAmount");
    await asStorefront.release(storefront.address, [shopper.address], [6n]);
    await expect(asStorefront.clawback(shopper.address, 6n, 0n)).to.be.revertedWithCustomError(token, "ZeroAmount");
    expect(await token.pendingSupply()).to.equal(0n);
  });

  it("refuses zero-point redemptions, attributed or not, and leaves permits unused", async function () {
    const { token, storefront, shopper } = await loadFixture(dustFixture);
    await expect(token.connect(shopper).redeem(0n, REF)).to.be.revertedWithCustomError(token, "ZeroAmount");
    await expect(token.connect(storefront).redeemFrom(shopper.address, 0n, REF)).to.be.revertedWithCustomError(token, "ZeroAmount");
    const deadline = await inAnHour();
    const { v, r, s } = await signPermit(token, shopper, storefront.address, 0n, deadline);
    await expect(token.connect(storefront).redeemWithPermit(shopper.address, 0n, REF, deadline, v, r, s))
      .to.be.revertedWithCustomError(token, "ZeroAmount");
    expect(await token.nonces(shopper.address)).to.equal(0n);
    expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
  });

  it("refuses empty and mismatched batches on every batch entry point", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(dustFixture);
    const asStorefront = token.connect(storefront);
    await expect(asStorefront.issueBatch([], [], [])).to.be.revertedWithCustomError(token, "EmptyBatch");
    await expect(asStorefront.issueForOrderRange(5n, [], [])).to.be.revertedWithCustomError(token, "EmptyBatch");
    await expect(token.connect(stranger).release(storefront.address, [], [])).to.be.revertedWithCustomError(token, "EmptyBatch");
    await expect(asStorefront.issueBatch([shopper.address], [5n, 6n], [POINTS]))
      .to.be.revertedWithCustomError(token, "BatchLengthMismatch").withArgs(1n, 2n);
    await expect(token.connect(stranger).release(storefront.address, [shopper.address], []))
      .to.be.revertedWithCustomError(token, "BatchLengthMismatch").withArgs(1n, 0n);
    await expect(token.connect(stranger).expire([])).to.be.revertedWithCustomError(token, "EmptyBatch");
  });

  it("treats a zero transfer as no activity and a zero supply cap as none", async function () {
    const { token, admin, storefront, shopper, stranger } = await loadFixture(dustFixture);
    await token.connect(admin).setExpiryPeriod(30n * ONE_DAY);
    await token.connect(shopper).transfer(stranger.address, POINTS);
    const deadline = await token.pointsExpireAt(shopper.address);
    await time.increase(ONE_DAY);
    await token.connect(stranger).transferFrom(shopper.address, stranger.address, 0n);
    expect(await token.pointsExpireAt(shopper.address)).to.equal(deadline);
    await token.connect(admin).setSupplyCap(11n * POINTS);
    await token.connect(admin).setSupplyCap(0n);
    await token.connect(storefront).issue(shopper.address, 7n, 1_000n * POINTS);
    expect(await token.supplyCap()).to.equal(0n);
  });
});

describe("RewardToken: dust values (one unit)", function () {
  it("issues, redeems and transfers a single unit", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(dustFixture);
    await token.connect(storefront).issue(stranger.address, 8n, 1n);
    expect(await token.balanceOf(stranger.address)).to.equal(1n);
    await token.connect(stranger).transfer(shopper.address, 1n);
    await expect(token.connect(shopper).redeem(1n, REF)).to.emit(token, "PointsRedeemed").withArgs(ethers.ZeroAddress, REF);
    expect(await token.totalSupply()).to.equal(10n * POINTS);
  });

  it("counts a pending unit toward the supply cap, and frees it when voided", async function () {
    const { token, admin, storefront, shopper } = await loadFixture(dustFixture);
    await token.connect(storefront).setStorefrontPolicy(Number(WINDOW), false);
    await token.connect(admin).setSupplyCap(10n * POINTS + 1n);
    await token.connect(storefront).issue(shopper.address, 8n, 1n);
    expect(await token.pendingSupply()).to.equal(1n);
    await expect(token.connect(storefront).issue(shopper.address, 9n, 1n))
      .to.be.revertedWithCustomError(token, "SupplyCapExceeded").withArgs(10n * POINTS + 1n, 10n * POINTS + 2n);
    await expect(token.connect(storefront).voidPending(shopper.address, 8n, 1n))
      .to.emit(token, "PendingPointsVoided").withArgs(storefront.address, shopper.address, 8n, 1n, 0n);
    expect(await token.pendingSupply()).to.equal(0n);
    expect((await token.recordedOrder(storefront.address, shopper.address, 8n)).points).to.equal(0n);
    await token.connect(storefront).issue(shopper.address, 9n, 1n);
    expect(await token.pendingSupply()).to.equal(1n);
  });

  it("voids one unit of a pending order and releases the rest", async function () {
    const { token, storefront, shopper } = await loadFixture(dustFixture);
    await token.connect(storefront).setStorefrontPolicy(Number(WINDOW), false);
    await token.connect(storefront).issue(shopper.address, 8n, 2n);
    await expect(token.connect(storefront).voidPending(shopper.address, 8n, 1n))
      .to.emit(token, "PendingPointsVoided").withArgs(storefront.address, shopper.address, 8n, 1n, 1n);
    await expect(token.connect(storefront).voidPending(shopper.address, 8n, 2n))
      .to.be.revertedWithCustomError(token, "VoidExceedsPending").withArgs(storefront.address, shopper.address, 8n, 2n, 1n);
    await token.connect(storefront).release(storefront.address, [shopper.address], [8n]);
    expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS + 1n);
    expect(await token.pendingSupply()).to.equal(0n);
  });

  it("claws back one unit, reporting a one-unit shortfall when the shopper spent it", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(dustFixture);
    await token.connect(storefront).setStorefrontPolicy(0, true);
    await token.connect(storefront).issue(stranger.address, 8n, 2n);
    await token.connect(stranger).transfer(shopper.address, 2n);
    await expect(token.connect(storefront).clawback(stranger.address, 8n, 1n))
      .to.emit(token, "PointsClawedBack").withArgs(storefront.address, stranger.address, 8n, 1n, 1n);
    expect((await token.recordedOrder(storefront.address, stranger.address, 8n)).points).to.equal(1n);
    await expect(token.connect(storefront).clawback(stranger.address, 8n, 2n))
      .to.be.revertedWithCustomError(token, "ClawbackExceedsOrder").withArgs(storefront.address, stranger.address, 8n, 2n, 1n);
  });

  it("fills a storefront's cap to the last unit and refuses one more", async function () {
    const { token, admin, storefront, shopper } = await loadFixture(dustFixture);
    await token.connect(admin).setIssuanceCap(storefront.address, 10n * POINTS + 1n, ONE_DAY);
    const { periodStart } = await token.storefrontIssuance(storefront.address);
    await token.connect(storefront).issue(shopper.address, 8n, 1n);
    await expect(token.connect(storefront).issue(shopper.address, 9n, 1n))
      .to.be.revertedWithCustomError(token, "IssuanceCapExceeded")
      .withArgs(storefront.address, 10n * POINTS + 1n, periodStart, 10n * POINTS + 1n, 1n);
  });
});
