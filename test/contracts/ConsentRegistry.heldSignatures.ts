import { expect } from "chai";

import {
  ONE_DAY,
  PURCHASES,
  RECORD_1,
  deployConsentFixture,
  ethers,
  inOneBlock,
  networkHelpers,
  now,
  signedGrant,
  signedRevocation,
} from "./consentFixtures.js";

const { loadFixture } = networkHelpers;
const NONCE_ERA = 1n << 64n;

describe("ConsentRegistry: signatures held back, erasure and cancellation", function () {
  /** A shopper with a record and a standing consent for `consumer`. */
  async function recordFixture() {
    const fixture = await deployConsentFixture();
    const { registry, shopper, consumer } = fixture;
    await registry.connect(shopper).anchorRecord(PURCHASES, RECORD_1);
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 10n, (await now()) + 30n * ONE_DAY);
    return fixture;
  }

  describe("erasing a record", function () {
    it("stops an unexpired grant signed before the erasure from reopening the scope", async function () {
      const { registry, shopper, consumer, otherConsumer, relayer } = await loadFixture(recordFixture);
      const held = await signedGrant(registry, shopper, otherConsumer.address);
      await registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address]);
      await expect(registry.connect(relayer).grantBySignature(held.grant, held.signature))
        .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, NONCE_ERA);
      expect(await registry.isConsentActive(shopper.address, otherConsumer.address, PURCHASES)).to.equal(false);
      expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
    });

    it("stops a revocation signed before the erasure from revoking a consent granted after it", async function () {
      const { registry, shopper, consumer, relayer } = await loadFixture(recordFixture);
      const held = await signedRevocation(registry, shopper, consumer.address);
      await registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address]);
      await registry.connect(shopper).grant(consumer.address, PURCHASES, 11n, (await now()) + ONE_DAY);
      await expect(registry.connect(relayer).revokeBySignature(held.revocation, held.signature))
        .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, NONCE_ERA);
      expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(true);
    });

    it("moves the nonce to the next era with NoncesInvalidated, and signatures made after it work", async function () {
      const { registry, shopper, consumer, otherConsumer, relayer } = await loadFixture(recordFixture);
      const first = await signedGrant(registry, shopper, otherConsumer.address);
      await registry.connect(relayer).grantBySignature(first.grant, first.signature);
      await expect(registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address, otherConsumer.address]))
        .to.emit(registry, "NoncesInvalidated").withArgs(shopper.address, 1n, NONCE_ERA);
      expect(await registry.nonces(shopper.address)).to.equal(NONCE_ERA);
      const after = await signedGrant(registry, shopper, otherConsumer.address);
      expect(after.grant.nonce).to.equal(NONCE_ERA);
      await expect(registry.connect(relayer).grantBySignature(after.grant, after.signature))
        .to.emit(registry, "ConsentGranted");
      // A second erasure moves on to the era after.
      await expect(registry.connect(shopper).eraseRecord(PURCHASES, [otherConsumer.address]))
        .to.emit(registry, "NoncesInvalidated").withArgs(shopper.address, NONCE_ERA + 1n, 2n * NONCE_ERA);
    });

    it("does not touch another shopper's signatures", async function () {
      const { registry, shopper, otherShopper, consumer, relayer } = await loadFixture(recordFixture);
      const held = await signedGrant(registry, otherShopper, consumer.address);
      await registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address]);
      expect(await registry.nonces(otherShopper.address)).to.equal(0n);
      await expect(registry.connect(relayer).grantBySignature(held.grant, held.signature)).to.emit(registry, "ConsentGranted");
    });
  });

  describe("front-running an erasure with a held signature", function () {
    it("erases when a held revocation of a named consumer lands just before, in the same block", async function () {
      const { registry, shopper, consumer, relayer } = await loadFixture(recordFixture);
      const held = await signedRevocation(registry, shopper, consumer.address);
      const [revoked, erased] = await inOneBlock(
        (fees) => registry.connect(relayer).revokeBySignature(held.revocation, held.signature, fees),
        (fees) => registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address], fees),
      );
      expect(revoked!.status).to.equal(1);
      expect(erased!.status).to.equal(1);
      expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(ethers.ZeroHash);
      expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
    });

    it("erases, and revokes the grant, when a held grant to a consumer the shopper named lands just before", async function () {
      const { registry, shopper, consumer, otherConsumer, relayer } = await loadFixture(recordFixture);
      const held = await signedGrant(registry, shopper, otherConsumer.address);
      const [granted, erased] = await inOneBlock(
        (fees) => registry.connect(relayer).grantBySignature(held.grant, held.signature, fees),
        (fees) => registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address, otherConsumer.address], fees),
      );
      expect(granted!.status).to.equal(1);
      expect(erased!.status).to.equal(1);
      expect(await registry.isConsentActive(shopper.address, otherConsumer.address, PURCHASES)).to.equal(false);
      expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
    });

    it("skips named consumers without a standing consent: a stranger, a duplicate, the zero address", async function () {
      const { registry, shopper, consumer, stranger } = await loadFixture(recordFixture);
      const tx = registry.connect(shopper).eraseRecord(PURCHASES, [stranger.address, consumer.address, consumer.address, ethers.ZeroAddress]);
      await expect(tx).to.emit(registry, "DataRecordErased").withArgs(shopper.address, PURCHASES);
      const receipt = await (await tx).wait();
      const revoked = receipt!.logs.filter((log) => log.topics[0] === registry.interface.getEvent("ConsentRevoked").topicHash);
      expect(revoked).to.have.length(1);
    });
  });

  describe("invalidateNonces", function () {
    it("cancels a signed, unsubmitted grant and revocation with NoncesInvalidated", async function () {
      const { registry, shopper, consumer, otherConsumer, relayer } = await loadFixture(recordFixture);
      const grant = await signedGrant(registry, shopper, otherConsumer.address);
      const revocation = await signedRevocation(registry, shopper, consumer.address, { nonce: 1n });
      await expect(registry.connect(shopper).invalidateNonces(2n))
        .to.emit(registry, "NoncesInvalidated").withArgs(shopper.address, 0n, 2n);
      expect(await registry.nonces(shopper.address)).to.equal(2n);
      await expect(registry.connect(relayer).grantBySignature(grant.grant, grant.signature))
        .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, 2n);
      await expect(registry.connect(relayer).revokeBySignature(revocation.revocation, revocation.signature))
        .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, 2n);
      expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(true);
      expect(await registry.isConsentActive(shopper.address, otherConsumer.address, PURCHASES)).to.equal(false);
    });

    it("keeps a signature made for a nonce past the cancelled ones", async function () {
      const { registry, shopper, otherConsumer, relayer } = await loadFixture(recordFixture);
      const later = await signedGrant(registry, shopper, otherConsumer.address, { nonce: 3n });
      await registry.connect(shopper).invalidateNonces(3n);
      await expect(registry.connect(relayer).grantBySignature(later.grant, later.signature)).to.emit(registry, "ConsentGranted");
      expect(await registry.nonces(shopper.address)).to.equal(4n);
    });

    it("refuses a next nonce not above the current one, or more than NONCE_ERA past it", async function () {
      const { registry, shopper } = await loadFixture(recordFixture);
      expect(await registry.NONCE_ERA()).to.equal(NONCE_ERA);
      await registry.connect(shopper).invalidateNonces(5n);
      for (const next of [0n, 4n, 5n, 5n + NONCE_ERA + 1n, ethers.MaxUint256]) {
        await expect(registry.connect(shopper).invalidateNonces(next))
          .to.be.revertedWithCustomError(registry, "NextNonceOutOfRange").withArgs(5n, next);
      }
      await expect(registry.connect(shopper).invalidateNonces(5n + NONCE_ERA))
        .to.emit(registry, "NoncesInvalidated").withArgs(shopper.address, 5n, 5n + NONCE_ERA);
    });

    it("moves only the caller's nonce", async function () {
      const { registry, shopper, otherShopper } = await loadFixture(recordFixture);
      await registry.connect(otherShopper).invalidateNonces(7n);
      expect(await registry.nonces(shopper.address)).to.equal(0n);
      expect(await registry.nonces(otherShopper.address)).to.equal(7n);
    });
  });
});
