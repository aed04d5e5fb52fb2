import { expect } from "chai";

import {
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

const DISCOUNT = ethers.id("HELD-SIGNATURE");

/** A voucher for order 21 and a permit for 40 points to the storefront, both signed and not yet submitted. */
async function heldSignaturesFixture() {
  const fixture = await deployRewardTokenFixture();
  const { token, storefront, shopper } = fixture;
  const deadline = await inAnHour();
  const voucher: Voucher = { shopper: shopper.address, amount: 25n * POINTS, storefront: storefront.address, orderId: 21n, deadline };
  const voucherSignature = compact(await storefront.signTypedData(await domainOf(token), voucherTypes, voucher));
  await token.connect(storefront).issue(shopper.address, 1n, 100n * POINTS);
  const permit = await signPermit(token, shopper, storefront.address, 40n * POINTS, deadline);
  return { ...fixture, deadline, voucher, voucherSignature, permit };
}

describe("RewardToken: vouchers signed but not yet submitted", function () {
  it("refuses a held voucher once its storefront is revoked, and honours it again only with the role", async function () {
    const { token, admin, storefront, shopper, stranger, voucher, voucherSignature } = await loadFixture(heldSignaturesFixture);
    const issuerRole = await token.ISSUER_ROLE();
    await token.connect(admin).revokeRole(issuerRole, storefront.address);
    await expect(token.connect(stranger).claimVoucher(voucher, ...voucherSignature))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
      .withArgs(storefront.address, issuerRole);
    expect(await token.isOrderRewarded(storefront.address, 21n)).to.equal(false);
    // The signer's authority is read when the voucher is used: the admin's re-grant restores it.
    await token.connect(admin).grantRole(issuerRole, storefront.address);
    await expect(token.connect(stranger).claimVoucher(voucher, ...voucherSignature))
      .to.emit(token, "PointsIssued").withArgs(storefront.address, 21n);
    expect(await token.balanceOf(shopper.address)).to.equal(125n * POINTS);
  });

  it("never mints a voucher twice, across a revocation and a re-grant", async function () {
    const { token, admin, storefront, stranger, voucher, voucherSignature } = await loadFixture(heldSignaturesFixture);
    await token.connect(stranger).claimVoucher(voucher, ...voucherSignature);
    const issuerRole = await token.ISSUER_ROLE();
    await token.connect(admin).revokeRole(issuerRole, storefront.address);
    await token.connect(admin).grantRole(issuerRole, storefront.address);
    await expect(token.connect(stranger).claimVoucher(voucher, ...voucherSignature))
      .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 21n);
  });

  it("reports the expiry of a held voucher before the revocation of its signer", async function () {
    const { token, admin, storefront, stranger, voucher, voucherSignature, deadline } = await loadFixture(heldSignaturesFixture);
    await token.connect(admin).revokeRole(await token.ISSUER_ROLE(), storefront.address);
    await time.setNextBlockTimestamp(deadline + 1n);
    await expect(token.connect(stranger).claimVoucher(voucher, ...voucherSignature))
      .to.be.revertedWithCustomError(token, "SignatureExpired").withArgs(deadline, deadline + 1n);
  });

  it("refuses a voucher naming a revoked storefront but signed by another, live issuer", async function () {
    const { token, admin, storefront, otherStorefront, stranger, voucher } = await loadFixture(heldSignaturesFixture);
    await token.connect(admin).revokeRole(await token.ISSUER_ROLE(), storefront.address);
    const forged = compact(await otherStorefront.signTypedData(await domainOf(token), voucherTypes, voucher));
    await expect(token.connect(stranger).claimVoucher(voucher, ...forged))
      .to.be.revertedWithCustomError(token, "VoucherSignerMismatch").withArgs(otherStorefront.address, storefront.address);
  });

  it("issues a held voucher under the storefront's policy at submission: pending if a window began since", async function () {
    const { token, storefront, shopper, stranger, voucher, voucherSignature } = await loadFixture(heldSignaturesFixture);
    await token.connect(storefront).setStorefrontPolicy(7 * 86_400, false);
    await expect(token.connect(stranger).claimVoucher(voucher, ...voucherSignature)).to.emit(token, "PointsPending");
    expect(await token.balanceOf(shopper.address)).to.equal(100n * POINTS);
    expect(await token.pendingSupply()).to.equal(25n * POINTS);
  });
});

describe("RewardToken: permits signed but not yet submitted", function () {
  it("kills a held permit when the shopper uses its nonce first (how a shopper cancels one)", async function () {
    const { token, storefront, shopper, stranger, deadline, permit } = await loadFixture(heldSignaturesFixture);
    const cancel = await signPermit(token, shopper, stranger.address, 0n, deadline);
    await token.connect(shopper).permit(shopper.address, stranger.address, 0n, deadline, cancel.v, cancel.r, cancel.s);
    expect(await token.nonces(shopper.address)).to.equal(1n);
    await expect(
      token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, permit.v, permit.r, permit.s),
    ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    expect(await token.balanceOf(shopper.address)).to.equal(100n * POINTS);
  });

  it("refuses a permit replayed after its redemption spent the allowance", async function () {
    const { token, storefront, shopper, deadline, permit } = await loadFixture(heldSignaturesFixture);
    const redeem = () =>
      token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, permit.v, permit.r, permit.s);
    await redeem();
    expect(await token.allowance(shopper.address, storefront.address)).to.equal(0n);
    await expect(redeem()).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    expect(await token.balanceOf(shopper.address)).to.equal(60n * POINTS);
  });

  it("refuses a held permit after its deadline when it is still needed", async function () {
    const { token, storefront, shopper, deadline, permit } = await loadFixture(heldSignaturesFixture);
    await time.setNextBlockTimestamp(deadline + 1n);
    await expect(
      token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, permit.v, permit.r, permit.s),
    ).to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature").withArgs(deadline);
  });

  it("keeps a held permit usable across a pause: the paused attempt consumes no nonce", async function () {
    const { token, admin, storefront, shopper, deadline, permit } = await loadFixture(heldSignaturesFixture);
    await token.connect(admin).pause();
    const redeem = () =>
      token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, permit.v, permit.r, permit.s);
    await expect(redeem()).to.be.revertedWithCustomError(token, "EnforcedPause");
    expect(await token.nonces(shopper.address)).to.equal(0n);
    await token.connect(admin).unpause();
    await expect(redeem()).to.emit(token, "PointsRedeemed").withArgs(storefront.address, DISCOUNT);
  });

  it("does not depend on the spender's issuer role: the shopper chose the spender, who is credited", async function () {
    const { token, admin, storefront, shopper, deadline, permit } = await loadFixture(heldSignaturesFixture);
    await token.connect(admin).revokeRole(await token.ISSUER_ROLE(), storefront.address);
    await expect(
      token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, permit.v, permit.r, permit.s),
    ).to.emit(token, "PointsRedeemed").withArgs(storefront.address, DISCOUNT);
    expect(await token.balanceOf(shopper.address)).to.equal(60n * POINTS);
  });

  it("refuses a permit used by a spender it does not name, forged fields or another owner's key", async function () {
    const { token, storefront, shopper, stranger, deadline, permit } = await loadFixture(heldSignaturesFixture);
    await expect(
      token.connect(stranger).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, permit.v, permit.r, permit.s),
    ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    await expect(
      token.connect(storefront).redeemWithPermit(shopper.address, 80n * POINTS, DISCOUNT, deadline, permit.v, permit.r, permit.s),
    ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    const byStranger = await signPermit(token, stranger, storefront.address, 40n * POINTS, deadline);
    await expect(
      token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, byStranger.v, byStranger.r, byStranger.s),
    ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    expect(await token.nonces(shopper.address)).to.equal(0n);
  });
});
