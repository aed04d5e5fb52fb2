import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";

import type { RewardToken } from "../../types/ethers-contracts/index.js";
import { CAP, ONE_DAY, POINTS, type Voucher, compact, deployRewardTokenFixture, domainOf, ethers, inAnHour, networkHelpers, voucherTypes } from "./fixtures.js";

const { loadFixture, time } = networkHelpers;

const WINDOW = 14n * ONE_DAY;
const MAX_RETURN_WINDOW = 365n * ONE_DAY;
/** `IRewardPolicies.ReleaseSkip` reasons. */
const NOT_PENDING = 0n;
const RETURN_WINDOW_OPEN = 1n;

/** The names of the token's events in a transaction, in log order. */
async function eventNames(token: RewardToken, tx: Promise<ContractTransactionResponse>): Promise<string[]> {
  const receipt = (await (await tx).wait())!;
  return receipt.logs.map((log) => token.interface.parseLog(log)!.name);
}

async function expectRecord(
  token: RewardToken,
  storefront: string,
  shopper: string,
  orderId: bigint,
  expected: { points: bigint; releaseTime: bigint; released: boolean; clawbackAllowed: boolean },
) {
  const record = await token.recordedOrder(storefront, shopper, orderId);
  expect(record.points).to.equal(expected.points);
  expect(record.releaseTime).to.equal(expected.releaseTime);
  expect(record.released).to.equal(expected.released);
  expect(record.clawbackAllowed).to.equal(expected.clawbackAllowed);
}

async function expectNoRecord(token: RewardToken, storefront: string, shopper: string, orderId: bigint) {
  await expectRecord(token, storefront, shopper, orderId, { points: 0n, releaseTime: 0n, released: false, clawbackAllowed: false });
}

/** The storefront holds points pending for a 14-day return window, without clawback. */
async function windowFixture() {
  const fixture = await deployRewardTokenFixture();
  await fixture.token.connect(fixture.storefront).setStorefrontPolicy(Number(WINDOW), false);
  return fixture;
}

/** The storefront holds points pending for a 14-day return window and may claw back released orders. */
async function windowClawbackFixture() {
  const fixture = await deployRewardTokenFixture();
  await fixture.token.connect(fixture.storefront).setStorefrontPolicy(Number(WINDOW), true);
  return fixture;
}

/** The storefront issues at once but may claw back (window 0, clawback on). */
async function clawbackOnlyFixture() {
  const fixture = await deployRewardTokenFixture();
  await fixture.token.connect(fixture.storefront).setStorefrontPolicy(0, true);
  return fixture;
}

describe("RewardToken: program policies", function () {
  describe("setting a policy", function () {
    it("lets only an issuer set its policy, and emits StorefrontPolicySet", async function () {
      const { token, storefront, otherStorefront, stranger } = await loadFixture(deployRewardTokenFixture);
      const role = await token.ISSUER_ROLE();
      await expect(token.connect(stranger).setStorefrontPolicy(Number(WINDOW), true))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
      await expect(token.connect(storefront).setStorefrontPolicy(Number(WINDOW), true))
        .to.emit(token, "StorefrontPolicySet").withArgs(storefront.address, WINDOW, true);
      const policy = await token.storefrontPolicy(storefront.address);
      expect(policy.returnWindow).to.equal(WINDOW);
      expect(policy.clawbackAllowed).to.equal(true);
      const other = await token.storefrontPolicy(otherStorefront.address);
      expect(other.returnWindow).to.equal(0n);
      expect(other.clawbackAllowed).to.equal(false);
      const none = await token.storefrontPolicy(stranger.address);
      expect(none.returnWindow).to.equal(0n);
      expect(none.clawbackAllowed).to.equal(false);
    });

    it("caps the return window at 365 days", async function () {
      const { token, storefront } = await loadFixture(deployRewardTokenFixture);
      expect(await token.MAX_RETURN_WINDOW()).to.equal(MAX_RETURN_WINDOW);
      await expect(token.connect(storefront).setStorefrontPolicy(Number(MAX_RETURN_WINDOW + 1n), false))
        .to.be.revertedWithCustomError(token, "ReturnWindowTooLong").withArgs(MAX_RETURN_WINDOW + 1n, MAX_RETURN_WINDOW);
      await expect(token.connect(storefront).setStorefrontPolicy(2 ** 32 - 1, true))
        .to.be.revertedWithCustomError(token, "ReturnWindowTooLong").withArgs(2n ** 32n - 1n, MAX_RETURN_WINDOW);
      await expect(token.connect(storefront).setStorefrontPolicy(Number(MAX_RETURN_WINDOW), false))
        .to.emit(token, "StorefrontPolicySet").withArgs(storefront.address, MAX_RETURN_WINDOW, false);
      expect((await token.storefrontPolicy(storefront.address)).returnWindow).to.equal(MAX_RETURN_WINDOW);
    });

    it("a storefront without a policy issues at once and keeps no record", async function () {
      const { token, storefront, otherStorefront, shopper } = await loadFixture(windowFixture);
      // otherStorefront has no policy, although storefront has one.
      const tx = token.connect(otherStorefront).issue(shopper.address, 5n, 10n * POINTS);
      await expect(tx)
        .to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, shopper.address, 10n * POINTS)
        .and.to.emit(token, "PointsIssued").withArgs(otherStorefront.address, 5n);
      await expect(tx).not.to.emit(token, "PointsPending");
      expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
      await expectNoRecord(token, otherStorefront.address, shopper.address, 5n);
    });

    it("switching the policy off (window 0, no clawback) issues at once again without a record", async function () {
      const { token, storefront, shopper } = await loadFixture(windowClawbackFixture);
      await token.connect(storefront).setStorefrontPolicy(0, false);
      await expect(token.connect(storefront).issue(shopper.address, 1n, POINTS))
        .to.emit(token, "PointsIssued").withArgs(storefront.address, 1n);
      expect(await token.balanceOf(shopper.address)).to.equal(POINTS);
      await expectNoRecord(token, storefront.address, shopper.address, 1n);
    });

    it("keeps the policy in force across setIssuanceCap", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(windowFixture);
      await token.connect(admin).setIssuanceCap(storefront.address, CAP / 2n, ONE_DAY);
      await expect(token.connect(storefront).issue(shopper.address, 1n, POINTS)).to.emit(token, "PointsPending");
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(POINTS);
    });

    it("keeps the policy in force across a revoke and re-grant of the issuer role", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(windowFixture);
      const role = await token.ISSUER_ROLE();
      await token.connect(admin).revokeRole(role, storefront.address);
      await expect(token.connect(storefront).issue(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(storefront.address, role);
      await token.connect(admin).grantRole(role, storefront.address);
      await expect(token.connect(storefront).issue(shopper.address, 1n, POINTS)).to.emit(token, "PointsPending");
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(POINTS);
    });
  });

  describe("pending points", function () {
    it("issue records the order pending: no balance, no supply, PointsPending, charged, rewarded", async function () {
      const { token, storefront, shopper } = await loadFixture(windowClawbackFixture);
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      const tx = token.connect(storefront).issue(shopper.address, 10n, 30n * POINTS);
      await expect(tx)
        .to.emit(token, "PointsPending").withArgs(storefront.address, shopper.address, 10n, 30n * POINTS, now + WINDOW);
      await expect(tx).not.to.emit(token, "Transfer");
      await expect(tx).not.to.emit(token, "PointsIssued");
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      expect(await token.totalSupply()).to.equal(0n);
      await expectRecord(token, storefront.address, shopper.address, 10n, { points: 30n * POINTS, releaseTime: now + WINDOW, released: false, clawbackAllowed: true });
      expect(await token.isOrderRewarded(storefront.address, 10n)).to.equal(true);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(30n * POINTS);
      await expect(token.connect(storefront).issue(shopper.address, 10n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 10n);
    });

    it("records clawbackAllowed as the policy says", async function () {
      const { token, storefront, shopper } = await loadFixture(windowFixture);
      await token.connect(storefront).issue(shopper.address, 10n, POINTS);
      const record = await token.recordedOrder(storefront.address, shopper.address, 10n);
      expect(record.clawbackAllowed).to.equal(false);
      expect(record.released).to.equal(false);
      expect(record.points).to.equal(POINTS);
    });

    it("issueBatch records each order pending, one PointsPending each and no batch event", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(windowFixture);
      const orders = [3n, 700n, 4n];
      const shoppers = [shopper.address, otherShopper.address, shopper.address];
      const amounts = [POINTS, 2n * POINTS, 3n * POINTS];
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      const tx = token.connect(storefront).issueBatch(shoppers, orders, amounts);
      expect(await eventNames(token, tx)).to.deep.equal(["PointsPending", "PointsPending", "PointsPending"]);
      for (let i = 0; i < orders.length; i++) {
        await expect(tx).to.emit(token, "PointsPending").withArgs(storefront.address, shoppers[i], orders[i], amounts[i], now + WINDOW);
        await expectRecord(token, storefront.address, shoppers[i]!, orders[i]!, { points: amounts[i]!, releaseTime: now + WINDOW, released: false, clawbackAllowed: false });
        expect(await token.isOrderRewarded(storefront.address, orders[i]!)).to.equal(true);
      }
      expect(await token.totalSupply()).to.equal(0n);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(6n * POINTS);
      await expect(token.connect(storefront).issueBatch([shopper.address], [700n], [POINTS]))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 700n);
    });

    it("issueForOrderRange records each order pending, no range event", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(windowClawbackFixture);
      const shoppers = [shopper.address, otherShopper.address];
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      const tx = token.connect(storefront).issueForOrderRange(255n, shoppers, [POINTS, 4n * POINTS]);
      expect(await eventNames(token, tx)).to.deep.equal(["PointsPending", "PointsPending"]);
      await expect(tx).to.emit(token, "PointsPending").withArgs(storefront.address, shopper.address, 255n, POINTS, now + WINDOW);
      await expect(tx).to.emit(token, "PointsPending").withArgs(storefront.address, otherShopper.address, 256n, 4n * POINTS, now + WINDOW);
      await expectRecord(token, storefront.address, otherShopper.address, 256n, { points: 4n * POINTS, releaseTime: now + WINDOW, released: false, clawbackAllowed: true });
      expect(await token.totalSupply()).to.equal(0n);
      expect(await token.isOrderRewarded(storefront.address, 256n)).to.equal(true);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(5n * POINTS);
      await expect(token.connect(storefront).issue(shopper.address, 255n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 255n);
    });

    it("claimVoucher of a storefront with a window records the order pending", async function () {
      const { token, storefront, shopper, stranger } = await loadFixture(windowFixture);
      const voucher: Voucher = { shopper: shopper.address, amount: 25n * POINTS, storefront: storefront.address, orderId: 77n, deadline: await inAnHour() };
      const signature = await storefront.signTypedData(await domainOf(token), voucherTypes, voucher);
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      const tx = token.connect(stranger).claimVoucher(voucher, ...compact(signature));
      await expect(tx).to.emit(token, "PointsPending").withArgs(storefront.address, shopper.address, 77n, 25n * POINTS, now + WINDOW);
      await expect(tx).not.to.emit(token, "Transfer");
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      await expectRecord(token, storefront.address, shopper.address, 77n, { points: 25n * POINTS, releaseTime: now + WINDOW, released: false, clawbackAllowed: false });
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(25n * POINTS);
      await expect(token.connect(stranger).claimVoucher(voucher, ...compact(signature)))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 77n);
    });

    it("counts pending points against the storefront's cap", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(windowFixture);
      await token.connect(admin).setIssuanceCap(storefront.address, 100n * POINTS, ONE_DAY);
      await token.connect(storefront).issue(shopper.address, 1n, 60n * POINTS);
      const { periodStart } = await token.storefrontIssuance(storefront.address);
      await expect(token.connect(storefront).issue(shopper.address, 2n, 41n * POINTS))
        .to.be.revertedWithCustomError(token, "IssuanceCapExceeded")
        .withArgs(storefront.address, 100n * POINTS, periodStart, 60n * POINTS, 41n * POINTS);
      await expect(token.connect(storefront).issueBatch([shopper.address, shopper.address], [2n, 3n], [20n * POINTS, 21n * POINTS]))
        .to.be.revertedWithCustomError(token, "IssuanceCapExceeded")
        .withArgs(storefront.address, 100n * POINTS, periodStart, 60n * POINTS, 41n * POINTS);
      await expect(token.connect(storefront).issueForOrderRange(2n, [shopper.address, shopper.address], [20n * POINTS, 21n * POINTS]))
        .to.be.revertedWithCustomError(token, "IssuanceCapExceeded")
        .withArgs(storefront.address, 100n * POINTS, periodStart, 60n * POINTS, 41n * POINTS);
      await expect(token.connect(storefront).issue(shopper.address, 2n, 40n * POINTS)).to.emit(token, "PointsPending");
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(100n * POINTS);
      expect(await token.totalSupply()).to.equal(0n);
      // In the next cap period the count starts afresh and the policy still holds.
      const nextDay = periodStart + ONE_DAY;
      await time.setNextBlockTimestamp(nextDay + 5n);
      await expect(token.connect(storefront).issue(shopper.address, 3n, 100n * POINTS))
        .to.emit(token, "PointsPending").withArgs(storefront.address, shopper.address, 3n, 100n * POINTS, nextDay + 5n + WINDOW);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(100n * POINTS);
      expect(await token.totalSupply()).to.equal(0n);
    });

    it("keeps pending orders on the terms they were issued under when the policy changes", async function () {
      const { token, storefront, shopper, stranger } = await loadFixture(windowClawbackFixture);
      await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
      const { releaseTime } = await token.recordedOrder(storefront.address, shopper.address, 1n);
      await token.connect(storefront).setStorefrontPolicy(Number(MAX_RETURN_WINDOW), false);
      await expectRecord(token, storefront.address, shopper.address, 1n, { points: 10n * POINTS, releaseTime, released: false, clawbackAllowed: true });
      // A longer window does not delay the order; a withdrawn clawback does not free it.
      await time.setNextBlockTimestamp(releaseTime);
      await token.connect(stranger).release(storefront.address, [shopper.address], [1n]);
      expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
      await expect(token.connect(storefront).clawback(shopper.address, 1n, 10n * POINTS))
        .to.emit(token, "PointsClawedBack").withArgs(storefront.address, shopper.address, 1n, 10n * POINTS, 0n);
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      // New orders get the new terms.
      await token.connect(storefront).issue(shopper.address, 2n, POINTS);
      const record = await token.recordedOrder(storefront.address, shopper.address, 2n);
      expect(record.clawbackAllowed).to.equal(false);
      expect(record.releaseTime).to.equal(BigInt(await time.latest()) + MAX_RETURN_WINDOW);
    });

    it("pending points cannot be transferred or redeemed", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(windowFixture);
      await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
      await expect(token.connect(shopper).transfer(otherShopper.address, POINTS))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance").withArgs(shopper.address, 0n, POINTS);
      await expect(token.connect(shopper).redeem(storefront.address, POINTS, ethers.ZeroHash))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance").withArgs(shopper.address, 0n, POINTS);
    });

    it("refuses pending issuance while paused", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(windowFixture);
      await token.connect(admin).pause();
      await expect(token.connect(storefront).issue(shopper.address, 1n, POINTS)).to.be.revertedWithCustomError(token, "EnforcedPause");
      await expect(token.connect(storefront).issueBatch([shopper.address], [1n], [POINTS])).to.be.revertedWithCustomError(token, "EnforcedPause");
      await expect(token.connect(storefront).issueForOrderRange(1n, [shopper.address], [POINTS])).to.be.revertedWithCustomError(token, "EnforcedPause");
      expect(await token.isOrderRewarded(storefront.address, 1n)).to.equal(false);
      await expectNoRecord(token, storefront.address, shopper.address, 1n);
    });

    it("rejects zero amounts and the zero address as shopper", async function () {
      const { token, storefront, shopper } = await loadFixture(windowFixture);
      await expect(token.connect(storefront).issue(shopper.address, 1n, 0n)).to.be.revertedWithCustomError(token, "ZeroAmount");
      await expect(token.connect(storefront).issue(ethers.ZeroAddress, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver").withArgs(ethers.ZeroAddress);
      await expect(token.connect(storefront).issueBatch([shopper.address, shopper.address], [1n, 2n], [POINTS, 0n]))
        .to.be.revertedWithCustomError(token, "ZeroAmount");
      await expect(token.connect(storefront).issueForOrderRange(1n, [shopper.address, ethers.ZeroAddress], [POINTS, POINTS]))
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver").withArgs(ethers.ZeroAddress);
      expect(await token.isOrderRewarded(storefront.address, 1n)).to.equal(false);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(0n);
    });
  });

  describe("release", function () {
    async function pendingFixture() {
      const fixture = await windowFixture();
      const { token, storefront, shopper, otherShopper } = fixture;
      await token.connect(storefront).issueBatch([shopper.address, otherShopper.address, shopper.address], [1n, 2n, 3n], [10n * POINTS, 20n * POINTS, 30n * POINTS]);
      const releaseTime = (await token.recordedOrder(storefront.address, shopper.address, 1n)).releaseTime;
      return { ...fixture, releaseTime };
    }

    it("lets anyone release once the window closes, not a second before", async function () {
      const { token, storefront, shopper, stranger, releaseTime } = await loadFixture(pendingFixture);
      await time.setNextBlockTimestamp(releaseTime - 1n);
      const early = token.connect(stranger).release(storefront.address, [shopper.address], [1n]);
      await expect(early).to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 1n, RETURN_WINDOW_OPEN);
      await expect(early).not.to.emit(token, "Transfer");
      await time.setNextBlockTimestamp(releaseTime);
      const tx = token.connect(stranger).release(storefront.address, [shopper.address], [1n]);
      await expect(tx)
        .to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, shopper.address, 10n * POINTS)
        .and.to.emit(token, "PointsReleased").withArgs(storefront.address, 1n);
      expect(await eventNames(token, tx)).to.deep.equal(["Transfer", "PointsReleased"]);
      expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
      expect(await token.totalSupply()).to.equal(10n * POINTS);
      // Without clawback nothing remains to track.
      await expectNoRecord(token, storefront.address, shopper.address, 1n);
    });

    it("lets the shopper release its own order after the window, not before", async function () {
      const { token, storefront, shopper, releaseTime } = await loadFixture(pendingFixture);
      await expect(token.connect(shopper).release(storefront.address, [shopper.address], [3n]))
        .to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 3n, RETURN_WINDOW_OPEN);
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      await time.increaseTo(releaseTime);
      await expect(token.connect(shopper).release(storefront.address, [shopper.address], [3n]))
        .to.emit(token, "PointsReleased").withArgs(storefront.address, 3n);
      expect(await token.balanceOf(shopper.address)).to.equal(30n * POINTS);
    });

    it("lets the storefront release early", async function () {
      const { token, storefront, otherShopper } = await loadFixture(pendingFixture);
      await expect(token.connect(storefront).release(storefront.address, [otherShopper.address], [2n]))
        .to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, otherShopper.address, 20n * POINTS)
        .and.to.emit(token, "PointsReleased").withArgs(storefront.address, 2n);
      expect(await token.balanceOf(otherShopper.address)).to.equal(20n * POINTS);
      await expectNoRecord(token, storefront.address, otherShopper.address, 2n);
    });

    it("releases a batch of orders of different shoppers, each Transfer before its PointsReleased", async function () {
      const { token, storefront, shopper, otherShopper, stranger, releaseTime } = await loadFixture(pendingFixture);
      await time.increaseTo(releaseTime);
      const tx = token.connect(stranger).release(storefront.address, [shopper.address, otherShopper.address, shopper.address], [1n, 2n, 3n]);
      const receipt = (await (await tx).wait())!;
      const logs = receipt.logs.map((log) => token.interface.parseLog(log)!);
      expect(logs.map((log) => log.name)).to.deep.equal(["Transfer", "PointsReleased", "Transfer", "PointsReleased", "Transfer", "PointsReleased"]);
      const expected: [string, bigint, bigint][] = [[shopper.address, 10n * POINTS, 1n], [otherShopper.address, 20n * POINTS, 2n], [shopper.address, 30n * POINTS, 3n]];
      expected.forEach(([to, value, orderId], i) => {
        expect(logs[2 * i]!.args.to).to.equal(to);
        expect(logs[2 * i]!.args.value).to.equal(value);
        expect(logs[2 * i + 1]!.args.storefront).to.equal(storefront.address);
        expect(logs[2 * i + 1]!.args.orderId).to.equal(orderId);
      });
      expect(await token.balanceOf(shopper.address)).to.equal(40n * POINTS);
      expect(await token.balanceOf(otherShopper.address)).to.equal(20n * POINTS);
      expect(await token.totalSupply()).to.equal(60n * POINTS);
    });

    it("keeps a released record of a clawback order", async function () {
      const { token, storefront, shopper } = await loadFixture(windowClawbackFixture);
      await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
      const { releaseTime } = await token.recordedOrder(storefront.address, shopper.address, 1n);
      await token.connect(storefront).release(storefront.address, [shopper.address], [1n]);
      await expectRecord(token, storefront.address, shopper.address, 1n, { points: 10n * POINTS, releaseTime, released: true, clawbackAllowed: true });
      await expect(token.connect(storefront).release(storefront.address, [shopper.address], [1n]))
        .to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 1n, NOT_PENDING);
      expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
    });

    it("skips, without minting, orders released already, unknown, of another shopper or fully voided", async function () {
      const { token, storefront, shopper, otherShopper, releaseTime } = await loadFixture(pendingFixture);
      await time.increaseTo(releaseTime);
      await token.release(storefront.address, [shopper.address], [1n]);
      const skipped = async (who: string, orderId: bigint) => {
        const tx = token.release(storefront.address, [who], [orderId]);
        await expect(tx).to.emit(token, "ReleaseSkipped").withArgs(storefront.address, who, orderId, NOT_PENDING);
        await expect(tx).not.to.emit(token, "Transfer");
      };
      await skipped(shopper.address, 1n);
      await skipped(shopper.address, 99n);
      // Order 2 is otherShopper's, not shopper's.
      await skipped(shopper.address, 2n);
      await token.connect(storefront).voidPending(otherShopper.address, 2n, 20n * POINTS);
      await skipped(otherShopper.address, 2n);
      expect(await token.balanceOf(otherShopper.address)).to.equal(0n);
      expect(await token.totalSupply()).to.equal(10n * POINTS);
    });

    it("releases an order named twice in one batch once, skipping the repeat", async function () {
      const { token, storefront, shopper, releaseTime } = await loadFixture(pendingFixture);
      await time.increaseTo(releaseTime);
      const tx = token.release(storefront.address, [shopper.address, shopper.address], [1n, 1n]);
      expect(await eventNames(token, tx)).to.deep.equal(["Transfer", "PointsReleased", "ReleaseSkipped"]);
      await expect(tx).to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 1n, NOT_PENDING);
      expect(await token.totalSupply()).to.equal(10n * POINTS);
    });

    it("rejects empty and mismatched batches", async function () {
      const { token, storefront, shopper } = await loadFixture(pendingFixture);
      await expect(token.release(storefront.address, [], []))
        .to.be.revertedWithCustomError(token, "EmptyBatch");
      await expect(token.release(storefront.address, [shopper.address], [1n, 3n]))
        .to.be.revertedWithCustomError(token, "BatchLengthMismatch").withArgs(1n, 2n);
      await expect(token.release(storefront.address, [shopper.address, shopper.address], [1n]))
        .to.be.revertedWithCustomError(token, "BatchLengthMismatch").withArgs(2n, 1n);
    });

    it("refuses to release while paused", async function () {
      const { token, admin, storefront, shopper, releaseTime } = await loadFixture(pendingFixture);
      await time.increaseTo(releaseTime);
      await token.connect(admin).pause();
      await expect(token.release(storefront.address, [shopper.address], [1n])).to.be.revertedWithCustomError(token, "EnforcedPause");
      await expect(token.connect(storefront).release(storefront.address, [shopper.address], [1n])).to.be.revertedWithCustomError(token, "EnforcedPause");
      await token.connect(admin).unpause();
      await token.release(storefront.address, [shopper.address], [1n]);
      expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
    });

    it("releases the rest of a batch around an unknown order", async function () {
      const { token, storefront, shopper, otherShopper, stranger, releaseTime } = await loadFixture(pendingFixture);
      await time.increaseTo(releaseTime);
      await expect(token.connect(stranger).release(storefront.address, [shopper.address, otherShopper.address, shopper.address], [1n, 2n, 42n]))
        .to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 42n, NOT_PENDING);
      expect(await token.totalSupply()).to.equal(30n * POINTS);
      await expectNoRecord(token, storefront.address, shopper.address, 1n);
      await expectNoRecord(token, storefront.address, otherShopper.address, 2n);
    });

    it("releases the rest of a batch around an order still in its window, which stays pending", async function () {
      const { token, storefront, shopper, otherShopper, stranger, releaseTime } = await loadFixture(pendingFixture);
      await time.increaseTo(releaseTime);
      await token.connect(storefront).issue(otherShopper.address, 9n, POINTS);
      await expect(token.connect(stranger).release(storefront.address, [shopper.address, otherShopper.address], [1n, 9n]))
        .to.emit(token, "ReleaseSkipped").withArgs(storefront.address, otherShopper.address, 9n, RETURN_WINDOW_OPEN);
      expect(await token.totalSupply()).to.equal(10n * POINTS);
      expect((await token.recordedOrder(storefront.address, otherShopper.address, 9n)).points).to.equal(POINTS);
    });

    it("counts pending points toward the supply cap at issuance, so that their release never meets it", async function () {
      const { token, admin, storefront, otherStorefront, shopper, otherShopper, releaseTime } = await loadFixture(pendingFixture);
      expect(await token.pendingSupply()).to.equal(60n * POINTS);
      await expect(token.connect(admin).setSupplyCap(59n * POINTS))
        .to.be.revertedWithCustomError(token, "SupplyCapBelowSupply").withArgs(59n * POINTS, 60n * POINTS);
      await token.connect(admin).setSupplyCap(70n * POINTS);
      await expect(token.connect(storefront).issue(shopper.address, 4n, 10n * POINTS + 1n))
        .to.be.revertedWithCustomError(token, "SupplyCapExceeded").withArgs(70n * POINTS, 70n * POINTS + 1n);
      // Points minted at once meet the cap with the pending points beside the supply.
      await expect(token.connect(otherStorefront).issue(shopper.address, 1n, 10n * POINTS + 1n))
        .to.be.revertedWithCustomError(token, "SupplyCapExceeded").withArgs(70n * POINTS, 70n * POINTS + 1n);
      await expect(token.connect(otherStorefront).issueBatch([shopper.address], [1n], [10n * POINTS + 1n]))
        .to.be.revertedWithCustomError(token, "SupplyCapExceeded").withArgs(70n * POINTS, 70n * POINTS + 1n);
      await token.connect(otherStorefront).issue(otherShopper.address, 1n, 10n * POINTS);
      await time.increaseTo(releaseTime);
      await token.release(storefront.address, [shopper.address, otherShopper.address, shopper.address], [1n, 2n, 3n]);
      expect(await token.totalSupply()).to.equal(70n * POINTS);
      expect(await token.pendingSupply()).to.equal(0n);
    });

    it("frees the room of voided points", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(pendingFixture);
      await token.connect(admin).setSupplyCap(60n * POINTS);
      await expect(token.connect(storefront).issue(shopper.address, 4n, 1n))
        .to.be.revertedWithCustomError(token, "SupplyCapExceeded").withArgs(60n * POINTS, 60n * POINTS + 1n);
      await token.connect(storefront).voidPending(shopper.address, 3n, 10n * POINTS);
      expect(await token.pendingSupply()).to.equal(50n * POINTS);
      await token.connect(storefront).issue(shopper.address, 4n, 10n * POINTS);
      expect(await token.pendingSupply()).to.equal(60n * POINTS);
    });

    it("frees the room of clawed-back points", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(windowClawbackFixture);
      await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
      await token.connect(admin).setSupplyCap(10n * POINTS);
      await token.connect(storefront).release(storefront.address, [shopper.address], [1n]);
      await expect(token.connect(storefront).issue(shopper.address, 2n, 1n))
        .to.be.revertedWithCustomError(token, "SupplyCapExceeded").withArgs(10n * POINTS, 10n * POINTS + 1n);
      await token.connect(storefront).clawback(shopper.address, 1n, 4n * POINTS);
      await token.connect(storefront).issue(shopper.address, 2n, 4n * POINTS);
      expect(await token.totalSupply() + (await token.pendingSupply())).to.equal(10n * POINTS);
    });
  });

  describe("voiding pending points", function () {
    async function pendingOrderFixture() {
      const fixture = await windowFixture();
      await fixture.token.connect(fixture.storefront).issue(fixture.shopper.address, 1n, 10n * POINTS);
      return fixture;
    }

    it("keeps voiding while the token is paused: a refund never waits for an incident to end", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(pendingOrderFixture);
      await token.connect(admin).pause();
      await expect(token.connect(storefront).voidPending(shopper.address, 1n, 3n * POINTS))
        .to.emit(token, "PendingPointsVoided").withArgs(storefront.address, shopper.address, 1n, 3n * POINTS, 7n * POINTS);
      expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(7n * POINTS);
    });

    it("voids in part, then the rest, deleting the record", async function () {
      const { token, storefront, shopper, stranger } = await loadFixture(pendingOrderFixture);
      const { releaseTime } = await token.recordedOrder(storefront.address, shopper.address, 1n);
      await expect(token.connect(storefront).voidPending(shopper.address, 1n, 4n * POINTS))
        .to.emit(token, "PendingPointsVoided").withArgs(storefront.address, shopper.address, 1n, 4n * POINTS, 6n * POINTS);
      await expectRecord(token, storefront.address, shopper.address, 1n, { points: 6n * POINTS, releaseTime, released: false, clawbackAllowed: false });
      await expect(token.connect(storefront).voidPending(shopper.address, 1n, 6n * POINTS))
        .to.emit(token, "PendingPointsVoided").withArgs(storefront.address, shopper.address, 1n, 6n * POINTS, 0n);
      await expectNoRecord(token, storefront.address, shopper.address, 1n);
      await time.increaseTo(releaseTime);
      await expect(token.connect(stranger).release(storefront.address, [shopper.address], [1n]))
        .to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 1n, NOT_PENDING);
      await expect(token.connect(storefront).voidPending(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderNotPending").withArgs(storefront.address, shopper.address, 1n);
      // The order number stays rewarded.
      expect(await token.isOrderRewarded(storefront.address, 1n)).to.equal(true);
      await expect(token.connect(storefront).issue(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 1n);
      expect(await token.totalSupply()).to.equal(0n);
    });

    it("refuses to void more than is pending, or nothing", async function () {
      const { token, storefront, shopper } = await loadFixture(pendingOrderFixture);
      await expect(token.connect(storefront).voidPending(shopper.address, 1n, 10n * POINTS + 1n))
        .to.be.revertedWithCustomError(token, "VoidExceedsPending").withArgs(storefront.address, shopper.address, 1n, 10n * POINTS + 1n, 10n * POINTS);
      await token.connect(storefront).voidPending(shopper.address, 1n, 3n * POINTS);
      await expect(token.connect(storefront).voidPending(shopper.address, 1n, 8n * POINTS))
        .to.be.revertedWithCustomError(token, "VoidExceedsPending").withArgs(storefront.address, shopper.address, 1n, 8n * POINTS, 7n * POINTS);
      await expect(token.connect(storefront).voidPending(shopper.address, 1n, 0n)).to.be.revertedWithCustomError(token, "ZeroAmount");
      expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(7n * POINTS);
    });

    it("refuses to void a released order or an unknown one", async function () {
      const { token, storefront, shopper } = await loadFixture(windowClawbackFixture);
      await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
      await token.connect(storefront).release(storefront.address, [shopper.address], [1n]);
      await expect(token.connect(storefront).voidPending(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderNotPending").withArgs(storefront.address, shopper.address, 1n);
      await expect(token.connect(storefront).voidPending(shopper.address, 2n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderNotPending").withArgs(storefront.address, shopper.address, 2n);
      expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
    });

    it("lets no other storefront void the order", async function () {
      const { token, storefront, otherStorefront, shopper, stranger } = await loadFixture(pendingOrderFixture);
      await expect(token.connect(otherStorefront).voidPending(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderNotPending").withArgs(otherStorefront.address, shopper.address, 1n);
      await expect(token.connect(stranger).voidPending(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(stranger.address, await token.ISSUER_ROLE());
      expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(10n * POINTS);
    });

    it("releases exactly the remainder after a partial void", async function () {
      const { token, storefront, shopper, stranger } = await loadFixture(pendingOrderFixture);
      await token.connect(storefront).voidPending(shopper.address, 1n, 4n * POINTS);
      const { releaseTime } = await token.recordedOrder(storefront.address, shopper.address, 1n);
      await time.increaseTo(releaseTime);
      await expect(token.connect(stranger).release(storefront.address, [shopper.address], [1n]))
        .to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, shopper.address, 6n * POINTS);
      expect(await token.balanceOf(shopper.address)).to.equal(6n * POINTS);
      expect(await token.totalSupply()).to.equal(6n * POINTS);
    });
  });

  describe("clawback", function () {
    async function releasedFixture() {
      const fixture = await windowClawbackFixture();
      const { token, storefront, shopper } = fixture;
      await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
      await token.connect(storefront).release(storefront.address, [shopper.address], [1n]);
      return fixture;
    }

    it("burns the clawed-back points: Transfer to zero, then PointsClawedBack", async function () {
      const { token, storefront, shopper } = await loadFixture(releasedFixture);
      const tx = token.connect(storefront).clawback(shopper.address, 1n, 4n * POINTS);
      await expect(tx)
        .to.emit(token, "Transfer").withArgs(shopper.address, ethers.ZeroAddress, 4n * POINTS)
        .and.to.emit(token, "PointsClawedBack").withArgs(storefront.address, shopper.address, 1n, 4n * POINTS, 0n);
      expect(await eventNames(token, tx)).to.deep.equal(["Transfer", "PointsClawedBack"]);
      expect(await token.balanceOf(shopper.address)).to.equal(6n * POINTS);
      expect(await token.totalSupply()).to.equal(6n * POINTS);
      const record = await token.recordedOrder(storefront.address, shopper.address, 1n);
      expect(record.points).to.equal(6n * POINTS);
      expect(record.released).to.equal(true);
      // The rest clears the record.
      await expect(token.connect(storefront).clawback(shopper.address, 1n, 6n * POINTS))
        .to.emit(token, "PointsClawedBack").withArgs(storefront.address, shopper.address, 1n, 6n * POINTS, 0n);
      await expectNoRecord(token, storefront.address, shopper.address, 1n);
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      await expect(token.connect(storefront).clawback(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderNotClawbackable").withArgs(storefront.address, shopper.address, 1n);
    });

    it("reports the points the shopper no longer holds as shortfall", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(releasedFixture);
      await token.connect(shopper).redeem(storefront.address, 5n * POINTS, ethers.ZeroHash);
      await token.connect(shopper).transfer(otherShopper.address, 2n * POINTS);
      const tx = token.connect(storefront).clawback(shopper.address, 1n, 10n * POINTS);
      await expect(tx)
        .to.emit(token, "Transfer").withArgs(shopper.address, ethers.ZeroAddress, 3n * POINTS)
        .and.to.emit(token, "PointsClawedBack").withArgs(storefront.address, shopper.address, 1n, 10n * POINTS, 7n * POINTS);
      expect(await eventNames(token, tx)).to.deep.equal(["Transfer", "PointsClawedBack"]);
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      expect(await token.balanceOf(otherShopper.address)).to.equal(2n * POINTS);
      expect(await token.totalSupply()).to.equal(2n * POINTS);
      await expectNoRecord(token, storefront.address, shopper.address, 1n);
    });

    it("with nothing held, burns nothing and emits only PointsClawedBack", async function () {
      const { token, storefront, shopper } = await loadFixture(releasedFixture);
      await token.connect(shopper).redeem(storefront.address, 10n * POINTS, ethers.ZeroHash);
      const tx = token.connect(storefront).clawback(shopper.address, 1n, 4n * POINTS);
      expect(await eventNames(token, tx)).to.deep.equal(["PointsClawedBack"]);
      await expect(tx).to.emit(token, "PointsClawedBack").withArgs(storefront.address, shopper.address, 1n, 4n * POINTS, 4n * POINTS);
      expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(6n * POINTS);
    });

    it("never claws back more than the order's points: twice cannot exceed it", async function () {
      const { token, storefront, shopper } = await loadFixture(releasedFixture);
      await expect(token.connect(storefront).clawback(shopper.address, 1n, 10n * POINTS + 1n))
        .to.be.revertedWithCustomError(token, "ClawbackExceedsOrder").withArgs(storefront.address, shopper.address, 1n, 10n * POINTS + 1n, 10n * POINTS);
      await token.connect(storefront).clawback(shopper.address, 1n, 7n * POINTS);
      await expect(token.connect(storefront).clawback(shopper.address, 1n, 7n * POINTS))
        .to.be.revertedWithCustomError(token, "ClawbackExceedsOrder").withArgs(storefront.address, shopper.address, 1n, 7n * POINTS, 3n * POINTS);
      await expect(token.connect(storefront).clawback(shopper.address, 1n, 0n)).to.be.revertedWithCustomError(token, "ZeroAmount");
      expect(await token.balanceOf(shopper.address)).to.equal(3n * POINTS);
    });

    it("counts a void before release against the clawback", async function () {
      const { token, storefront, shopper } = await loadFixture(windowClawbackFixture);
      await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
      await token.connect(storefront).voidPending(shopper.address, 1n, 4n * POINTS);
      await token.connect(storefront).release(storefront.address, [shopper.address], [1n]);
      expect(await token.balanceOf(shopper.address)).to.equal(6n * POINTS);
      await expect(token.connect(storefront).clawback(shopper.address, 1n, 10n * POINTS))
        .to.be.revertedWithCustomError(token, "ClawbackExceedsOrder").withArgs(storefront.address, shopper.address, 1n, 10n * POINTS, 6n * POINTS);
      await expect(token.connect(storefront).clawback(shopper.address, 1n, 6n * POINTS + 1n))
        .to.be.revertedWithCustomError(token, "ClawbackExceedsOrder").withArgs(storefront.address, shopper.address, 1n, 6n * POINTS + 1n, 6n * POINTS);
      await expect(token.connect(storefront).clawback(shopper.address, 1n, 6n * POINTS))
        .to.emit(token, "PointsClawedBack").withArgs(storefront.address, shopper.address, 1n, 6n * POINTS, 0n);
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
    });

    it("refuses while the points are still pending", async function () {
      const { token, storefront, shopper } = await loadFixture(windowClawbackFixture);
      await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
      await expect(token.connect(storefront).clawback(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderStillPending").withArgs(storefront.address, shopper.address, 1n);
      expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(10n * POINTS);
    });

    it("refuses orders issued without clawback, even after the storefront turns it on, and unknown orders", async function () {
      const { token, storefront, shopper } = await loadFixture(windowFixture);
      await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
      await token.connect(storefront).issue(shopper.address, 2n, 10n * POINTS);
      await token.connect(storefront).release(storefront.address, [shopper.address], [1n]);
      await token.connect(storefront).setStorefrontPolicy(Number(WINDOW), true);
      // Order 2, still pending, was issued without clawback and keeps that term through release.
      await token.connect(storefront).release(storefront.address, [shopper.address], [2n]);
      for (const orderId of [1n, 2n, 3n]) {
        await expect(token.connect(storefront).clawback(shopper.address, orderId, POINTS))
          .to.be.revertedWithCustomError(token, "OrderNotClawbackable").withArgs(storefront.address, shopper.address, orderId);
      }
      expect(await token.balanceOf(shopper.address)).to.equal(20n * POINTS);
    });

    it("refuses orders of a storefront with no policy at all", async function () {
      const { token, otherStorefront, shopper } = await loadFixture(deployRewardTokenFixture);
      await token.connect(otherStorefront).issue(shopper.address, 1n, 10n * POINTS);
      await expect(token.connect(otherStorefront).clawback(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderNotClawbackable").withArgs(otherStorefront.address, shopper.address, 1n);
      expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
    });

    it("lets no other storefront claw back the order", async function () {
      const { token, storefront, otherStorefront, shopper } = await loadFixture(releasedFixture);
      await expect(token.connect(otherStorefront).clawback(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderNotClawbackable").withArgs(otherStorefront.address, shopper.address, 1n);
      expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(10n * POINTS);
    });

    it("with window 0 and clawback, issues at once and keeps a released record open to clawback", async function () {
      const { token, storefront, shopper } = await loadFixture(clawbackOnlyFixture);
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      const tx = token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
      await expect(tx)
        .to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, shopper.address, 10n * POINTS)
        .and.to.emit(token, "PointsIssued").withArgs(storefront.address, 1n);
      expect(await eventNames(token, tx)).to.deep.equal(["Transfer", "PointsIssued"]);
      expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
      await expectRecord(token, storefront.address, shopper.address, 1n, { points: 10n * POINTS, releaseTime: now, released: true, clawbackAllowed: true });
      await expect(token.connect(storefront).release(storefront.address, [shopper.address], [1n]))
        .to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 1n, NOT_PENDING);
      await expect(token.connect(storefront).voidPending(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderNotPending").withArgs(storefront.address, shopper.address, 1n);
      await expect(token.connect(storefront).clawback(shopper.address, 1n, 10n * POINTS))
        .to.emit(token, "PointsClawedBack").withArgs(storefront.address, shopper.address, 1n, 10n * POINTS, 0n);
      expect(await token.balanceOf(shopper.address)).to.equal(0n);
      await expectNoRecord(token, storefront.address, shopper.address, 1n);
    });

    it("with window 0 and clawback, batches mint at once with one PointsIssued after each Transfer", async function () {
      const { token, storefront, shopper, otherShopper } = await loadFixture(clawbackOnlyFixture);
      const tx = token.connect(storefront).issueBatch([shopper.address, otherShopper.address], [1n, 2n], [POINTS, 2n * POINTS]);
      expect(await eventNames(token, tx)).to.deep.equal(["Transfer", "PointsIssued", "Transfer", "PointsIssued"]);
      expect(await token.balanceOf(otherShopper.address)).to.equal(2n * POINTS);
      const record = await token.recordedOrder(storefront.address, otherShopper.address, 2n);
      expect(record.released).to.equal(true);
      expect(record.clawbackAllowed).to.equal(true);
      expect(record.points).to.equal(2n * POINTS);
      const range = token.connect(storefront).issueForOrderRange(10n, [shopper.address], [3n * POINTS]);
      expect(await eventNames(token, range)).to.deep.equal(["Transfer", "PointsIssued"]);
      expect((await token.recordedOrder(storefront.address, shopper.address, 10n)).points).to.equal(3n * POINTS);
    });

    it("refuses while paused, also when nothing would be burned", async function () {
      const { token, admin, storefront, shopper } = await loadFixture(releasedFixture);
      await token.connect(admin).pause();
      await expect(token.connect(storefront).clawback(shopper.address, 1n, POINTS)).to.be.revertedWithCustomError(token, "EnforcedPause");
      await token.connect(admin).unpause();
      await token.connect(shopper).redeem(storefront.address, 10n * POINTS, ethers.ZeroHash);
      await token.connect(admin).pause();
      await expect(token.connect(storefront).clawback(shopper.address, 1n, POINTS)).to.be.revertedWithCustomError(token, "EnforcedPause");
      expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(10n * POINTS);
    });
  });
});
