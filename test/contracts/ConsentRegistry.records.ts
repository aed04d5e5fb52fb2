import { expect } from "chai";

import { ONE_DAY, PROFILE, PURCHASES, RECORD_1, RECORD_2, deployConsentFixture, ethers, networkHelpers, now } from "./consentFixtures.js";

const { loadFixture } = networkHelpers;

describe("ConsentRegistry: data records", function () {
  /** A shopper with a record and three consents for purchases, and a record and one consent for the profile. */
  async function sharedDataFixture() {
    const fixture = await deployConsentFixture();
    const { registry, shopper, consumer, otherConsumer, thirdConsumer } = fixture;
    const expiresAt = (await now()) + 30n * ONE_DAY;
    await registry.connect(shopper).anchorRecord(PURCHASES, RECORD_1);
    await registry.connect(shopper).anchorRecord(PROFILE, RECORD_2);
    for (const c of [consumer, otherConsumer, thirdConsumer]) {
      await registry.connect(shopper).grant(c.address, PURCHASES, 10n, expiresAt);
    }
    await registry.connect(shopper).grant(consumer.address, PROFILE, 20n, expiresAt);
    return { ...fixture, expiresAt };
  }

  it("anchors a record with its event, and keeps every anchor in the event history", async function () {
    const { registry, shopper } = await loadFixture(deployConsentFixture);
    expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(ethers.ZeroHash);
    const from = await ethers.provider.getBlockNumber();
    await expect(registry.connect(shopper).anchorRecord(PURCHASES, RECORD_1))
      .to.emit(registry, "DataRecordAnchored").withArgs(shopper.address, PURCHASES, RECORD_1);
    expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(RECORD_1);
    await expect(registry.connect(shopper).anchorRecord(PURCHASES, RECORD_2))
      .to.emit(registry, "DataRecordAnchored").withArgs(shopper.address, PURCHASES, RECORD_2);
    expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(RECORD_2);
    const events = await registry.queryFilter(registry.filters.DataRecordAnchored(shopper.address, PURCHASES), from + 1);
    expect(events.map((e) => [...e.args])).to.deep.equal([
      [shopper.address, PURCHASES, RECORD_1],
      [shopper.address, PURCHASES, RECORD_2],
    ]);
    // Anchoring the same record again is allowed and logged again.
    await expect(registry.connect(shopper).anchorRecord(PURCHASES, RECORD_2))
      .to.emit(registry, "DataRecordAnchored").withArgs(shopper.address, PURCHASES, RECORD_2);
    // Records are per shopper and per scope; anchoring grants nothing.
    expect(await registry.recordOf(shopper.address, PROFILE)).to.equal(ethers.ZeroHash);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
  });

  it("anchors only the caller's record", async function () {
    const { registry, shopper, otherShopper } = await loadFixture(deployConsentFixture);
    await registry.connect(shopper).anchorRecord(PURCHASES, RECORD_1);
    await registry.connect(otherShopper).anchorRecord(PURCHASES, RECORD_2);
    expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(RECORD_1);
    expect(await registry.recordOf(otherShopper.address, PURCHASES)).to.equal(RECORD_2);
  });

  it("refuses the zero scope and the zero record", async function () {
    const { registry, shopper } = await loadFixture(deployConsentFixture);
    await expect(registry.connect(shopper).anchorRecord(ethers.ZeroHash, RECORD_1))
      .to.be.revertedWithCustomError(registry, "InvalidScope").withArgs();
    await expect(registry.connect(shopper).anchorRecord(PURCHASES, ethers.ZeroHash))
      .to.be.revertedWithCustomError(registry, "InvalidRecord").withArgs();
    await expect(registry.connect(shopper).anchorRecord(ethers.ZeroHash, ethers.ZeroHash))
      .to.be.revertedWithCustomError(registry, "InvalidScope");
    expect(await registry.recordOf(shopper.address, ethers.ZeroHash)).to.equal(ethers.ZeroHash);
    expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(ethers.ZeroHash);
  });

  it("erases a record and revokes every named consent, with events", async function () {
    const { registry, shopper, consumer, otherConsumer, thirdConsumer } = await loadFixture(sharedDataFixture);
    const consumers = [otherConsumer.address, consumer.address, thirdConsumer.address];
    const tx = registry.connect(shopper).eraseRecord(PURCHASES, consumers);
    await expect(tx).to.emit(registry, "DataRecordErased").withArgs(shopper.address, PURCHASES);
    const receipt = await (await tx).wait();
    const logs = receipt!.logs.map((l) => registry.interface.parseLog(l)!);
    // One revocation per named consumer, in order, then the erasure, then the signatures made before it end.
    expect(logs.map((l) => [l.name, ...l.args])).to.deep.equal([
      ["ConsentRevoked", shopper.address, otherConsumer.address, PURCHASES],
      ["ConsentRevoked", shopper.address, consumer.address, PURCHASES],
      ["ConsentRevoked", shopper.address, thirdConsumer.address, PURCHASES],
      ["DataRecordErased", shopper.address, PURCHASES],
      ["NoncesInvalidated", shopper.address, 0n, 1n << 64n],
    ]);
    expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(ethers.ZeroHash);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
    expect(await registry.quotes(consumer.address, PURCHASES, [shopper.address])).to.deep.equal([0n]);
    for (const c of consumers) {
      expect(await registry.isConsentActive(shopper.address, c, PURCHASES)).to.equal(false);
      expect(await registry.consentOf(shopper.address, c, PURCHASES)).to.deep.equal([false, 0n, 0n]);
    }
  });

  it("leaves another scope's consents and record alone", async function () {
    const { registry, shopper, consumer, otherConsumer, thirdConsumer, expiresAt } = await loadFixture(sharedDataFixture);
    await registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address, otherConsumer.address, thirdConsumer.address]);
    expect(await registry.recordOf(shopper.address, PROFILE)).to.equal(RECORD_2);
    expect(await registry.standingConsents(shopper.address, PROFILE)).to.equal(1n);
    expect(await registry.consentOf(shopper.address, consumer.address, PROFILE)).to.deep.equal([true, expiresAt, 20n]);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PROFILE)).to.equal(true);
    // And the shopper can start over in the erased scope.
    await registry.connect(shopper).anchorRecord(PURCHASES, RECORD_2);
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 1n, expiresAt);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(1n);
    expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(RECORD_2);
  });

  it("does not touch another shopper's record or consents for the same scope", async function () {
    const { registry, shopper, otherShopper, consumer, otherConsumer, thirdConsumer, expiresAt } = await loadFixture(sharedDataFixture);
    await registry.connect(otherShopper).anchorRecord(PURCHASES, RECORD_2);
    await registry.connect(otherShopper).grant(consumer.address, PURCHASES, 3n, expiresAt);
    await registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address, otherConsumer.address, thirdConsumer.address]);
    expect(await registry.recordOf(otherShopper.address, PURCHASES)).to.equal(RECORD_2);
    expect(await registry.isConsentActive(otherShopper.address, consumer.address, PURCHASES)).to.equal(true);
    expect(await registry.standingConsents(otherShopper.address, PURCHASES)).to.equal(1n);
  });

  it("reverts with ConsentsRemain when a consumer is left out, and then nothing changed", async function () {
    const { registry, shopper, consumer, otherConsumer, thirdConsumer, expiresAt } = await loadFixture(sharedDataFixture);
    await expect(registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address, thirdConsumer.address]))
      .to.be.revertedWithCustomError(registry, "ConsentsRemain").withArgs(shopper.address, PURCHASES, 1n);
    await expect(registry.connect(shopper).eraseRecord(PURCHASES, []))
      .to.be.revertedWithCustomError(registry, "ConsentsRemain").withArgs(shopper.address, PURCHASES, 3n);
    expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(RECORD_1);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(3n);
    for (const c of [consumer, otherConsumer, thirdConsumer]) {
      expect(await registry.consentOf(shopper.address, c.address, PURCHASES)).to.deep.equal([true, expiresAt, 10n]);
    }
  });

  it("counts an expired but unrevoked consent as remaining", async function () {
    const { registry, shopper, consumer, otherConsumer, thirdConsumer, expiresAt } = await loadFixture(sharedDataFixture);
    await networkHelpers.time.increaseTo(expiresAt + 1n);
    await expect(registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address, otherConsumer.address]))
      .to.be.revertedWithCustomError(registry, "ConsentsRemain").withArgs(shopper.address, PURCHASES, 1n);
    await expect(registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address, otherConsumer.address, thirdConsumer.address]))
      .to.emit(registry, "DataRecordErased").withArgs(shopper.address, PURCHASES);
  });

  it("skips a named consumer without consent, or one named twice, and still requires every standing one", async function () {
    const { registry, shopper, consumer, otherConsumer, stranger } = await loadFixture(sharedDataFixture);
    await expect(registry.connect(shopper).eraseRecord(PURCHASES, [consumer.address, otherConsumer.address, consumer.address, stranger.address, ethers.ZeroAddress]))
      .to.be.revertedWithCustomError(registry, "ConsentsRemain").withArgs(shopper.address, PURCHASES, 1n);
    expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(RECORD_1);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(3n);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(true);
  });

  it("erases a scope without consents, and a scope that has no record", async function () {
    const { registry, shopper, otherShopper, consumer } = await loadFixture(deployConsentFixture);
    await registry.connect(shopper).anchorRecord(PURCHASES, RECORD_1);
    await expect(registry.connect(shopper).eraseRecord(PURCHASES, []))
      .to.emit(registry, "DataRecordErased").withArgs(shopper.address, PURCHASES);
    expect(await registry.recordOf(shopper.address, PURCHASES)).to.equal(ethers.ZeroHash);
    // Consents without a record: erasing revokes them.
    await registry.connect(otherShopper).grant(consumer.address, PROFILE, 1n, (await now()) + ONE_DAY);
    await expect(registry.connect(otherShopper).eraseRecord(PROFILE, [consumer.address]))
      .to.emit(registry, "ConsentRevoked").withArgs(otherShopper.address, consumer.address, PROFILE)
      .and.to.emit(registry, "DataRecordErased").withArgs(otherShopper.address, PROFILE);
    expect(await registry.standingConsents(otherShopper.address, PROFILE)).to.equal(0n);
  });
});
