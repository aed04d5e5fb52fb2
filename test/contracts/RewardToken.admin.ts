import { expect } from "chai";

import { POINTS, deployRewardTokenFixture, ethers, networkHelpers } from "./fixtures.js";

const { loadFixture } = networkHelpers;

describe("RewardToken: pause, transfer lock, supply cap, roles", function () {
  async function fundedFixture() {
    const fixture = await deployRewardTokenFixture();
    await fixture.token.connect(fixture.storefront).issue(fixture.shopper.address, 1n, 100n * POINTS);
    return fixture;
  }

  it("is initialized with name, symbol and the admin's roles, once", async function () {
    const { token, admin, stranger } = await loadFixture(fundedFixture);
    expect(await token.name()).to.equal("Acme Points");
    expect(await token.symbol()).to.equal("ACME");
    for (const role of [await token.DEFAULT_ADMIN_ROLE(), await token.PAUSER_ROLE(), await token.UPGRADER_ROLE()]) {
      expect(await token.hasRole(role, admin.address)).to.equal(true);
      expect(await token.hasRole(role, stranger.address)).to.equal(false);
    }
    await expect(token.initialize("Again", "AGN", stranger.address)).to.be.revertedWithCustomError(token, "InvalidInitialization");
  });

  it("pauses issuance, redemption and transfers; reads keep working", async function () {
    const { token, admin, storefront, shopper, otherShopper } = await loadFixture(fundedFixture);
    await expect(token.connect(admin).pause()).to.emit(token, "Paused").withArgs(admin.address);
    expect(await token.paused()).to.equal(true);
    await expect(token.connect(storefront).issue(shopper.address, 2n, POINTS)).to.be.revertedWithCustomError(token, "EnforcedPause");
    await expect(token.connect(storefront).issueBatch([shopper.address], [2n], [POINTS])).to.be.revertedWithCustomError(token, "EnforcedPause");
    await expect(token.connect(storefront).issueForOrderRange(2n, [shopper.address], [POINTS])).to.be.revertedWithCustomError(token, "EnforcedPause");
    await expect(token.connect(shopper).redeem(POINTS, ethers.ZeroHash)).to.be.revertedWithCustomError(token, "EnforcedPause");
    await expect(token.connect(shopper).transfer(otherShopper.address, POINTS)).to.be.revertedWithCustomError(token, "EnforcedPause");
    expect(await token.balanceOf(shopper.address)).to.equal(100n * POINTS);
    expect(await token.isOrderRewarded(storefront.address, 2n)).to.equal(false);
    await expect(token.connect(admin).pause()).to.be.revertedWithCustomError(token, "EnforcedPause");
    await expect(token.connect(admin).unpause()).to.emit(token, "Unpaused").withArgs(admin.address);
    await expect(token.connect(admin).unpause()).to.be.revertedWithCustomError(token, "ExpectedPause");
    await token.connect(shopper).transfer(otherShopper.address, POINTS);
  });

  it("lets only the pauser pause", async function () {
    const { token, stranger } = await loadFixture(fundedFixture);
    await expect(token.connect(stranger).pause())
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(stranger.address, await token.PAUSER_ROLE());
    await expect(token.connect(stranger).unpause()).to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount");
  });

  it("locks transfers between shoppers while issue and redeem keep working", async function () {
    const { token, admin, storefront, shopper, otherShopper, stranger } = await loadFixture(fundedFixture);
    await expect(token.connect(admin).setTransfersLocked(true)).to.emit(token, "TransfersLockedSet").withArgs(true);
    expect(await token.transfersLocked()).to.equal(true);
    await expect(token.connect(shopper).transfer(otherShopper.address, POINTS))
      .to.be.revertedWithCustomError(token, "TransfersLocked").withArgs(shopper.address, otherShopper.address);
    await token.connect(shopper).approve(stranger.address, POINTS);
    await expect(token.connect(stranger).transferFrom(shopper.address, otherShopper.address, POINTS))
      .to.be.revertedWithCustomError(token, "TransfersLocked");
    await token.connect(storefront).issue(otherShopper.address, 2n, POINTS);
    await token.connect(shopper).redeem(POINTS, ethers.ZeroHash);
    await expect(token.connect(stranger).setTransfersLocked(false)).to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount");
    await token.connect(admin).setTransfersLocked(false);
    await token.connect(shopper).transfer(otherShopper.address, POINTS);
    expect(await token.balanceOf(otherShopper.address)).to.equal(2n * POINTS);
  });

  it("never mints past the global supply cap", async function () {
    const { token, admin, storefront, shopper, stranger } = await loadFixture(fundedFixture);
    await expect(token.connect(admin).setSupplyCap(150n * POINTS)).to.emit(token, "SupplyCapSet").withArgs(150n * POINTS);
    expect(await token.supplyCap()).to.equal(150n * POINTS);
    await token.connect(storefront).issue(shopper.address, 2n, 50n * POINTS);
    await expect(token.connect(storefront).issue(shopper.address, 3n, 1n))
      .to.be.revertedWithCustomError(token, "SupplyCapExceeded").withArgs(150n * POINTS, 150n * POINTS + 1n);
    await expect(token.connect(storefront).issueBatch([shopper.address], [3n], [1n])).to.be.revertedWithCustomError(token, "SupplyCapExceeded");
    await expect(token.connect(storefront).issueForOrderRange(3n, [shopper.address], [1n])).to.be.revertedWithCustomError(token, "SupplyCapExceeded");
    // Redeeming makes room again.
    await token.connect(shopper).redeem(10n * POINTS, ethers.ZeroHash);
    await token.connect(storefront).issue(shopper.address, 3n, 10n * POINTS);
    await expect(token.connect(admin).setSupplyCap(100n * POINTS))
      .to.be.revertedWithCustomError(token, "SupplyCapBelowSupply").withArgs(100n * POINTS, 150n * POINTS);
    await expect(token.connect(admin).setSupplyCap(2n ** 128n)).to.be.revertedWithCustomError(token, "SupplyCapTooLarge").withArgs(2n ** 128n);
    await expect(token.connect(stranger).setSupplyCap(0n)).to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount");
    await token.connect(admin).setSupplyCap(0n);
    await token.connect(storefront).issue(shopper.address, 4n, 1_000n * POINTS);
  });

  it("manages the other roles through AccessControl, and issuer grants idempotently", async function () {
    const { token, admin, storefront, stranger } = await loadFixture(fundedFixture);
    const pauser = await token.PAUSER_ROLE();
    await expect(token.connect(admin).grantRole(pauser, stranger.address)).to.emit(token, "RoleGranted");
    await token.connect(stranger).pause();
    await token.connect(stranger).unpause();
    await expect(token.connect(admin).revokeRole(pauser, stranger.address))
      .to.emit(token, "RoleRevoked").withArgs(pauser, stranger.address, admin.address);
    await expect(token.connect(stranger).pause()).to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount");
    // Granting a held issuer role, or revoking one not held, changes nothing and emits nothing.
    const issuer = await token.ISSUER_ROLE();
    await expect(token.connect(admin).grantRole(issuer, storefront.address)).not.to.emit(token, "RoleGranted");
    await expect(token.connect(admin).revokeRole(issuer, stranger.address)).not.to.emit(token, "RoleRevoked");
    await expect(token.connect(stranger).grantRole(issuer, stranger.address))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount");
  });

  it("keeps the implementation uninitializable", async function () {
    const { token } = await loadFixture(fundedFixture);
    const implementationSlot = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
    const raw = await ethers.provider.getStorage(await token.getAddress(), implementationSlot);
    const implementation = await ethers.getContractAt("RewardToken", ethers.getAddress(ethers.dataSlice(raw, 12)));
    const [, stranger] = await ethers.getSigners();
    await expect(implementation.initialize("Hijack", "HJK", stranger!.address)).to.be.revertedWithCustomError(implementation, "InvalidInitialization");
  });
});
