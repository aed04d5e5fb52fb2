import { expect } from "chai";

import { ONE_DAY, POINTS, deployRewardTokenFixture, networkHelpers } from "./fixtures.js";

const { loadFixture, time } = networkHelpers;

const PERIOD = 30n * ONE_DAY;
/** `IRewardPolicies.ExpirySkip.Custodian`. */
const CUSTODIAN = 2n;

/** otherShopper stands for an escrow contract holding points for others; expiry is on and has run out. */
async function custodyFixture() {
  const fixture = await deployRewardTokenFixture();
  const { token, admin, storefront, shopper, otherShopper } = fixture;
  await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
  await token.connect(storefront).issue(otherShopper.address, 2n, 500n * POINTS);
  await token.connect(admin).setExpiryPeriod(PERIOD);
  await token.connect(admin).setCustodian(otherShopper.address, true);
  await time.increase(PERIOD);
  return { ...fixture, escrow: otherShopper };
}

describe("RewardToken: custodians' points never expire", function () {
  it("lets only the admin set a custodian, never the zero address, and emits CustodianSet", async function () {
    const { token, admin, stranger, shopper } = await loadFixture(deployRewardTokenFixture);
    await expect(token.connect(stranger).setCustodian(shopper.address, true))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
      .withArgs(stranger.address, await token.DEFAULT_ADMIN_ROLE());
    await expect(token.connect(admin).setCustodian("0x0000000000000000000000000000000000000000", true))
      .to.be.revertedWithCustomError(token, "ZeroAddress");
    await expect(token.connect(admin).setCustodian(shopper.address, true)).to.emit(token, "CustodianSet").withArgs(shopper.address, true);
    expect(await token.isCustodian(shopper.address)).to.equal(true);
    await expect(token.connect(admin).setCustodian(shopper.address, false)).to.emit(token, "CustodianSet").withArgs(shopper.address, false);
    expect(await token.isCustodian(shopper.address)).to.equal(false);
  });

  it("expire skips a custodian past its deadline and burns the others", async function () {
    const { token, shopper, stranger, escrow } = await loadFixture(custodyFixture);
    const tx = token.connect(stranger).expire([escrow.address, shopper.address]);
    await expect(tx).to.emit(token, "ExpirySkipped").withArgs(escrow.address, CUSTODIAN);
    await expect(tx).to.emit(token, "PointsExpired").withArgs(shopper.address, 10n * POINTS);
    expect(await token.balanceOf(escrow.address)).to.equal(500n * POINTS);
    expect(await token.pointsExpireAt(escrow.address)).to.equal(0n);
  });

  it("a custodian that is no longer one expires like any holder", async function () {
    const { token, admin, stranger, escrow } = await loadFixture(custodyFixture);
    await token.connect(admin).setCustodian(escrow.address, false);
    await expect(token.connect(stranger).expire([escrow.address]))
      .to.emit(token, "PointsExpired").withArgs(escrow.address, 500n * POINTS);
  });
});
