import { expect } from "chai";

import { CAP, ONE_DAY, POINTS, deployRewardTokenFixture, ethers, networkHelpers } from "./fixtures.js";

const { loadFixture, time } = networkHelpers;

describe("RewardToken: checkout issuance", function () {
  it("issues points for an order and emits Transfer then PointsIssued", async function () {
    const { token, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
    const tx = token.connect(storefront).issue(shopper.address, 1001n, 150n * POINTS);
    await expect(tx)
      .to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, shopper.address, 150n * POINTS)
      .and.to.emit(token, "PointsIssued").withArgs(storefront.address, 1001n);
    expect(await token.balanceOf(shopper.address)).to.equal(150n * POINTS);
    expect(await token.isOrderRewarded(storefront.address, 1001n)).to.equal(true);
    expect(await token.isOrderRewarded(storefront.address, 1002n)).to.equal(false);

    const receipt = await (await tx).wait();
    const logs = receipt!.logs;
    const issued = token.interface.parseLog(logs[logs.length - 1]!)!;
    const transfer = token.interface.parseLog(logs[logs.length - 2]!)!;
    expect(issued.name).to.equal("PointsIssued");
    expect(transfer.name).to.equal("Transfer");
  });

  it("rewards each storefront's order once, ever, and names storefront and order", async function () {
    const { token, storefront, otherStorefront, shopper } = await loadFixture(deployRewardTokenFixture);
    await token.connect(storefront).issue(shopper.address, 7n, POINTS);
    await expect(token.connect(storefront).issue(shopper.address, 7n, POINTS))
      .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 7n);
    // Another storefront's order 7 is another order.
    await token.connect(otherStorefront).issue(shopper.address, 7n, POINTS);
    expect(await token.balanceOf(shopper.address)).to.equal(2n * POINTS);
  });

  it("refuses accounts without the issuer role", async function () {
    const { token, stranger, shopper } = await loadFixture(deployRewardTokenFixture);
    const role = await token.ISSUER_ROLE();
    await expect(token.connect(stranger).issue(shopper.address, 1n, POINTS))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
    await expect(token.connect(stranger).issueBatch([shopper.address], [1n], [POINTS]))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
    await expect(token.connect(stranger).issueForOrderRange(1n, [shopper.address], [POINTS]))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
    expect(await token.totalSupply()).to.equal(0n);
  });

  it("stops a storefront whose role was revoked, and keeps its period count across a re-grant", async function () {
    const { token, admin, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
    const role = await token.ISSUER_ROLE();
    await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
    await expect(token.connect(admin).revokeRole(role, storefront.address))
      .to.emit(token, "RoleRevoked").withArgs(role, storefront.address, admin.address);
    expect(await token.hasRole(role, storefront.address)).to.equal(false);
    await expect(token.connect(storefront).issue(shopper.address, 2n, POINTS))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount");
    await expect(token.connect(admin).grantRole(role, storefront.address))
      .to.emit(token, "RoleGranted").withArgs(role, storefront.address, admin.address);
    expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(10n * POINTS);
  });

  it("lets a storefront renounce its own issuer role", async function () {
    const { token, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
    const role = await token.ISSUER_ROLE();
    await token.connect(storefront).renounceRole(role, storefront.address);
    await expect(token.connect(storefront).issue(shopper.address, 1n, POINTS))
      .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount");
  });

  it("rejects zero amounts and the zero address as shopper", async function () {
    const { token, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
    await expect(token.connect(storefront).issue(shopper.address, 1n, 0n)).to.be.revertedWithCustomError(token, "ZeroAmount");
    await expect(token.connect(storefront).issue(ethers.ZeroAddress, 1n, POINTS))
      .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver").withArgs(ethers.ZeroAddress);
    await expect(token.connect(storefront).issueBatch([shopper.address], [1n], [0n])).to.be.revertedWithCustomError(token, "ZeroAmount");
    await expect(token.connect(storefront).issueForOrderRange(1n, [ethers.ZeroAddress], [POINTS]))
      .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver");
    expect(await token.isOrderRewarded(storefront.address, 1n)).to.equal(false);
  });

  describe("batches", function () {
    it("issues any order numbers in one transaction, the batch event after its Transfers", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(deployRewardTokenFixture);
      const orders = [5n, 900n, 6n];
      const shoppers = [shopper.address, otherShopper.address, shopper.address];
      const amounts = [POINTS, 2n * POINTS, 3n * POINTS];
      const tx = token.connect(storefront).issueBatch(shoppers, orders, amounts);
      await expect(tx).to.emit(token, "PointsIssuedInBatch").withArgs(storefront.address, orders);
      const logs = (await (await tx).wait())!.logs.map((log) => token.interface.parseLog(log)!);
      expect(logs.map((log) => log.name)).to.deep.equal(["Transfer", "Transfer", "Transfer", "PointsIssuedInBatch"]);
      logs.slice(0, 3).forEach((transfer, i) => {
        expect(transfer.args.to).to.equal(shoppers[i]);
        expect(transfer.args.value).to.equal(amounts[i]);
      });
      for (const order of orders) expect(await token.isOrderRewarded(storefront.address, order)).to.equal(true);
      expect(await token.balanceOf(shopper.address)).to.equal(4n * POINTS);
    });

    it("reverts the whole batch on a duplicate within it, naming the order", async function () {
      const { token, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
      await expect(token.connect(storefront).issueBatch([shopper.address, shopper.address, shopper.address], [1n, 300n, 1n], [POINTS, POINTS, POINTS]))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 1n);
      expect(await token.isOrderRewarded(storefront.address, 300n)).to.equal(false);
      expect(await token.totalSupply()).to.equal(0n);
    });

    it("reverts the whole batch on a duplicate against history", async function () {
      const { token, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
      await token.connect(storefront).issue(shopper.address, 42n, POINTS);
      await expect(token.connect(storefront).issueBatch([shopper.address, shopper.address], [41n, 42n], [POINTS, POINTS]))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 42n);
      expect(await token.isOrderRewarded(storefront.address, 41n)).to.equal(false);
    });

    it("rejects arrays of different lengths and empty batches", async function () {
      const { token, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
      await expect(token.connect(storefront).issueBatch([shopper.address], [1n, 2n], [POINTS]))
        .to.be.revertedWithCustomError(token, "BatchLengthMismatch").withArgs(1n, 2n);
      await expect(token.connect(storefront).issueBatch([], [], []))
        .to.be.revertedWithCustomError(token, "EmptyBatch");
      await expect(token.connect(storefront).issueForOrderRange(1n, [shopper.address], []))
        .to.be.revertedWithCustomError(token, "BatchLengthMismatch").withArgs(1n, 0n);
    });

    it("issues a range of consecutive orders across bitmap words", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(deployRewardTokenFixture);
      const shoppers = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? shopper.address : otherShopper.address));
      const tx = token.connect(storefront).issueForOrderRange(250n, shoppers, shoppers.map(() => POINTS));
      await expect(tx).to.emit(token, "PointsIssuedForOrderRange").withArgs(storefront.address, 250n, 300n);
      for (const order of [250n, 255n, 256n, 511n, 512n, 549n]) {
        expect(await token.isOrderRewarded(storefront.address, order)).to.equal(true);
      }
      expect(await token.isOrderRewarded(storefront.address, 249n)).to.equal(false);
      expect(await token.isOrderRewarded(storefront.address, 550n)).to.equal(false);
      expect(await token.balanceOf(otherShopper.address)).to.equal(150n * POINTS);
    });

    it("names the first rewarded order a range overlaps", async function () {
      const { token, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
      await token.connect(storefront).issueBatch([shopper.address, shopper.address], [515n, 520n], [POINTS, POINTS]);
      const shoppers = Array.from({ length: 20 }, () => shopper.address);
      await expect(token.connect(storefront).issueForOrderRange(505n, shoppers, shoppers.map(() => POINTS)))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 515n);
    });

    it("refuses a range that runs past the largest order number", async function () {
      const { token, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
      const max = ethers.MaxUint256;
      await expect(token.connect(storefront).issueForOrderRange(max, [shopper.address, shopper.address], [POINTS, POINTS]))
        .to.be.revertedWithCustomError(token, "OrderRangeOverflow").withArgs(max, 2n);
      await token.connect(storefront).issueForOrderRange(max - 1n, [shopper.address, shopper.address], [POINTS, POINTS]);
      expect(await token.isOrderRewarded(storefront.address, max)).to.equal(true);
    });
  });

  describe("cap per period", function () {
    it("reverts past the cap with cap, period start, issued and amount", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
      await token.connect(admin).setIssuanceCap(storefront.address, 100n * POINTS, ONE_DAY);
      await token.connect(storefront).issue(shopper.address, 1n, 60n * POINTS);
      const { periodStart } = await token.storefrontIssuance(storefront.address);
      await expect(token.connect(storefront).issue(shopper.address, 2n, 41n * POINTS))
        .to.be.revertedWithCustomError(token, "IssuanceCapExceeded")
        .withArgs(storefront.address, 100n * POINTS, periodStart, 60n * POINTS, 41n * POINTS);
      await expect(token.connect(storefront).issueBatch([shopper.address, shopper.address], [3n, 4n], [20n * POINTS, 21n * POINTS]))
        .to.be.revertedWithCustomError(token, "IssuanceCapExceeded")
        .withArgs(storefront.address, 100n * POINTS, periodStart, 60n * POINTS, 41n * POINTS);
      await token.connect(storefront).issue(shopper.address, 2n, 40n * POINTS);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(100n * POINTS);
    });

    it("starts a fresh count in the next period, aligned to the period length", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
      await token.connect(admin).setIssuanceCap(storefront.address, 100n * POINTS, ONE_DAY);
      await token.connect(storefront).issue(shopper.address, 1n, 100n * POINTS);
      const now = BigInt(await time.latest());
      const nextDay = now - (now % ONE_DAY) + ONE_DAY;
      await time.setNextBlockTimestamp(nextDay + 5n);
      await token.connect(storefront).issue(shopper.address, 2n, 100n * POINTS);
      const issuance = await token.storefrontIssuance(storefront.address);
      expect(issuance.periodStart).to.equal(nextDay);
      expect(issuance.issuedInPeriod).to.equal(100n * POINTS);
    });

    it("a stolen key mints at most one period's cap", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(deployRewardTokenFixture);
      await token.connect(admin).setIssuanceCap(storefront.address, 500n * POINTS, ONE_DAY);
      let order = 0n;
      let minted = 0n;
      for (;;) {
        try {
          await (await token.connect(storefront).issue(shopper.address, ++order, 120n * POINTS)).wait();
          minted += 120n * POINTS;
        } catch {
          break;
        }
      }
      expect(minted).to.equal(480n * POINTS);
      expect(await token.totalSupply()).to.equal(480n * POINTS);
    });

    it("refuses issuance until the admin sets a cap", async function () {
      const { token, admin, stranger, shopper } = await loadFixture(deployRewardTokenFixture);
      await token.connect(admin).grantRole(await token.ISSUER_ROLE(), stranger.address);
      await expect(token.connect(stranger).issue(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "IssuanceCapNotSet").withArgs(stranger.address);
    });

    it("validates cap settings and lets only the admin set them", async function () {
      const { token, admin, storefront, stranger } = await loadFixture(deployRewardTokenFixture);
      await expect(token.connect(admin).setIssuanceCap(storefront.address, CAP, 0n))
        .to.be.revertedWithCustomError(token, "InvalidCapPeriod").withArgs(0n);
      await expect(token.connect(admin).setIssuanceCap(storefront.address, CAP, 2n ** 32n))
        .to.be.revertedWithCustomError(token, "InvalidCapPeriod").withArgs(2n ** 32n);
      await expect(token.connect(admin).setIssuanceCap(storefront.address, 2n ** 88n, ONE_DAY))
        .to.be.revertedWithCustomError(token, "CapPerPeriodTooLarge").withArgs(2n ** 88n);
      await expect(token.connect(admin).setIssuanceCap(ethers.ZeroAddress, CAP, ONE_DAY))
        .to.be.revertedWithCustomError(token, "ZeroAddress");
      await expect(token.connect(stranger).setIssuanceCap(storefront.address, CAP, ONE_DAY))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount");
      await expect(token.connect(admin).setIssuanceCap(storefront.address, 5n, 3_600n))
        .to.emit(token, "IssuanceCapSet").withArgs(storefront.address, 5n, 3_600n);
    });

    it("refuses the zero address as an issuer", async function () {
      const { token, admin } = await loadFixture(deployRewardTokenFixture);
      await expect(token.connect(admin).grantRole(await token.ISSUER_ROLE(), ethers.ZeroAddress))
        .to.be.revertedWithCustomError(token, "ZeroAddress");
    });
  });
});
