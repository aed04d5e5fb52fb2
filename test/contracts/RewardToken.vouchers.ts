import { expect } from "chai";

import { POINTS, type Voucher, compact, deployRewardTokenFixture, domainOf, ethers, inAnHour, networkHelpers, voucherTypes } from "./fixtures.js";

const { loadFixture, time } = networkHelpers;

describe("RewardToken: signed reward vouchers", function () {
  async function signedVoucherFixture() {
    const fixture = await deployRewardTokenFixture();
    const { token, storefront, shopper } = fixture;
    const voucher: Voucher = { shopper: shopper.address, amount: 25n * POINTS, storefront: storefront.address, orderId: 77n, deadline: await inAnHour() };
    const signature = await storefront.signTypedData(await domainOf(token), voucherTypes, voucher);
    return { ...fixture, voucher, signature };
  }

  it("mints when any relayer submits a voucher its storefront signed", async function () {
    const { token, storefront, shopper, stranger, voucher, signature } = await loadFixture(signedVoucherFixture);
    expect(await token.voucherDigest(voucher)).to.equal(ethers.TypedDataEncoder.hash(await domainOf(token), voucherTypes, voucher));
    await expect(token.connect(stranger).claimVoucher(voucher, ...compact(signature)))
      .to.emit(token, "PointsIssued").withArgs(storefront.address, 77n);
    expect(await token.balanceOf(shopper.address)).to.equal(25n * POINTS);
    expect(await token.isOrderRewarded(storefront.address, 77n)).to.equal(true);
  });

  it("publishes its EIP-712 domain for wallets (ERC-5267)", async function () {
    const { token } = await loadFixture(signedVoucherFixture);
    const domain = await token.eip712Domain();
    expect(domain.name).to.equal("dCRM RewardToken");
    expect(domain.version).to.equal("1");
    expect(domain.verifyingContract).to.equal(await token.getAddress());
  });

  it("rejects a replayed voucher", async function () {
    const { token, storefront, shopper, voucher, signature } = await loadFixture(signedVoucherFixture);
    await token.connect(shopper).claimVoucher(voucher, ...compact(signature));
    await expect(token.connect(shopper).claimVoucher(voucher, ...compact(signature)))
      .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 77n);
  });

  it("rejects a voucher whose order the storefront already rewarded at checkout", async function () {
    const { token, storefront, shopper, voucher, signature } = await loadFixture(signedVoucherFixture);
    await token.connect(storefront).issue(shopper.address, 77n, POINTS);
    await expect(token.connect(shopper).claimVoucher(voucher, ...compact(signature)))
      .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 77n);
  });

  it("rejects a forged voucher: altered fields or another signer", async function () {
    const { token, storefront, shopper, stranger, voucher, signature } = await loadFixture(signedVoucherFixture);
    const inflated = { ...voucher, amount: voucher.amount * 100n };
    await expect(token.connect(shopper).claimVoucher(inflated, ...compact(signature)))
      .to.be.revertedWithCustomError(token, "VoucherSignerMismatch");
    const forged = await stranger.signTypedData(await domainOf(token), voucherTypes, voucher);
    await expect(token.connect(shopper).claimVoucher(voucher, ...compact(forged)))
      .to.be.revertedWithCustomError(token, "VoucherSignerMismatch").withArgs(stranger.address, storefront.address);
    await expect(token.connect(shopper).claimVoucher(voucher, ethers.ZeroHash, ethers.id("garbage")))
      .to.be.revertedWithCustomError(token, "ECDSAInvalidSignature");
    expect(await token.totalSupply()).to.equal(0n);
  });

  it("refuses the malleable twin of a valid signature", async function () {
    const { token, shopper, voucher, signature } = await loadFixture(signedVoucherFixture);
    const { r, s, v } = ethers.Signature.from(signature);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    // The twin (s' = n - s, other parity) is a valid secp256k1 signature of the same digest. A compact
    // (EIP-2098) signature cannot carry it: s' needs the top bit that holds the parity, so it recovers
    // another address. Handing the twin's s over whole is refused as non-canonical.
    const highS = n - BigInt(s);
    const flippedParity = v === 27 ? 1n << 255n : 0n;
    await expect(token.connect(shopper).claimVoucher(voucher, r, ethers.toBeHex(flippedParity | highS, 32)))
      .to.be.revertedWithCustomError(token, "VoucherSignerMismatch");
    await expect(token.connect(shopper).claimVoucher(voucher, r, ethers.toBeHex(highS & ((1n << 255n) - 1n) | flippedParity, 32)))
      .to.be.revertedWithCustomError(token, "VoucherSignerMismatch");
    // An s above n/2 that fits beside the parity bit is refused by the canonical-s check.
    await expect(token.connect(shopper).claimVoucher(voucher, r, ethers.toBeHex(n / 2n + 1n, 32)))
      .to.be.revertedWithCustomError(token, "ECDSAInvalidSignatureS");
    expect(await token.totalSupply()).to.equal(0n);
  });

  it("rejects an expired voucher", async function () {
    const { token, shopper, voucher, signature } = await loadFixture(signedVoucherFixture);
    await time.setNextBlockTimestamp(voucher.deadline + 1n);
    await expect(token.connect(shopper).claimVoucher(voucher, ...compact(signature)))
      .to.be.revertedWithCustomError(token, "SignatureExpired").withArgs(voucher.deadline, voucher.deadline + 1n);
  });

  it("rejects vouchers signed for another chain or another contract", async function () {
    const { token, storefront, shopper, voucher } = await loadFixture(signedVoucherFixture);
    const domain = await domainOf(token);
    const otherChain = await storefront.signTypedData({ ...domain, chainId: 8453n }, voucherTypes, voucher);
    await expect(token.connect(shopper).claimVoucher(voucher, ...compact(otherChain)))
      .to.be.revertedWithCustomError(token, "VoucherSignerMismatch");
    const otherContract = await storefront.signTypedData({ ...domain, verifyingContract: shopper.address }, voucherTypes, voucher);
    await expect(token.connect(shopper).claimVoucher(voucher, ...compact(otherContract)))
      .to.be.revertedWithCustomError(token, "VoucherSignerMismatch");
  });

  it("checks the signer's issuer role when the voucher is used, not when it was signed", async function () {
    const { token, admin, storefront, shopper, voucher, signature } = await loadFixture(signedVoucherFixture);
    await token.connect(admin).revokeRole(await token.ISSUER_ROLE(), storefront.address);
    await expect(token.connect(shopper).claimVoucher(voucher, ...compact(signature)))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
      .withArgs(storefront.address, await token.ISSUER_ROLE());
  });

  it("counts vouchers against the storefront's cap", async function () {
    const { token, admin, storefront, shopper, voucher, signature } = await loadFixture(signedVoucherFixture);
    await token.connect(admin).setIssuanceCap(storefront.address, 10n * POINTS, 86_400n);
    await expect(token.connect(shopper).claimVoucher(voucher, ...compact(signature)))
      .to.be.revertedWithCustomError(token, "IssuanceCapExceeded");
  });
});
