import { expect } from "chai";

import { POINTS, deployRewardTokenFixture, domainOf, ethers, inAnHour, networkHelpers, signPermit } from "./fixtures.js";

const { loadFixture, time } = networkHelpers;
const DISCOUNT = ethers.id("SUMMER-10");

describe("RewardToken: redemption", function () {
  async function fundedShopperFixture() {
    const fixture = await deployRewardTokenFixture();
    await fixture.token.connect(fixture.storefront).issue(fixture.shopper.address, 1n, 100n * POINTS);
    return fixture;
  }

  it("burns the shopper's own points unattributed: Transfer then PointsRedeemed with no storefront", async function () {
    const { token, shopper } = await loadFixture(fundedShopperFixture);
    const tx = token.connect(shopper).redeem(30n * POINTS, DISCOUNT);
    await expect(tx)
      .to.emit(token, "Transfer").withArgs(shopper.address, ethers.ZeroAddress, 30n * POINTS)
      .and.to.emit(token, "PointsRedeemed").withArgs(ethers.ZeroAddress, DISCOUNT);
    const logs = (await (await tx).wait())!.logs.map((log) => token.interface.parseLog(log)!.name);
    expect(logs).to.deep.equal(["Transfer", "PointsRedeemed"]);
    expect(await token.balanceOf(shopper.address)).to.equal(70n * POINTS);
    expect(await token.totalSupply()).to.equal(70n * POINTS);
  });

  it("rejects zero amounts and more than the balance", async function () {
    const { token, shopper } = await loadFixture(fundedShopperFixture);
    await expect(token.connect(shopper).redeem(0n, DISCOUNT)).to.be.revertedWithCustomError(token, "ZeroAmount");
    await expect(token.connect(shopper).redeem(101n * POINTS, DISCOUNT))
      .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
      .withArgs(shopper.address, 100n * POINTS, 101n * POINTS);
  });

  it("attributes a redemption to no storefront but the one that took part", async function () {
    const { token, storefront, otherStorefront, shopper, stranger } = await loadFixture(fundedShopperFixture);
    // A holder, or anyone it gave an allowance, cannot count a redemption at another storefront: a holder's own
    // redemption names none, and redeemFrom names its caller.
    await expect(token.connect(shopper).redeem(POINTS, DISCOUNT)).to.emit(token, "PointsRedeemed").withArgs(ethers.ZeroAddress, DISCOUNT);
    await token.connect(shopper).approve(stranger.address, POINTS);
    await expect(token.connect(stranger).redeemFrom(shopper.address, POINTS, DISCOUNT))
      .to.emit(token, "PointsRedeemed").withArgs(stranger.address, DISCOUNT);
    const logs = await token.queryFilter(token.filters.PointsRedeemed(storefront.address));
    expect(logs).to.have.length(0);
    expect(await token.queryFilter(token.filters.PointsRedeemed(otherStorefront.address))).to.have.length(0);
  });

  it("lets a storefront redeem with an allowance the shopper gave", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(fundedShopperFixture);
    await token.connect(shopper).approve(storefront.address, 10n * POINTS);
    await expect(token.connect(storefront).redeemFrom(shopper.address, 10n * POINTS, DISCOUNT))
      .to.emit(token, "PointsRedeemed").withArgs(storefront.address, DISCOUNT);
    await expect(token.connect(stranger).redeemFrom(shopper.address, POINTS, DISCOUNT))
      .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance").withArgs(stranger.address, 0n, POINTS);
    expect(await token.allowance(shopper.address, storefront.address)).to.equal(0n);
  });

  it("redeems inside the storefront's checkout transaction with the shopper's permit", async function () {
    const { token, storefront, shopper } = await loadFixture(fundedShopperFixture);
    const deadline = await inAnHour();
    const { v, r, s } = await signPermit(token, shopper, storefront.address, 40n * POINTS, deadline);
    await expect(token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, v, r, s))
      .to.emit(token, "PointsRedeemed").withArgs(storefront.address, DISCOUNT);
    expect(await token.balanceOf(shopper.address)).to.equal(60n * POINTS);
    expect(await token.nonces(shopper.address)).to.equal(1n);
    expect(await token.allowance(shopper.address, storefront.address)).to.equal(0n);
    // The permit is spent: the same signature cannot redeem again.
    await expect(token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, v, r, s))
      .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
  });

  it("still redeems when someone front-ran the permit", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(fundedShopperFixture);
    const deadline = await inAnHour();
    const { v, r, s } = await signPermit(token, shopper, storefront.address, 40n * POINTS, deadline);
    await token.connect(stranger).permit(shopper.address, storefront.address, 40n * POINTS, deadline, v, r, s);
    await token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, v, r, s);
    expect(await token.balanceOf(shopper.address)).to.equal(60n * POINTS);
  });

  it("rejects expired, forged and misdirected permits", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(fundedShopperFixture);
    const deadline = await inAnHour();
    const forSomeoneElse = await signPermit(token, shopper, stranger.address, 40n * POINTS, deadline);
    await expect(token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, forSomeoneElse.v, forSomeoneElse.r, forSomeoneElse.s))
      .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    const forged = await signPermit(token, stranger, storefront.address, 40n * POINTS, deadline);
    await expect(token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, forged.v, forged.r, forged.s))
      .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    const otherChain = await signPermit(token, shopper, storefront.address, 40n * POINTS, deadline, { ...(await domainOf(token)), chainId: 10n });
    await expect(token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, otherChain.v, otherChain.r, otherChain.s))
      .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    const valid = await signPermit(token, shopper, storefront.address, 40n * POINTS, deadline);
    await time.increaseTo(deadline + 1n);
    await expect(token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, valid.v, valid.r, valid.s))
      .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature").withArgs(deadline);
    expect(await token.balanceOf(shopper.address)).to.equal(100n * POINTS);
  });
});
