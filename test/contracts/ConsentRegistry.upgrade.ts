import { expect } from "chai";

import type { ConsentRegistry, ConsentRegistryV2 } from "../../types/ethers-contracts/index.js";
import {
  type Grant,
  ONE_DAY,
  PROFILE,
  PURCHASES,
  RECORD_1,
  RECORD_2,
  consentDomainOf,
  deployConsentFixture,
  ethers,
  grantTypes,
  networkHelpers,
  now,
  upgradesApi,
} from "./consentFixtures.js";

const { loadFixture } = networkHelpers;

/** The ERC-7201 slot of a namespace: keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~0xff. */
function erc7201Slot(id: string): bigint {
  const inner = BigInt(ethers.id(id)) - 1n;
  return BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
}

describe("ConsentRegistry: upgrades", function () {
  /** A registry in use: consents active, expired and revoked, records, signed grants (nonces). */
  async function usedRegistryFixture() {
    const fixture = await deployConsentFixture();
    const { registry, shopper, otherShopper, consumer, otherConsumer, relayer } = fixture;
    const t = await now();
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 10n, t + 30n * ONE_DAY);
    await registry.connect(shopper).grant(otherConsumer.address, PURCHASES, 11n, t + 100n); // expires
    await registry.connect(shopper).grant(consumer.address, PROFILE, 12n, t + 30n * ONE_DAY);
    await registry.connect(shopper).revoke(consumer.address, PROFILE);
    await registry.connect(shopper).anchorRecord(PURCHASES, RECORD_1);
    await registry.connect(otherShopper).anchorRecord(PROFILE, RECORD_2);
    for (const price of [20n, 21n]) {
      const grant: Grant = {
        shopper: otherShopper.address,
        consumer: consumer.address,
        scope: PROFILE,
        pricePerAccess: price,
        expiresAt: t + 60n * ONE_DAY,
        nonce: await registry.nonces(otherShopper.address),
        deadline: t + ONE_DAY,
      };
      await registry.connect(relayer).grantBySignature(grant, await otherShopper.signTypedData(await consentDomainOf(registry), grantTypes, grant));
    }
    await networkHelpers.time.increaseTo(t + 200n);
    return fixture;
  }

  async function snapshot(registry: ConsentRegistry | ConsentRegistryV2, f: Awaited<ReturnType<typeof usedRegistryFixture>>) {
    const { shopper, otherShopper, consumer, otherConsumer, admin } = f;
    const shoppers = [shopper.address, otherShopper.address];
    const consents = [];
    const counts = [];
    const records = [];
    for (const s of shoppers) {
      for (const scope of [PURCHASES, PROFILE]) {
        for (const c of [consumer.address, otherConsumer.address]) {
          consents.push([...(await registry.consentOf(s, c, scope))], await registry.isConsentActive(s, c, scope));
        }
        counts.push(await registry.standingConsents(s, scope));
        records.push(await registry.recordOf(s, scope));
      }
    }
    return {
      consents,
      counts,
      records,
      nonces: await Promise.all(shoppers.map((s) => registry.nonces(s))),
      roles: await Promise.all([await registry.DEFAULT_ADMIN_ROLE(), await registry.UPGRADER_ROLE()].map((r) => registry.hasRole(r, admin.address))),
      domain: [...(await registry.eip712Domain())],
    };
  }

  it("keeps consents, standing counts, records and nonces through upgradeProxy", async function () {
    const f = await loadFixture(usedRegistryFixture);
    const { registry, admin, shopper, otherShopper, consumer, otherConsumer, relayer } = f;
    const address = await registry.getAddress();
    const before = await snapshot(registry, f);
    // What the fixture built, so the comparison compares something.
    expect(before.counts).to.deep.equal([2n, 0n, 0n, 1n]);
    expect(before.records).to.deep.equal([RECORD_1, ethers.ZeroHash, ethers.ZeroHash, RECORD_2]);
    expect(before.nonces).to.deep.equal([0n, 2n]);
    expect(before.consents[1]).to.equal(true);
    expect(before.consents[3]).to.equal(false); // expired
    const implementationBefore = await upgradesApi.erc1967.getImplementationAddress(address);

    const factory = await ethers.getContractFactory("ConsentRegistryV2", admin);
    await upgradesApi.validateUpgrade(address, factory, { kind: "uups" });
    const upgraded = (await upgradesApi.upgradeProxy(address, factory, {
      kind: "uups",
      call: { fn: "initializeV2", args: ["consent receipts"] },
    })) as unknown as ConsentRegistryV2;

    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.not.equal(implementationBefore);
    expect(await upgraded.version()).to.equal(2n);
    expect(await upgraded.releaseNote()).to.equal("consent receipts");
    expect(await snapshot(upgraded, f)).to.deep.equal(before);
    const noteSlot = await ethers.provider.getStorage(address, erc7201Slot("dcrm.storage.ConsentRegistryV2"));
    expect(noteSlot).to.equal(ethers.hexlify(ethers.toUtf8Bytes("consent receipts")).padEnd(64, "0") + (2 * 16).toString(16).padStart(2, "0"));
    await expect(upgraded.initializeV2("again")).to.be.revertedWithCustomError(upgraded, "InvalidInitialization");

    // The registry goes on working on the old state: nonces continue, counts continue.
    const grant: Grant = {
      shopper: otherShopper.address,
      consumer: consumer.address,
      scope: PROFILE,
      pricePerAccess: 20n,
      expiresAt: (await now()) + ONE_DAY,
      nonce: 1n,
      deadline: (await now()) + ONE_DAY,
    };
    const signature = await otherShopper.signTypedData(await consentDomainOf(registry), grantTypes, grant);
    await expect(upgraded.connect(relayer).grantBySignature(grant, signature))
      .to.be.revertedWithCustomError(upgraded, "InvalidAccountNonce").withArgs(otherShopper.address, 2n);
    await expect(upgraded.connect(shopper).eraseRecord(PURCHASES, [consumer.address]))
      .to.be.revertedWithCustomError(upgraded, "ConsentsRemain").withArgs(shopper.address, PURCHASES, 1n);
    await expect(upgraded.connect(shopper).eraseRecord(PURCHASES, [consumer.address, otherConsumer.address]))
      .to.emit(upgraded, "DataRecordErased").withArgs(shopper.address, PURCHASES);
    await expect(upgraded.connect(otherShopper).revoke(consumer.address, PROFILE))
      .to.emit(upgraded, "ConsentRevoked").withArgs(otherShopper.address, consumer.address, PROFILE);
  });

  it("lets only the upgrader upgrade", async function () {
    const { registry, admin, stranger, shopper } = await loadFixture(usedRegistryFixture);
    const role = await registry.UPGRADER_ROLE();
    const v2 = await ethers.deployContract("ConsentRegistryV2");
    const implementation = await v2.getAddress();
    const init = v2.interface.encodeFunctionData("initializeV2", ["by the upgrader"]);
    for (const account of [stranger, shopper]) {
      await expect(registry.connect(account).upgradeToAndCall(implementation, init))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount").withArgs(account.address, role);
    }
    // The default admin without the upgrader role cannot upgrade.
    await registry.connect(admin).grantRole(role, stranger.address);
    await registry.connect(admin).renounceRole(role, admin.address);
    expect(await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
    await expect(registry.connect(admin).upgradeToAndCall(implementation, init))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount").withArgs(admin.address, role);
    const address = await registry.getAddress();
    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.not.equal(implementation);
    await expect(registry.connect(stranger).upgradeToAndCall(implementation, init)).to.emit(registry, "Upgraded").withArgs(implementation);
    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.equal(implementation);
    expect(await (await ethers.getContractAt("ConsentRegistryV2", address)).releaseNote()).to.equal("by the upgrader");
  });

  it("cannot be initialized again, on the proxy or on an implementation", async function () {
    const { registry, stranger, admin } = await loadFixture(usedRegistryFixture);
    const address = await registry.getAddress();
    await expect(registry.connect(stranger).initialize(stranger.address)).to.be.revertedWithCustomError(registry, "InvalidInitialization");
    const implementation = await ethers.getContractAt("ConsentRegistry", await upgradesApi.erc1967.getImplementationAddress(address));
    await expect(implementation.connect(stranger).initialize(stranger.address))
      .to.be.revertedWithCustomError(implementation, "InvalidInitialization");
    expect(await implementation.hasRole(await implementation.DEFAULT_ADMIN_ROLE(), stranger.address)).to.equal(false);
    const v2 = await ethers.deployContract("ConsentRegistryV2");
    await expect(v2.initialize(stranger.address)).to.be.revertedWithCustomError(v2, "InvalidInitialization");
    await expect(v2.initializeV2("x")).to.be.revertedWithCustomError(v2, "InvalidInitialization");
    // Upgrades only go through the proxy.
    await expect(implementation.connect(admin).upgradeToAndCall(await v2.getAddress(), "0x"))
      .to.be.revertedWithCustomError(implementation, "UUPSUnauthorizedCallContext");
    expect(await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), stranger.address)).to.equal(false);
  });

  it("keeps its state in the ERC-7201 namespace the contract declares", async function () {
    const { registry, shopper } = await loadFixture(usedRegistryFixture);
    const base = erc7201Slot("dcrm.storage.ConsentRegistry");
    expect(ethers.toBeHex(base, 32)).to.equal("0x16001264958a4cb33bba51350b7c2bd546adbcb93a30369b6b7a69c072932800");
    // records: the third mapping (base + 2), keyed by shopper then scope.
    const coder = ethers.AbiCoder.defaultAbiCoder();
    const outer = ethers.keccak256(coder.encode(["address", "uint256"], [shopper.address, base + 2n]));
    const slot = ethers.keccak256(coder.encode(["bytes32", "bytes32"], [PURCHASES, outer]));
    expect(await ethers.provider.getStorage(await registry.getAddress(), slot)).to.equal(RECORD_1);
  });
});
