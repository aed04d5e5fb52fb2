import type { ContractTransactionResponse } from "ethers";
import { expect } from "chai";

import {
  CAP,
  ONE_DAY,
  POINTS,
  compact,
  deployRewardTokenFixture,
  domainOf,
  ethers,
  inAnHour,
  networkHelpers,
  voucherTypes,
} from "./fixtures.js";

const { loadFixture, time } = networkHelpers;

const WINDOW = 14n * ONE_DAY;
const GWEI = 10n ** 9n;

/** The storefront has authorised two signer keys; the other storefront has none. */
async function keysFixture() {
  const fixture = await deployRewardTokenFixture();
  const signers = await ethers.getSigners();
  const [key, secondKey, thirdKey] = [signers[6], signers[7], signers[8]];
  if (!key || !secondKey || !thirdKey) throw new Error("fixture: needs nine funded accounts");
  const { token, storefront } = fixture;
  await (await token.connect(storefront).setIssuerKey(key.address, true)).wait();
  await (await token.connect(storefront).setIssuerKey(secondKey.address, true)).wait();
  return { ...fixture, key, secondKey, thirdKey, issuerRole: await token.ISSUER_ROLE() };
}

/** As `keysFixture`, with the storefront holding points pending through a return window, clawback allowed. */
async function keysWithPolicyFixture() {
  const fixture = await keysFixture();
  await (await fixture.token.connect(fixture.storefront).setStorefrontPolicy(Number(WINDOW), true)).wait();
  return fixture;
}

/** Sends both transactions into one block, `first` ahead by its fee, and returns their statuses in order. */
async function inOneBlock(first: (fees: object) => Promise<ContractTransactionResponse>, second: (fees: object) => Promise<ContractTransactionResponse>) {
  const fees = (rank: bigint) => ({ gasLimit: 400_000n, maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: rank * GWEI });
  await ethers.provider.send("evm_setAutomine", [false]);
  try {
    const sent = [await first(fees(3n)), await second(fees(1n))];
    await ethers.provider.send("evm_mine", []);
    const [a, b] = await Promise.all(sent.map((tx) => ethers.provider.getTransactionReceipt(tx.hash)));
    if (!a || !b) throw new Error("both transactions should be mined");
    expect(a.blockNumber).to.equal(b.blockNumber, "one block");
    expect(a.index).to.be.lessThan(b.index, "the first ahead of the second");
    return { first: a.status, second: b.status };
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
}

describe("RewardToken: signer keys act for their storefront", function () {
  describe("authorising and removing keys", function () {
    it("authorises a key: the event names storefront and key, and the key's storefront is readable", async function () {
      const { token, storefront, thirdKey, issuerRole } = await loadFixture(keysFixture);
      await expect(token.connect(storefront).setIssuerKey(thirdKey.address, true))
        .to.emit(token, "IssuerKeySet").withArgs(storefront.address, thirdKey.address, true);
      expect(await token.storefrontOfKey(thirdKey.address)).to.equal(storefront.address);
      // A key does not hold the role: it acts for the storefront that does.
      expect(await token.hasRole(issuerRole, thirdKey.address)).to.equal(false);
    });

    it("authorising a key the storefront already has changes nothing and emits nothing", async function () {
      const { token, storefront, key } = await loadFixture(keysFixture);
      await expect(token.connect(storefront).setIssuerKey(key.address, true)).not.to.emit(token, "IssuerKeySet");
      expect(await token.storefrontOfKey(key.address)).to.equal(storefront.address);
    });

    it("removes a key: the event says so and the key acts for no storefront", async function () {
      const { token, storefront, key, shopper, issuerRole } = await loadFixture(keysFixture);
      await expect(token.connect(storefront).setIssuerKey(key.address, false))
        .to.emit(token, "IssuerKeySet").withArgs(storefront.address, key.address, false);
      expect(await token.storefrontOfKey(key.address)).to.equal(ethers.ZeroAddress);
      await expect(token.connect(key).issue(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(key.address, issuerRole);
    });

    it("refuses the zero address as a key with ZeroAddress", async function () {
      const { token, storefront } = await loadFixture(keysFixture);
      await expect(token.connect(storefront).setIssuerKey(ethers.ZeroAddress, true))
        .to.be.revertedWithCustomError(token, "ZeroAddress");
    });

    it("refuses a key of another storefront with IssuerKeyOfAnotherStorefront", async function () {
      const { token, storefront, otherStorefront, key } = await loadFixture(keysFixture);
      await expect(token.connect(otherStorefront).setIssuerKey(key.address, true))
        .to.be.revertedWithCustomError(token, "IssuerKeyOfAnotherStorefront").withArgs(key.address, storefront.address);
    });

    it("refuses a storefront as another's key with IssuerKeyIsStorefront", async function () {
      const { token, storefront, otherStorefront } = await loadFixture(keysFixture);
      await expect(token.connect(storefront).setIssuerKey(otherStorefront.address, true))
        .to.be.revertedWithCustomError(token, "IssuerKeyIsStorefront").withArgs(otherStorefront.address);
      await expect(token.connect(storefront).setIssuerKey(storefront.address, true))
        .to.be.revertedWithCustomError(token, "IssuerKeyIsStorefront").withArgs(storefront.address);
    });

    it("refuses to remove a key of another storefront, or an account that is no key, with NotIssuerKeyOf", async function () {
      const { token, otherStorefront, key, thirdKey } = await loadFixture(keysFixture);
      await expect(token.connect(otherStorefront).setIssuerKey(key.address, false))
        .to.be.revertedWithCustomError(token, "NotIssuerKeyOf").withArgs(key.address, otherStorefront.address);
      await expect(token.connect(otherStorefront).setIssuerKey(thirdKey.address, false))
        .to.be.revertedWithCustomError(token, "NotIssuerKeyOf").withArgs(thirdKey.address, otherStorefront.address);
    });

    it("lets only an issuer manage keys: a key or a stranger gets AccessControlUnauthorizedAccount", async function () {
      const { token, key, stranger, thirdKey, issuerRole } = await loadFixture(keysFixture);
      for (const caller of [key, stranger]) {
        await expect(token.connect(caller).setIssuerKey(thirdKey.address, true))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(caller.address, issuerRole);
      }
    });

    it("refuses the issuer role to a key with AccountIsIssuerKey, and grants it once the key is removed", async function () {
      const { token, admin, storefront, key, issuerRole } = await loadFixture(keysFixture);
      await expect(token.connect(admin).grantRole(issuerRole, key.address))
        .to.be.revertedWithCustomError(token, "AccountIsIssuerKey").withArgs(key.address, storefront.address);
      await token.connect(storefront).setIssuerKey(key.address, false);
      await expect(token.connect(admin).grantRole(issuerRole, key.address)).to.emit(token, "RoleGranted");
      expect(await token.hasRole(issuerRole, key.address)).to.equal(true);
    });

    it("keeps a key's flag when the admin sets a cap on the key's address", async function () {
      const { token, admin, storefront, key, shopper } = await loadFixture(keysFixture);
      await token.connect(admin).setIssuanceCap(key.address, 1n, ONE_DAY);
      await expect(token.connect(key).issue(shopper.address, 1n, 5n * POINTS))
        .to.emit(token, "PointsIssued").withArgs(storefront.address, 1n);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(5n * POINTS);
    });
  });

  describe("issuing as the storefront", function () {
    it("issues one order: the storefront's cap is charged, its bitmap marked, and the event names it", async function () {
      const { token, storefront, key, shopper } = await loadFixture(keysFixture);
      await expect(token.connect(key).issue(shopper.address, 7n, 3n * POINTS))
        .to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, shopper.address, 3n * POINTS)
        .and.to.emit(token, "PointsIssued").withArgs(storefront.address, 7n);
      expect(await token.isOrderRewarded(storefront.address, 7n)).to.equal(true);
      expect(await token.isOrderRewarded(key.address, 7n)).to.equal(false);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(3n * POINTS);
      expect((await token.storefrontIssuance(key.address)).issuedInPeriod).to.equal(0n);
    });

    it("issues a batch and an order range as the storefront", async function () {
      const { token, storefront, key, secondKey, shopper, otherShopper } = await loadFixture(keysFixture);
      await expect(token.connect(key).issueBatch([shopper.address, otherShopper.address], [1n, 5n], [POINTS, 2n * POINTS]))
        .to.emit(token, "PointsIssuedInBatch").withArgs(storefront.address, [1n, 5n]);
      await expect(token.connect(secondKey).issueForOrderRange(10n, [shopper.address, otherShopper.address], [POINTS, POINTS]))
        .to.emit(token, "PointsIssuedForOrderRange").withArgs(storefront.address, 10n, 2n);
      for (const orderId of [1n, 5n, 10n, 11n]) expect(await token.isOrderRewarded(storefront.address, orderId)).to.equal(true);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(5n * POINTS);
    });

    it("rewards an order once whichever key sends it: OrderAlreadyRewarded names the storefront", async function () {
      const { token, storefront, key, secondKey, shopper } = await loadFixture(keysFixture);
      await token.connect(key).issue(shopper.address, 3n, POINTS);
      await expect(token.connect(secondKey).issue(shopper.address, 3n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 3n);
      await expect(token.connect(storefront).issueBatch([shopper.address], [3n], [POINTS]))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 3n);
      await expect(token.connect(secondKey).issueForOrderRange(2n, [shopper.address, shopper.address], [POINTS, POINTS]))
        .to.be.revertedWithCustomError(token, "OrderAlreadyRewarded").withArgs(storefront.address, 3n);
      expect(await token.balanceOf(shopper.address)).to.equal(POINTS);
    });

    it("rewards an order once when two keys send it into the same block", async function () {
      const { token, key, secondKey, shopper } = await loadFixture(keysFixture);
      const statuses = await inOneBlock(
        (fees) => token.connect(key).issue(shopper.address, 4n, POINTS, fees),
        (fees) => token.connect(secondKey).issue(shopper.address, 4n, POINTS, fees),
      );
      expect(statuses).to.deep.equal({ first: 1, second: 0 });
      expect(await token.balanceOf(shopper.address)).to.equal(POINTS);
    });

    it("counts keys and storefront under one cap: together they cannot pass it", async function () {
      const { token, admin, storefront, key, secondKey, shopper } = await loadFixture(keysFixture);
      await token.connect(admin).setIssuanceCap(storefront.address, 10n * POINTS, ONE_DAY);
      await token.connect(storefront).issue(shopper.address, 1n, 4n * POINTS);
      await token.connect(key).issue(shopper.address, 2n, 4n * POINTS);
      const { periodStart } = await token.storefrontIssuance(storefront.address);
      await expect(token.connect(secondKey).issueBatch([shopper.address, shopper.address], [3n, 4n], [POINTS, 2n * POINTS]))
        .to.be.revertedWithCustomError(token, "IssuanceCapExceeded")
        .withArgs(storefront.address, 10n * POINTS, periodStart, 8n * POINTS, 3n * POINTS);
      await token.connect(secondKey).issue(shopper.address, 3n, 2n * POINTS);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(10n * POINTS);
    });

    it("issues a voucher a key signed for its storefront, and refuses one a removed key signed", async function () {
      const { token, storefront, key, shopper, stranger } = await loadFixture(keysFixture);
      const voucher = { shopper: shopper.address, amount: 2n * POINTS, storefront: storefront.address, orderId: 21n, deadline: await inAnHour() };
      const signed = compact(await key.signTypedData(await domainOf(token), voucherTypes, voucher));
      await expect(token.connect(stranger).claimVoucher(voucher, ...signed))
        .to.emit(token, "PointsIssued").withArgs(storefront.address, 21n);
      const later = { ...voucher, orderId: 22n };
      const laterSigned = compact(await key.signTypedData(await domainOf(token), voucherTypes, later));
      await token.connect(storefront).setIssuerKey(key.address, false);
      await expect(token.connect(stranger).claimVoucher(later, ...laterSigned))
        .to.be.revertedWithCustomError(token, "VoucherSignerMismatch").withArgs(key.address, storefront.address);
    });

    it("refuses a voucher a key signed naming another storefront with VoucherSignerMismatch", async function () {
      const { token, otherStorefront, key, shopper, stranger } = await loadFixture(keysFixture);
      const voucher = { shopper: shopper.address, amount: POINTS, storefront: otherStorefront.address, orderId: 1n, deadline: await inAnHour() };
      const signed = compact(await key.signTypedData(await domainOf(token), voucherTypes, voucher));
      await expect(token.connect(stranger).claimVoucher(voucher, ...signed))
        .to.be.revertedWithCustomError(token, "VoucherSignerMismatch").withArgs(key.address, otherStorefront.address);
    });
  });

  describe("under the storefront's policy", function () {
    it("records a key's order pending under the storefront, and another key voids it", async function () {
      const { token, storefront, key, secondKey, shopper } = await loadFixture(keysWithPolicyFixture);
      await expect(token.connect(key).issue(shopper.address, 1n, 10n * POINTS)).to.emit(token, "PointsPending");
      expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(10n * POINTS);
      await expect(token.connect(secondKey).voidPending(shopper.address, 1n, 4n * POINTS))
        .to.emit(token, "PendingPointsVoided").withArgs(storefront.address, shopper.address, 1n, 4n * POINTS, 6n * POINTS);
    });

    it("lets a key release its storefront's orders early, and skips them for a stranger or another storefront's key", async function () {
      const { token, storefront, otherStorefront, key, thirdKey, stranger, shopper } = await loadFixture(keysWithPolicyFixture);
      await token.connect(key).issueBatch([shopper.address, shopper.address], [1n, 2n], [POINTS, POINTS]);
      await token.connect(otherStorefront).setIssuerKey(thirdKey.address, true);
      for (const caller of [stranger, thirdKey]) {
        await expect(token.connect(caller).release(storefront.address, [shopper.address], [1n]))
          .to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 1n, 1n);
      }
      await expect(token.connect(key).release(storefront.address, [shopper.address, shopper.address], [1n, 2n]))
        .to.emit(token, "PointsReleased").withArgs(storefront.address, 2n);
      expect(await token.balanceOf(shopper.address)).to.equal(2n * POINTS);
    });

    it("lets a key claw back a released order of its storefront", async function () {
      const { token, storefront, key, secondKey, shopper } = await loadFixture(keysWithPolicyFixture);
      await token.connect(key).issue(shopper.address, 1n, 10n * POINTS);
      await time.increase(WINDOW);
      await token.connect(secondKey).release(storefront.address, [shopper.address], [1n]);
      await expect(token.connect(secondKey).clawback(shopper.address, 1n, 3n * POINTS))
        .to.emit(token, "PointsClawedBack").withArgs(storefront.address, shopper.address, 1n, 3n * POINTS, 0n);
      expect(await token.balanceOf(shopper.address)).to.equal(7n * POINTS);
    });

    it("names the storefront in the errors a key meets: OrderNotPending, OrderNotClawbackable", async function () {
      const { token, storefront, key, shopper } = await loadFixture(keysWithPolicyFixture);
      await expect(token.connect(key).voidPending(shopper.address, 9n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderNotPending").withArgs(storefront.address, shopper.address, 9n);
      await expect(token.connect(key).clawback(shopper.address, 9n, POINTS))
        .to.be.revertedWithCustomError(token, "OrderNotClawbackable").withArgs(storefront.address, shopper.address, 9n);
    });
  });

  describe("revocation", function () {
    it("ends every key's power with the storefront's role, and gives it back with the role", async function () {
      const { token, admin, storefront, key, secondKey, shopper, issuerRole } = await loadFixture(keysWithPolicyFixture);
      await token.connect(key).issue(shopper.address, 1n, 10n * POINTS);
      await token.connect(admin).revokeRole(issuerRole, storefront.address);
      const refused = "AccessControlUnauthorizedAccount";
      await expect(token.connect(key).issue(shopper.address, 2n, POINTS)).to.be.revertedWithCustomError(token, refused).withArgs(storefront.address, issuerRole);
      await expect(token.connect(key).issueBatch([shopper.address], [2n], [POINTS])).to.be.revertedWithCustomError(token, refused).withArgs(storefront.address, issuerRole);
      await expect(token.connect(secondKey).issueForOrderRange(2n, [shopper.address], [POINTS])).to.be.revertedWithCustomError(token, refused).withArgs(storefront.address, issuerRole);
      await expect(token.connect(key).voidPending(shopper.address, 1n, POINTS)).to.be.revertedWithCustomError(token, refused).withArgs(storefront.address, issuerRole);
      await expect(token.connect(key).clawback(shopper.address, 1n, POINTS)).to.be.revertedWithCustomError(token, refused).withArgs(storefront.address, issuerRole);
      await expect(token.connect(key).release(storefront.address, [shopper.address], [1n]))
        .to.emit(token, "ReleaseSkipped").withArgs(storefront.address, shopper.address, 1n, 1n);
      await token.connect(admin).grantRole(issuerRole, storefront.address);
      await expect(token.connect(key).issue(shopper.address, 2n, POINTS)).to.emit(token, "PointsPending");
    });

    it("refuses a voucher a key signed once its storefront is revoked", async function () {
      const { token, admin, storefront, key, shopper, stranger, issuerRole } = await loadFixture(keysFixture);
      const voucher = { shopper: shopper.address, amount: POINTS, storefront: storefront.address, orderId: 1n, deadline: await inAnHour() };
      const signed = compact(await key.signTypedData(await domainOf(token), voucherTypes, voucher));
      await token.connect(admin).revokeRole(issuerRole, storefront.address);
      await expect(token.connect(stranger).claimVoucher(voucher, ...signed))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(storefront.address, issuerRole);
    });

    it("a key removed in the same block, ahead of its issuance: the issuance fails and nothing is issued", async function () {
      const { token, storefront, key, shopper, issuerRole } = await loadFixture(keysFixture);
      const statuses = await inOneBlock(
        (fees) => token.connect(storefront).setIssuerKey(key.address, false, fees),
        (fees) => token.connect(key).issue(shopper.address, 1n, POINTS, fees),
      );
      expect(statuses).to.deep.equal({ first: 1, second: 0 });
      expect(await token.isOrderRewarded(storefront.address, 1n)).to.equal(false);
      await expect(token.connect(key).issue(shopper.address, 1n, POINTS))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(key.address, issuerRole);
    });

    it("a key's issuance ahead of its removal in the same block: the order stays issued to the storefront", async function () {
      const { token, storefront, key, shopper } = await loadFixture(keysFixture);
      const statuses = await inOneBlock(
        (fees) => token.connect(key).issue(shopper.address, 1n, POINTS, fees),
        (fees) => token.connect(storefront).setIssuerKey(key.address, false, fees),
      );
      expect(statuses).to.deep.equal({ first: 1, second: 1 });
      expect(await token.isOrderRewarded(storefront.address, 1n)).to.equal(true);
      expect(await token.storefrontOfKey(key.address)).to.equal(ethers.ZeroAddress);
      expect((await token.storefrontIssuance(storefront.address)).issuedInPeriod).to.equal(POINTS);
    });
  });

  it("leaves the storefront's own issuance word as it was: the key's flag lives in the key's word", async function () {
    const { token, storefront } = await loadFixture(keysFixture);
    const issuance = await token.storefrontIssuance(storefront.address);
    expect(issuance.isIssuer).to.equal(true);
    expect(issuance.capPerPeriod).to.equal(CAP);
  });
});
