import { expect } from "chai";

import type { RewardTokenV2 } from "../../types/ethers-contracts/index.js";
import { ONE_DAY, POINTS, deployRewardTokenFixture, ethers, networkHelpers, upgradesApi } from "./fixtures.js";

const { loadFixture } = networkHelpers;

const issuanceFields = (s: Awaited<ReturnType<RewardTokenV2["storefrontIssuance"]>>) =>
  [s.isIssuer, s.capPeriod, s.periodStart, s.capPerPeriod, s.issuedInPeriod];

describe("RewardToken: upgrades", function () {
  async function usedTokenFixture() {
    const fixture = await deployRewardTokenFixture();
    const { token, admin, storefront, otherStorefront, shopper, otherShopper } = fixture;
    await token.connect(admin).setIssuanceCap(storefront.address, 500n * POINTS, ONE_DAY);
    await token.connect(storefront).issueBatch([shopper.address, otherShopper.address], [1n, 2n], [40n * POINTS, 60n * POINTS]);
    await token.connect(otherStorefront).issueForOrderRange(300n, [shopper.address], [5n * POINTS]);
    await token.connect(shopper).approve(otherShopper.address, 7n);
    await token.connect(admin).setSupplyCap(10_000n * POINTS);
    await token.connect(admin).setTransfersLocked(true);
    return fixture;
  }

  it("keeps every balance, role, cap, setting and rewarded order through upgradeProxy", async function () {
    const { token, admin, storefront, otherStorefront, shopper, otherShopper } = await loadFixture(usedTokenFixture);
    const address = await token.getAddress();
    const before = {
      supply: await token.totalSupply(),
      balances: [await token.balanceOf(shopper.address), await token.balanceOf(otherShopper.address)],
      issuance: issuanceFields(await token.storefrontIssuance(storefront.address)),
    };
    const factory = await ethers.getContractFactory("RewardTokenV2", admin);
    await upgradesApi.validateUpgrade(address, factory, { kind: "uups" });
    const upgraded = (await upgradesApi.upgradeProxy(address, factory, {
      kind: "uups",
      call: { fn: "initializeV2", args: ["loyalty tiers"] },
    })) as unknown as RewardTokenV2;

    expect(await upgraded.version()).to.equal(2n);
    expect(await upgraded.releaseNote()).to.equal("loyalty tiers");
    expect(await upgraded.totalSupply()).to.equal(before.supply);
    expect([await upgraded.balanceOf(shopper.address), await upgraded.balanceOf(otherShopper.address)]).to.deep.equal(before.balances);
    expect(issuanceFields(await upgraded.storefrontIssuance(storefront.address))).to.deep.equal(before.issuance);
    expect(await upgraded.hasRole(await upgraded.ISSUER_ROLE(), otherStorefront.address)).to.equal(true);
    expect(await upgraded.hasRole(await upgraded.UPGRADER_ROLE(), admin.address)).to.equal(true);
    expect(await upgraded.allowance(shopper.address, otherShopper.address)).to.equal(7n);
    expect(await upgraded.supplyCap()).to.equal(10_000n * POINTS);
    expect(await upgraded.transfersLocked()).to.equal(true);
    for (const [sf, order] of [[storefront.address, 1n], [storefront.address, 2n], [otherStorefront.address, 300n]] as const) {
      expect(await upgraded.isOrderRewarded(sf, order)).to.equal(true);
    }
    await expect(upgraded.connect(storefront).issue(shopper.address, 1n, POINTS))
      .to.be.revertedWithCustomError(upgraded, "OrderAlreadyRewarded").withArgs(storefront.address, 1n);
    await expect(upgraded.initializeV2("again")).to.be.revertedWithCustomError(upgraded, "InvalidInitialization");
  });

  it("refuses an implementation whose storage layout breaks the namespace, with the plugin's message", async function () {
    const { token, admin } = await loadFixture(usedTokenFixture);
    const factory = await ethers.getContractFactory("RewardTokenLayoutBreaker", admin);
    let message = "";
    try {
      await upgradesApi.validateUpgrade(await token.getAddress(), factory, { kind: "uups" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/New storage layout is incompatible/);
    expect(message).to.match(/Deleted `storefronts`/);
  });

  it("refuses an upgrade to an address that is not a UUPS implementation", async function () {
    const { token, admin, stranger, shopper } = await loadFixture(usedTokenFixture);
    // Another proxy: proxiableUUID() answers only on implementations, so it is refused.
    const v2 = await ethers.deployContract("RewardTokenV2");
    const init = v2.interface.encodeFunctionData("initialize", ["Other", "OTH", admin.address]);
    const otherProxy = await ethers.deployContract("ERC1967Proxy", [await v2.getAddress(), init]);
    await expect(token.connect(admin).upgradeToAndCall(await otherProxy.getAddress(), "0x"))
      .to.be.revertedWithCustomError(token, "ERC1967InvalidImplementation").withArgs(await otherProxy.getAddress());
    // An account without code.
    await expect(token.connect(admin).upgradeToAndCall(stranger.address, "0x")).to.be.revert(ethers);
    expect(await token.balanceOf(shopper.address)).to.equal(45n * POINTS);
  });

  it("refuses upgrades called on the implementation itself", async function () {
    const { token, admin } = await loadFixture(usedTokenFixture);
    const implementation = await ethers.getContractAt("RewardToken", await upgradesApi.erc1967.getImplementationAddress(await token.getAddress()));
    const v2 = await ethers.deployContract("RewardTokenV2");
    await expect(implementation.connect(admin).upgradeToAndCall(await v2.getAddress(), "0x"))
      .to.be.revertedWithCustomError(implementation, "UUPSUnauthorizedCallContext");
  });

  it("lets only the upgrader upgrade", async function () {
    const { token, stranger } = await loadFixture(usedTokenFixture);
    const implementation = await ethers.deployContract("RewardTokenV2");
    await expect(token.connect(stranger).upgradeToAndCall(await implementation.getAddress(), "0x"))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
      .withArgs(stranger.address, await token.UPGRADER_ROLE());
  });
});
