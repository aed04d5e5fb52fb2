import { expect } from "chai";

import { consentRegistryDomain } from "../../sdk/src/consent/typedData.js";
import { grantTypes } from "./consentFixtures.js";
import {
  FEE_BPS,
  HOLD,
  ONE_DAY,
  POINTS,
  PRICE,
  RATE_BPS,
  SCOPE,
  deployPointsSystem,
  ethers,
  expectCustodiansCovered,
  issue,
  mineInOrder,
  networkHelpers,
  referSale,
} from "./crossContractFixtures.js";

const { loadFixture, time } = networkHelpers;
const SALE = 200n * POINTS;
const COMMISSION = (SALE * RATE_BPS) / 10_000n;
const FEE = (PRICE * FEE_BPS) / 10_000n;

describe("Cross-contract: points as the escrow's budget token and the data-access payment token", function () {
  /** The system after one referred sale (order 1001) and one access to each shopper. */
  async function inFlightFixture() {
    const system = await deployPointsSystem();
    const { payments, consumer, shopper, otherShopper } = system;
    await referSale(system, 1001n, SALE);
    await (await payments.connect(consumer).recordAccesses(SCOPE, [shopper.address, otherShopper.address], PRICE)).wait();
    return { ...system, referrals: [{ storefront: system.storefront.address, orderId: 1001n }] };
  }

  it("pays a commission and data earnings in points, and each custodian covers its books at every step", async function () {
    const system = await loadFixture(inFlightFixture);
    const { points, escrow, payments, admin, storefront, shopper, partner, partnerPayout, feeRecipient, partnerId, referrals } = system;
    await expectCustodiansCovered(system, referrals);
    expect(await escrow.budgetOf(storefront.address, await points.getAddress())).to.equal(1_000n * POINTS - COMMISSION);

    await time.increase(HOLD);
    await expect(escrow.connect(partner).claim(partnerId, [{ storefront: storefront.address, orderId: 1001n }]))
      .to.changeTokenBalances(ethers, points, [escrow, partnerPayout], [-COMMISSION, COMMISSION]);
    await expectCustodiansCovered(system, referrals);

    await expect(payments.connect(shopper).withdrawEarnings(PRICE - FEE))
      .to.changeTokenBalances(ethers, points, [payments, shopper], [-(PRICE - FEE), PRICE - FEE]);
    await expect(payments.connect(admin).withdrawFees()).to.changeTokenBalances(ethers, points, [feeRecipient], [2n * FEE]);
    await expectCustodiansCovered(system, referrals);
  });

  describe("with the transfer lock on", function () {
    it("keeps accesses and referrals accruing, holds every payout of points until the unlock, and loses nothing", async function () {
      const system = await loadFixture(inFlightFixture);
      const { points, escrow, payments, admin, storefront, consumer, shopper, partner, partnerId, referrals } = system;
      await (await points.connect(admin).setTransfersLocked(true)).wait();
      // Book-keeping moves no token: it goes on.
      await expect(payments.connect(consumer).recordAccess(shopper.address, SCOPE, PRICE)).to.emit(payments, "AccessRecorded");
      await referSale(system, 1002n, SALE);
      referrals.push({ storefront: storefront.address, orderId: 1002n });
      // Every movement of points in or out of a custodian waits.
      const paymentsAddress = await payments.getAddress();
      const escrowAddress = await escrow.getAddress();
      await expect(payments.connect(shopper).withdrawEarnings(PRICE - FEE))
        .to.be.revertedWithCustomError(points, "TransfersLocked").withArgs(paymentsAddress, shopper.address);
      await expect(payments.connect(consumer).deposit(POINTS))
        .to.be.revertedWithCustomError(points, "TransfersLocked").withArgs(consumer.address, paymentsAddress);
      await time.increase(HOLD);
      const keys = [{ storefront: storefront.address, orderId: 1001n }];
      await expect(escrow.connect(partner).claim(partnerId, keys)).to.be.revertedWithCustomError(points, "TransfersLocked");
      await expect(escrow.connect(storefront).withdrawBudget(await points.getAddress(), POINTS, storefront.address))
        .to.be.revertedWithCustomError(points, "TransfersLocked").withArgs(escrowAddress, storefront.address);
      await expectCustodiansCovered(system, referrals);

      await (await points.connect(admin).setTransfersLocked(false)).wait();
      await expect(payments.connect(shopper).withdrawEarnings(2n * (PRICE - FEE))).to.changeTokenBalances(ethers, points, [shopper], [2n * (PRICE - FEE)]);
      await expect(escrow.connect(partner).claim(partnerId, keys)).to.changeTokenBalances(ethers, points, [system.partnerPayout], [COMMISSION]);
      await expectCustodiansCovered(system, referrals);
    });
  });

  describe("with a pause", function () {
    it("the points' pause holds the custodians' payouts with the token's EnforcedPause, and they resume intact", async function () {
      const system = await loadFixture(inFlightFixture);
      const { points, escrow, payments, admin, storefront, consumer, shopper, partner, partnerId, referrals } = system;
      await (await points.connect(admin).pause()).wait();
      await expect(payments.connect(consumer).recordAccess(shopper.address, SCOPE, PRICE)).to.emit(payments, "AccessRecorded");
      await expect(payments.connect(shopper).withdrawEarnings(PRICE - FEE)).to.be.revertedWithCustomError(points, "EnforcedPause");
      await time.increase(HOLD);
      const keys = [{ storefront: storefront.address, orderId: 1001n }];
      await expect(escrow.connect(partner).claim(partnerId, keys)).to.be.revertedWithCustomError(points, "EnforcedPause");
      await expectCustodiansCovered(system, referrals);
      await (await points.connect(admin).unpause()).wait();
      await expect(payments.connect(shopper).withdrawEarnings(2n * (PRICE - FEE))).to.changeTokenBalances(ethers, points, [shopper], [2n * (PRICE - FEE)]);
      await expect(escrow.connect(partner).claim(partnerId, keys)).to.changeTokenBalances(ethers, points, [system.partnerPayout], [COMMISSION]);
      await expectCustodiansCovered(system, referrals);
    });

    it("a pause of DataAccessPayments stops neither the points nor the escrow", async function () {
      const system = await loadFixture(inFlightFixture);
      const { points, escrow, payments, admin, storefront, consumer, shopper, partner, partnerId, referrals } = system;
      await (await payments.connect(admin).pause()).wait();
      await expect(payments.connect(consumer).recordAccess(shopper.address, SCOPE, PRICE)).to.be.revertedWithCustomError(payments, "EnforcedPause");
      await expect(points.connect(consumer).transfer(shopper.address, POINTS)).to.changeTokenBalances(ethers, points, [shopper], [POINTS]);
      await time.increase(HOLD);
      await expect(escrow.connect(partner).claim(partnerId, [{ storefront: storefront.address, orderId: 1001n }]))
        .to.changeTokenBalances(ethers, points, [system.partnerPayout], [COMMISSION]);
      await expectCustodiansCovered(system, referrals);
    });
  });

  describe("role revocation mid-flow", function () {
    it("a storefront whose issuer role is revoked keeps its budget withdrawable, and its partner's commission claimable", async function () {
      const system = await loadFixture(inFlightFixture);
      const { points, escrow, admin, storefront, partner, partnerId, referrals } = system;
      await (await points.connect(admin).revokeRole(await points.ISSUER_ROLE(), storefront.address)).wait();
      await expect(points.connect(storefront).issue(storefront.address, 99_999n, POINTS)).to.be.revert(ethers);
      await time.increase(HOLD);
      await expect(escrow.connect(partner).claim(partnerId, [{ storefront: storefront.address, orderId: 1001n }]))
        .to.changeTokenBalances(ethers, points, [system.partnerPayout], [COMMISSION]);
      const left = await escrow.budgetOf(storefront.address, await points.getAddress());
      await expect(escrow.connect(storefront).withdrawBudget(await points.getAddress(), left, storefront.address))
        .to.changeTokenBalances(ethers, points, [escrow, storefront], [-left, left]);
      await expectCustodiansCovered(system, referrals);
      expect(await points.balanceOf(await escrow.getAddress())).to.equal(0n);
    });

    it("a consumer whose shopper revokes between two batches pays for the first only", async function () {
      const system = await loadFixture(inFlightFixture);
      const { payments, registry, consumer, shopper, otherShopper, referrals } = system;
      await (await registry.connect(shopper).revoke(consumer.address, SCOPE)).wait();
      await expect(payments.connect(consumer).recordAccesses(SCOPE, [otherShopper.address, shopper.address], PRICE))
        .to.be.revertedWithCustomError(payments, "AccessWithoutConsent").withArgs(shopper.address, SCOPE);
      expect(await payments.earningsOf(shopper.address)).to.equal(PRICE - FEE);
      await expectCustodiansCovered(system, referrals);
    });
  });

  describe("signatures signed but not yet submitted", function () {
    it("a signed consent pays nothing until it lands; a cancelled one never lands", async function () {
      const system = await loadFixture(inFlightFixture);
      const { registry, payments, consumer, otherShopper, relayer, referrals } = system;
      const other = ethers.id("browsing-history");
      const { chainId } = await ethers.provider.getNetwork();
      const domain = consentRegistryDomain(chainId, await registry.getAddress());
      const grant = async (price: bigint) => {
        const message = {
          shopper: otherShopper.address,
          consumer: consumer.address,
          scope: other,
          pricePerAccess: price,
          expiresAt: BigInt(await time.latest()) + ONE_DAY,
          nonce: await registry.nonces(otherShopper.address),
          deadline: BigInt(await time.latest()) + 3_600n,
        };
        return { message, signature: await otherShopper.signTypedData(domain, grantTypes, message) };
      };
      const held = await grant(PRICE);
      await expect(payments.connect(consumer).recordAccess(otherShopper.address, other, PRICE))
        .to.be.revertedWithCustomError(payments, "AccessWithoutConsent").withArgs(otherShopper.address, other);
      await (await registry.connect(relayer).grantBySignature(held.message, held.signature)).wait();
      await expect(payments.connect(consumer).recordAccess(otherShopper.address, other, PRICE)).to.emit(payments, "AccessRecorded");

      // A cheaper re-grant, signed and then cancelled before anyone submits it.
      const cancelled = await grant(1n);
      await (await registry.connect(otherShopper).invalidateNonces(cancelled.message.nonce + 1n)).wait();
      await expect(registry.connect(relayer).grantBySignature(cancelled.message, cancelled.signature))
        .to.be.revertedWithCustomError(registry, "InvalidAccountNonce");
      expect((await registry.quote(otherShopper.address, consumer.address, other)).pricePerAccess).to.equal(PRICE);
      await expectCustodiansCovered(system, referrals);
    });

    it("a signed earnings withdrawal held while the shopper withdraws directly cannot pay twice", async function () {
      const system = await loadFixture(inFlightFixture);
      const { points, payments, shopper, relayer, referrals } = system;
      const earned = await payments.earningsOf(shopper.address);
      const { chainId } = await ethers.provider.getNetwork();
      const domain = { name: "dCRM DataAccessPayments", version: "1", chainId, verifyingContract: await payments.getAddress() };
      const types = { EarningsWithdrawal: [
        { name: "shopper", type: "address" }, { name: "to", type: "address" }, { name: "amount", type: "uint256" },
        { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
      ] };
      const message = { shopper: shopper.address, to: relayer.address, amount: earned, nonce: 0n, deadline: BigInt(await time.latest()) + 3_600n };
      const signature = await shopper.signTypedData(domain, types, message);
      await (await payments.connect(shopper).withdrawEarnings(earned)).wait();
      await expect(payments.connect(relayer).withdrawEarningsBySignature(message, signature))
        .to.be.revertedWithCustomError(payments, "InsufficientEarnings").withArgs(shopper.address, 0n, earned);
      expect(await points.balanceOf(relayer.address)).to.equal(0n);
      await expectCustodiansCovered(system, referrals);
    });
  });

  describe("transaction ordering", function () {
    it("a revocation mined just before an access batch reverts the batch; mined just after, the access is paid", async function () {
      const system = await loadFixture(inFlightFixture);
      const { payments, registry, consumer, shopper, otherShopper, referrals } = system;
      const batch = [shopper.address, otherShopper.address];
      const earnedBefore = await payments.earningsOf(shopper.address);
      expect(await mineInOrder(
        (o) => registry.connect(shopper).revoke(consumer.address, SCOPE, o),
        (o) => payments.connect(consumer).recordAccesses(SCOPE, batch, PRICE, o),
      )).to.deep.equal([1, 0]);
      expect(await payments.earningsOf(shopper.address)).to.equal(earnedBefore);

      expect(await mineInOrder(
        (o) => payments.connect(consumer).recordAccess(otherShopper.address, SCOPE, PRICE, o),
        (o) => registry.connect(otherShopper).revoke(consumer.address, SCOPE, o),
      )).to.deep.equal([1, 1]);
      expect(await payments.earningsOf(otherShopper.address)).to.equal(2n * (PRICE - FEE));
      await expectCustodiansCovered(system, referrals);
    });

    it("a price raised just before a batch cannot charge the consumer more than its maximum", async function () {
      const system = await loadFixture(inFlightFixture);
      const { payments, registry, consumer, shopper, referrals } = system;
      const deposit = await payments.depositOf(consumer.address);
      const expiresAt = BigInt(await time.latest()) + ONE_DAY;
      expect(await mineInOrder(
        (o) => registry.connect(shopper).grant(consumer.address, SCOPE, 10n * PRICE, expiresAt, o),
        (o) => payments.connect(consumer).recordAccesses(SCOPE, [shopper.address], PRICE, o),
      )).to.deep.equal([1, 0]);
      expect(await payments.depositOf(consumer.address)).to.equal(deposit);
      await expectCustodiansCovered(system, referrals);
    });

    it("a referral voided just before the partner's claim is never paid, and its commission returns to the budget", async function () {
      const system = await loadFixture(inFlightFixture);
      const { points, escrow, storefront, partner, partnerId, referrals } = system;
      const budget = await escrow.budgetOf(storefront.address, await points.getAddress());
      await referSale(system, 1002n, SALE);
      referrals.push({ storefront: storefront.address, orderId: 1002n });
      await time.increase(HOLD - 60n);
      const statuses = await mineInOrder(
        (o) => escrow.connect(storefront).voidReferral(1002n, o),
        (o) => escrow.connect(partner).claim(partnerId, [{ storefront: storefront.address, orderId: 1002n }], o),
      );
      expect(statuses[0]).to.equal(1);
      expect((await escrow.referralOf(storefront.address, 1002n)).status).to.equal(2n);
      expect(await points.balanceOf(system.partnerPayout.address)).to.equal(0n);
      expect(await escrow.budgetOf(storefront.address, await points.getAddress())).to.equal(budget);
      await expectCustodiansCovered(system, referrals);
    });
  });

  it("points sent straight to a custodian change none of its books, and it still covers them", async function () {
    const system = await loadFixture(inFlightFixture);
    const { points, payments, storefront, shopper, referrals } = system;
    // A gift to the custodian: nobody is credited for it.
    await issue(system, storefront, shopper.address, 5n * POINTS);
    await (await points.connect(shopper).transfer(await payments.getAddress(), 5n * POINTS)).wait();
    expect(await payments.earningsOf(shopper.address)).to.equal(PRICE - FEE);
    await expectCustodiansCovered(system, referrals);
  });
});
