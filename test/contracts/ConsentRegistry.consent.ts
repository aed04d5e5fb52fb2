import { expect } from "chai";

import { ONE_DAY, PROFILE, PURCHASES, deployConsentFixture, ethers, networkHelpers, now, pinNextBlock } from "./consentFixtures.js";

const { loadFixture, time } = networkHelpers;

describe("ConsentRegistry: granting and revoking consent", function () {
  it("grants consent with its exact event and stores the terms", async function () {
    const { registry, shopper, consumer } = await loadFixture(deployConsentFixture);
    const expiresAt = (await now()) + ONE_DAY;
    await expect(registry.connect(shopper).grant(consumer.address, PURCHASES, 250n, expiresAt))
      .to.emit(registry, "ConsentGranted").withArgs(shopper.address, consumer.address, PURCHASES, 250n, expiresAt);
    expect(await registry.consentOf(shopper.address, consumer.address, PURCHASES)).to.deep.equal([true, expiresAt, 250n]);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(true);
    expect(await registry.quote(shopper.address, consumer.address, PURCHASES)).to.deep.equal([true, 250n]);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(1n);
    // Only that shopper, consumer and scope.
    expect(await registry.standingConsents(shopper.address, PROFILE)).to.equal(0n);
    expect(await registry.isConsentActive(consumer.address, shopper.address, PURCHASES)).to.equal(false);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PROFILE)).to.equal(false);
  });

  it("accepts a free consent and the largest price and expiry", async function () {
    const { registry, shopper, consumer, otherConsumer } = await loadFixture(deployConsentFixture);
    const maxPrice = 2n ** 96n - 1n;
    const maxExpiry = 2n ** 40n - 1n;
    await expect(registry.connect(shopper).grant(consumer.address, PURCHASES, 0n, maxExpiry))
      .to.emit(registry, "ConsentGranted").withArgs(shopper.address, consumer.address, PURCHASES, 0n, maxExpiry);
    await registry.connect(shopper).grant(otherConsumer.address, PURCHASES, maxPrice, maxExpiry);
    expect(await registry.quote(shopper.address, consumer.address, PURCHASES)).to.deep.equal([true, 0n]);
    expect(await registry.consentOf(shopper.address, otherConsumer.address, PURCHASES)).to.deep.equal([true, maxExpiry, maxPrice]);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(2n);
  });

  it("replaces the terms of a standing consent without counting it twice", async function () {
    const { registry, shopper, consumer, otherConsumer } = await loadFixture(deployConsentFixture);
    const t = await now();
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 100n, t + ONE_DAY);
    await registry.connect(shopper).grant(otherConsumer.address, PURCHASES, 100n, t + ONE_DAY);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(2n);
    await expect(registry.connect(shopper).grant(consumer.address, PURCHASES, 40n, t + 7n * ONE_DAY))
      .to.emit(registry, "ConsentGranted").withArgs(shopper.address, consumer.address, PURCHASES, 40n, t + 7n * ONE_DAY);
    expect(await registry.consentOf(shopper.address, consumer.address, PURCHASES)).to.deep.equal([true, t + 7n * ONE_DAY, 40n]);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(2n);
    // A shorter expiry replaces a longer one too.
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 40n, t + 60n);
    expect(await registry.consentOf(shopper.address, consumer.address, PURCHASES)).to.deep.equal([true, t + 60n, 40n]);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(2n);
    // Revoking both brings the count back to zero, not below.
    await registry.connect(shopper).revoke(consumer.address, PURCHASES);
    await registry.connect(shopper).revoke(otherConsumer.address, PURCHASES);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
  });

  it("counts a re-grant after expiry as the same standing consent", async function () {
    const { registry, shopper, consumer } = await loadFixture(deployConsentFixture);
    const expiresAt = (await now()) + 100n;
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 1n, expiresAt);
    await time.increaseTo(expiresAt + 10n);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(false);
    // Expired but still granted: it still stands for erasure, and re-granting does not count it again.
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(1n);
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 2n, expiresAt + ONE_DAY);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(1n);
    expect(await registry.quote(shopper.address, consumer.address, PURCHASES)).to.deep.equal([true, 2n]);
  });

  it("is active before expiry and inactive at and after expiresAt", async function () {
    const { registry, shopper, consumer } = await loadFixture(deployConsentFixture);
    const grantedAt = await pinNextBlock();
    const expiresAt = grantedAt + 1_000n;
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 7n, expiresAt);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(true);
    await time.increaseTo(expiresAt - 1n);
    expect(await now()).to.equal(expiresAt - 1n);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(true);
    expect(await registry.quote(shopper.address, consumer.address, PURCHASES)).to.deep.equal([true, 7n]);
    await time.increaseTo(expiresAt);
    expect(await now()).to.equal(expiresAt);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(false);
    expect(await registry.quote(shopper.address, consumer.address, PURCHASES)).to.deep.equal([false, 7n]);
    await time.increase(ONE_DAY);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(false);
    // The terms stay stored: the consent expired, it was not revoked.
    expect(await registry.consentOf(shopper.address, consumer.address, PURCHASES)).to.deep.equal([true, expiresAt, 7n]);
  });

  it("accepts an expiry one second after the block and refuses the block's own timestamp", async function () {
    const { registry, shopper, consumer } = await loadFixture(deployConsentFixture);
    let at = await pinNextBlock();
    await expect(registry.connect(shopper).grant(consumer.address, PURCHASES, 1n, at + 1n))
      .to.emit(registry, "ConsentGranted").withArgs(shopper.address, consumer.address, PURCHASES, 1n, at + 1n);
    at = await pinNextBlock();
    await expect(registry.connect(shopper).grant(consumer.address, PROFILE, 1n, at))
      .to.be.revertedWithCustomError(registry, "ExpiryInPast").withArgs(at, at);
    at = await pinNextBlock();
    await expect(registry.connect(shopper).grant(consumer.address, PROFILE, 1n, at - 500n))
      .to.be.revertedWithCustomError(registry, "ExpiryInPast").withArgs(at - 500n, at);
    at = await pinNextBlock();
    await expect(registry.connect(shopper).grant(consumer.address, PROFILE, 1n, 0n))
      .to.be.revertedWithCustomError(registry, "ExpiryInPast").withArgs(0n, at);
    expect(await registry.standingConsents(shopper.address, PROFILE)).to.equal(0n);
  });

  it("revokes with its exact event, effective at once", async function () {
    const { registry, shopper, consumer, otherConsumer } = await loadFixture(deployConsentFixture);
    const expiresAt = (await now()) + ONE_DAY;
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 5n, expiresAt);
    await registry.connect(shopper).grant(otherConsumer.address, PURCHASES, 5n, expiresAt);
    await expect(registry.connect(shopper).revoke(consumer.address, PURCHASES))
      .to.emit(registry, "ConsentRevoked").withArgs(shopper.address, consumer.address, PURCHASES);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(false);
    expect(await registry.quote(shopper.address, consumer.address, PURCHASES)).to.deep.equal([false, 0n]);
    expect(await registry.consentOf(shopper.address, consumer.address, PURCHASES)).to.deep.equal([false, 0n, 0n]);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(1n);
    // The other consumer keeps its consent.
    expect(await registry.isConsentActive(shopper.address, otherConsumer.address, PURCHASES)).to.equal(true);
    // A second revoke has nothing to revoke.
    await expect(registry.connect(shopper).revoke(consumer.address, PURCHASES))
      .to.be.revertedWithCustomError(registry, "ConsentNotGranted").withArgs(shopper.address, consumer.address, PURCHASES);
  });

  it("makes a grant and a revoke mined in one block leave no active consent", async function () {
    const { registry, shopper, consumer } = await loadFixture(deployConsentFixture);
    const expiresAt = (await now()) + ONE_DAY;
    await networkHelpers.mine(); // settle
    await ethers.provider.send("evm_setAutomine", [false]);
    try {
      const grantTx = await registry.connect(shopper).grant(consumer.address, PURCHASES, 9n, expiresAt);
      const revokeTx = await registry.connect(shopper).revoke(consumer.address, PURCHASES);
      await networkHelpers.mine();
      const [g, r] = await Promise.all([grantTx.wait(), revokeTx.wait()]);
      expect(g?.blockNumber).to.equal(r?.blockNumber);
      expect(g?.status).to.equal(1);
      expect(r?.status).to.equal(1);
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(false);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
  });

  it("revokes an expired consent", async function () {
    const { registry, shopper, consumer } = await loadFixture(deployConsentFixture);
    const expiresAt = (await now()) + 10n;
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 5n, expiresAt);
    await time.increaseTo(expiresAt + 1n);
    await expect(registry.connect(shopper).revoke(consumer.address, PURCHASES))
      .to.emit(registry, "ConsentRevoked").withArgs(shopper.address, consumer.address, PURCHASES);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
  });

  it("refuses the zero consumer and the zero scope", async function () {
    const { registry, shopper, consumer } = await loadFixture(deployConsentFixture);
    const expiresAt = (await now()) + ONE_DAY;
    await expect(registry.connect(shopper).grant(ethers.ZeroAddress, PURCHASES, 1n, expiresAt))
      .to.be.revertedWithCustomError(registry, "ZeroAddress").withArgs();
    await expect(registry.connect(shopper).grant(consumer.address, ethers.ZeroHash, 1n, expiresAt))
      .to.be.revertedWithCustomError(registry, "InvalidScope").withArgs();
    // The consumer is checked first.
    await expect(registry.connect(shopper).grant(ethers.ZeroAddress, ethers.ZeroHash, 1n, 0n))
      .to.be.revertedWithCustomError(registry, "ZeroAddress");
    expect(await registry.standingConsents(shopper.address, ethers.ZeroHash)).to.equal(0n);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
  });

  it("refuses to revoke a consent never granted, or another shopper's", async function () {
    const { registry, shopper, otherShopper, consumer } = await loadFixture(deployConsentFixture);
    await expect(registry.connect(shopper).revoke(consumer.address, PURCHASES))
      .to.be.revertedWithCustomError(registry, "ConsentNotGranted").withArgs(shopper.address, consumer.address, PURCHASES);
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 1n, (await now()) + ONE_DAY);
    // Another shopper cannot revoke it: it revokes its own (absent) consent.
    await expect(registry.connect(otherShopper).revoke(consumer.address, PURCHASES))
      .to.be.revertedWithCustomError(registry, "ConsentNotGranted").withArgs(otherShopper.address, consumer.address, PURCHASES);
    // Nor the consumer.
    await expect(registry.connect(consumer).revoke(consumer.address, PURCHASES))
      .to.be.revertedWithCustomError(registry, "ConsentNotGranted").withArgs(consumer.address, consumer.address, PURCHASES);
    await expect(registry.connect(shopper).revoke(consumer.address, PROFILE))
      .to.be.revertedWithCustomError(registry, "ConsentNotGranted").withArgs(shopper.address, consumer.address, PROFILE);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(true);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(1n);
  });

  it("quotes several shoppers at once: active, expired, revoked and never granted", async function () {
    const { registry, consumer, otherConsumer, shopper, otherShopper, relayer, stranger } = await loadFixture(deployConsentFixture);
    const ACTIVE = await registry.QUOTE_ACTIVE();
    expect(ACTIVE).to.equal(1n << 255n);
    const t = await now();
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 300n, t + ONE_DAY); // active
    await registry.connect(otherShopper).grant(consumer.address, PURCHASES, 200n, t + 50n); // will expire
    await registry.connect(relayer).grant(consumer.address, PURCHASES, 100n, t + ONE_DAY); // revoked below
    await registry.connect(relayer).revoke(consumer.address, PURCHASES);
    await registry.connect(stranger).grant(otherConsumer.address, PURCHASES, 999n, t + ONE_DAY); // another consumer only
    await time.increaseTo(t + 50n);
    const shoppers = [shopper.address, otherShopper.address, relayer.address, stranger.address, ethers.ZeroAddress, shopper.address];
    const result = await registry.quotes(consumer.address, PURCHASES, shoppers);
    // Active: the flag and the price; anything else: zero (an expired consent's price is not quoted).
    expect(result).to.deep.equal([ACTIVE | 300n, 0n, 0n, 0n, 0n, ACTIVE | 300n]);
    // quotes agrees with quote, shopper by shopper.
    for (const [i, s] of shoppers.entries()) {
      const q = await registry.quote(s, consumer.address, PURCHASES);
      expect(result[i]).to.equal(q.active ? ACTIVE | q.pricePerAccess : 0n);
    }
    expect(await registry.quotes(consumer.address, PURCHASES, [])).to.deep.equal([]);
    expect(await registry.quotes(otherConsumer.address, PURCHASES, [stranger.address, shopper.address])).to.deep.equal([ACTIVE | 999n, 0n]);
    expect(await registry.quotes(consumer.address, PROFILE, [shopper.address])).to.deep.equal([0n]);
  });

  it("quotes a free active consent and the largest price apart from no consent", async function () {
    const { registry, consumer, shopper, otherShopper, relayer } = await loadFixture(deployConsentFixture);
    const ACTIVE = await registry.QUOTE_ACTIVE();
    const maxPrice = 2n ** 96n - 1n;
    const expiresAt = (await now()) + ONE_DAY;
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 0n, expiresAt);
    await registry.connect(otherShopper).grant(consumer.address, PURCHASES, maxPrice, expiresAt);
    const result = await registry.quotes(consumer.address, PURCHASES, [shopper.address, otherShopper.address, relayer.address]);
    expect(result).to.deep.equal([ACTIVE, ACTIVE | maxPrice, 0n]);
    // The price sits in the low 96 bits, the flag alone in the top bit.
    expect(result[1]! & maxPrice).to.equal(maxPrice);
    expect(result[1]! >> 96n).to.equal(1n << 159n);
  });
});
