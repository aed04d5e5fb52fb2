import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";

import { deployConsentRegistry } from "../../deploy/consentRegistry.js";
import type { ConsentRegistry } from "../../types/ethers-contracts/index.js";
import {
  type Grant,
  ONE_DAY,
  PROFILE,
  PURCHASES,
  type Revocation,
  consentDomainOf,
  deployConsentFixture,
  ethers,
  grantTypes,
  networkHelpers,
  now,
  pinNextBlock,
  revocationTypes,
  upgradesApi,
} from "./consentFixtures.js";

const { loadFixture, time } = networkHelpers;

async function grantFor(registry: ConsentRegistry, shopper: string, consumer: string, overrides: Partial<Grant> = {}): Promise<Grant> {
  return {
    shopper,
    consumer,
    scope: PURCHASES,
    pricePerAccess: 120n,
    expiresAt: (await now()) + 30n * ONE_DAY,
    nonce: await registry.nonces(shopper),
    deadline: (await now()) + 3_600n,
    ...overrides,
  };
}

async function revocationFor(registry: ConsentRegistry, shopper: string, consumer: string, overrides: Partial<Revocation> = {}): Promise<Revocation> {
  return {
    shopper,
    consumer,
    scope: PURCHASES,
    nonce: await registry.nonces(shopper),
    deadline: (await now()) + 3_600n,
    ...overrides,
  };
}

async function signGrant(registry: ConsentRegistry, signer: HardhatEthersSigner, grant: Grant) {
  return signer.signTypedData(await consentDomainOf(registry), grantTypes, grant);
}

async function signRevocation(registry: ConsentRegistry, signer: HardhatEthersSigner, revocation: Revocation) {
  return signer.signTypedData(await consentDomainOf(registry), revocationTypes, revocation);
}

describe("ConsentRegistry: consent by signature", function () {
  async function signedGrantFixture() {
    const fixture = await deployConsentFixture();
    const { registry, shopper, consumer } = fixture;
    const grant = await grantFor(registry, shopper.address, consumer.address);
    const signature = await signGrant(registry, shopper, grant);
    return { ...fixture, grant, signature };
  }

  it("publishes its EIP-712 domain (ERC-5267)", async function () {
    const { registry } = await loadFixture(deployConsentFixture);
    const domain = await registry.eip712Domain();
    expect(domain.fields).to.equal("0x0f");
    expect(domain.name).to.equal("dCRM ConsentRegistry");
    expect(domain.version).to.equal("1");
    expect(domain.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
    expect(domain.verifyingContract).to.equal(await registry.getAddress());
    expect(domain.salt).to.equal(ethers.ZeroHash);
    expect(domain.extensions).to.deep.equal([]);
    expect(await registry.DOMAIN_NAME()).to.equal("dCRM ConsentRegistry");
    expect(await registry.DOMAIN_VERSION()).to.equal("1");
  });

  it("grants when a relayer submits the shopper's signed consent, and spends the nonce", async function () {
    const { registry, shopper, consumer, relayer, grant, signature } = await loadFixture(signedGrantFixture);
    expect(grant.nonce).to.equal(0n);
    await expect(registry.connect(relayer).grantBySignature(grant, signature))
      .to.emit(registry, "ConsentGranted").withArgs(shopper.address, consumer.address, PURCHASES, 120n, grant.expiresAt);
    expect(await registry.consentOf(shopper.address, consumer.address, PURCHASES)).to.deep.equal([true, grant.expiresAt, 120n]);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(true);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(1n);
    expect(await registry.nonces(shopper.address)).to.equal(1n);
    // Nothing was granted for the relayer.
    expect(await registry.standingConsents(relayer.address, PURCHASES)).to.equal(0n);
    expect(await registry.nonces(relayer.address)).to.equal(0n);
  });

  it("revokes when a relayer submits the shopper's signed revocation", async function () {
    const { registry, shopper, consumer, relayer, grant, signature } = await loadFixture(signedGrantFixture);
    await registry.connect(relayer).grantBySignature(grant, signature);
    const revocation = await revocationFor(registry, shopper.address, consumer.address);
    expect(revocation.nonce).to.equal(1n);
    const revocationSignature = await signRevocation(registry, shopper, revocation);
    await expect(registry.connect(relayer).revokeBySignature(revocation, revocationSignature))
      .to.emit(registry, "ConsentRevoked").withArgs(shopper.address, consumer.address, PURCHASES);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(false);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
    expect(await registry.nonces(shopper.address)).to.equal(2n);
    // Replayed, the revocation's nonce is spent.
    await expect(registry.connect(relayer).revokeBySignature(revocation, revocationSignature))
      .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, 2n);
  });

  it("refuses a signed revocation of a consent that does not stand, keeping the nonce", async function () {
    const { registry, shopper, consumer, relayer } = await loadFixture(deployConsentFixture);
    const revocation = await revocationFor(registry, shopper.address, consumer.address);
    const signature = await signRevocation(registry, shopper, revocation);
    await expect(registry.connect(relayer).revokeBySignature(revocation, signature))
      .to.be.revertedWithCustomError(registry, "ConsentNotGranted").withArgs(shopper.address, consumer.address, PURCHASES);
    expect(await registry.nonces(shopper.address)).to.equal(0n);
  });

  it("rejects a replayed grant with InvalidAccountNonce, even after the consent was revoked", async function () {
    const { registry, shopper, consumer, relayer, stranger, grant, signature } = await loadFixture(signedGrantFixture);
    await registry.connect(relayer).grantBySignature(grant, signature);
    await expect(registry.connect(stranger).grantBySignature(grant, signature))
      .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, 1n);
    await registry.connect(shopper).revoke(consumer.address, PURCHASES);
    await expect(registry.connect(relayer).grantBySignature(grant, signature))
      .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, 1n);
    expect(await registry.isConsentActive(shopper.address, consumer.address, PURCHASES)).to.equal(false);
    expect(await registry.nonces(shopper.address)).to.equal(1n);
  });

  it("rejects a signature with a future or a past nonce", async function () {
    const { registry, shopper, consumer, relayer } = await loadFixture(deployConsentFixture);
    const ahead = await grantFor(registry, shopper.address, consumer.address, { nonce: 1n });
    await expect(registry.connect(relayer).grantBySignature(ahead, await signGrant(registry, shopper, ahead)))
      .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, 0n);
    const first = await grantFor(registry, shopper.address, consumer.address);
    await registry.connect(relayer).grantBySignature(first, await signGrant(registry, shopper, first));
    // A fresh signature for nonce 0 (other terms) is still a spent nonce.
    const stale = await grantFor(registry, shopper.address, consumer.address, { nonce: 0n, pricePerAccess: 1n });
    await expect(registry.connect(relayer).grantBySignature(stale, await signGrant(registry, shopper, stale)))
      .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, 1n);
    const staleRevocation = await revocationFor(registry, shopper.address, consumer.address, { nonce: 0n });
    await expect(registry.connect(relayer).revokeBySignature(staleRevocation, await signRevocation(registry, shopper, staleRevocation)))
      .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, 1n);
    expect(await registry.consentOf(shopper.address, consumer.address, PURCHASES)).to.deep.equal([true, first.expiresAt, 120n]);
  });

  it("shares one nonce sequence between grants and revocations", async function () {
    const { registry, shopper, consumer, relayer, grant, signature } = await loadFixture(signedGrantFixture);
    // A revocation signed for nonce 0 spends it: the grant signed for nonce 0 is then dead.
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 1n, (await now()) + ONE_DAY);
    const revocation = await revocationFor(registry, shopper.address, consumer.address);
    expect(revocation.nonce).to.equal(0n);
    await registry.connect(relayer).revokeBySignature(revocation, await signRevocation(registry, shopper, revocation));
    await expect(registry.connect(relayer).grantBySignature(grant, signature))
      .to.be.revertedWithCustomError(registry, "InvalidAccountNonce").withArgs(shopper.address, 1n);
  });

  it("rejects another signer's signature and altered fields with InvalidShopperSignature", async function () {
    const { registry, shopper, consumer, otherConsumer, relayer, stranger, grant, signature } = await loadFixture(signedGrantFixture);
    const forged = await signGrant(registry, stranger, grant);
    await expect(registry.connect(relayer).grantBySignature(grant, forged))
      .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    // The consumer signing for the shopper is no better.
    await expect(registry.connect(relayer).grantBySignature(grant, await signGrant(registry, consumer, grant)))
      .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    const altered: Grant[] = [
      { ...grant, consumer: otherConsumer.address },
      { ...grant, scope: PROFILE },
      { ...grant, pricePerAccess: 0n },
      { ...grant, expiresAt: grant.expiresAt + 1n },
      { ...grant, deadline: grant.deadline + 1n },
    ];
    for (const a of altered) {
      await expect(registry.connect(relayer).grantBySignature(a, signature))
        .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    }
    // Claiming the signature is another shopper's: the nonce is checked against that shopper, then the signer.
    await expect(registry.connect(relayer).grantBySignature({ ...grant, shopper: stranger.address }, signature))
      .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(stranger.address);
    // Garbage of the wrong length, and no signature.
    await expect(registry.connect(relayer).grantBySignature(grant, "0x1234"))
      .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    await expect(registry.connect(relayer).grantBySignature(grant, "0x"))
      .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
    expect(await registry.nonces(shopper.address)).to.equal(0n);
    expect(await registry.nonces(stranger.address)).to.equal(0n);
    // The genuine one still works.
    await expect(registry.connect(relayer).grantBySignature(grant, signature)).to.emit(registry, "ConsentGranted");
  });

  it("refuses a revocation signed by someone else or altered", async function () {
    const { registry, shopper, consumer, otherConsumer, relayer, stranger } = await loadFixture(deployConsentFixture);
    await registry.connect(shopper).grant(consumer.address, PURCHASES, 1n, (await now()) + ONE_DAY);
    await registry.connect(shopper).grant(otherConsumer.address, PURCHASES, 1n, (await now()) + ONE_DAY);
    const revocation = await revocationFor(registry, shopper.address, consumer.address);
    await expect(registry.connect(relayer).revokeBySignature(revocation, await signRevocation(registry, stranger, revocation)))
      .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    const signature = await signRevocation(registry, shopper, revocation);
    await expect(registry.connect(relayer).revokeBySignature({ ...revocation, consumer: otherConsumer.address }, signature))
      .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    // A grant's signature is not a revocation's.
    const grant = await grantFor(registry, shopper.address, consumer.address, { deadline: revocation.deadline });
    await expect(registry.connect(relayer).revokeBySignature(revocation, await signGrant(registry, shopper, grant)))
      .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(2n);
    await expect(registry.connect(relayer).revokeBySignature(revocation, signature))
      .to.emit(registry, "ConsentRevoked").withArgs(shopper.address, consumer.address, PURCHASES);
  });

  it("accepts a signature up to its deadline and rejects it after with SignatureExpired", async function () {
    const { registry, shopper, consumer, relayer } = await loadFixture(deployConsentFixture);
    const deadline = (await now()) + 100n;
    const grant = await grantFor(registry, shopper.address, consumer.address, { deadline });
    const signature = await signGrant(registry, shopper, grant);
    await pinNextBlock(deadline + 1n);
    await expect(registry.connect(relayer).grantBySignature(grant, signature))
      .to.be.revertedWithCustomError(registry, "SignatureExpired").withArgs(deadline, deadline + 1n);
    const revocation = await revocationFor(registry, shopper.address, consumer.address, { deadline: deadline + 1n });
    const revocationSignature = await signRevocation(registry, shopper, revocation);
    const at = await pinNextBlock(deadline + 50n);
    await expect(registry.connect(relayer).revokeBySignature(revocation, revocationSignature))
      .to.be.revertedWithCustomError(registry, "SignatureExpired").withArgs(deadline + 1n, at);
    expect(await registry.nonces(shopper.address)).to.equal(0n);

    // At the deadline itself the signature still works.
    const onTime = await grantFor(registry, shopper.address, consumer.address, { deadline: (await now()) + 10n });
    const onTimeSignature = await signGrant(registry, shopper, onTime);
    await pinNextBlock(onTime.deadline);
    await expect(registry.connect(relayer).grantBySignature(onTime, onTimeSignature)).to.emit(registry, "ConsentGranted");
    await time.increase(1n);
  });

  it("checks a signed grant's terms like a direct grant", async function () {
    const { registry, shopper, relayer } = await loadFixture(deployConsentFixture);
    const zeroConsumer = await grantFor(registry, shopper.address, ethers.ZeroAddress);
    await expect(registry.connect(relayer).grantBySignature(zeroConsumer, await signGrant(registry, shopper, zeroConsumer)))
      .to.be.revertedWithCustomError(registry, "ZeroAddress");
    const past = await grantFor(registry, shopper.address, relayer.address, { expiresAt: 5n });
    const at = await pinNextBlock();
    await expect(registry.connect(relayer).grantBySignature(past, await signGrant(registry, shopper, past)))
      .to.be.revertedWithCustomError(registry, "ExpiryInPast").withArgs(5n, at);
    expect(await registry.nonces(shopper.address)).to.equal(0n);
  });

  it("refuses signatures made for another chain id or another verifying contract", async function () {
    const { registry, admin, shopper, consumer, relayer, grant } = await loadFixture(signedGrantFixture);
    const domain = await consentDomainOf(registry);
    const otherChain = await shopper.signTypedData({ ...domain, chainId: BigInt(domain.chainId!) + 1n }, grantTypes, grant);
    await expect(registry.connect(relayer).grantBySignature(grant, otherChain))
      .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    const { registry: otherRegistry } = await deployConsentRegistry(ethers, upgradesApi, { admin: admin.address });
    const forOther = await signGrant(otherRegistry, shopper, grant);
    await expect(registry.connect(relayer).grantBySignature(grant, forOther))
      .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    // Other name or version.
    for (const d of [{ ...domain, name: "dCRM RewardToken" }, { ...domain, version: "2" }]) {
      await expect(registry.connect(relayer).grantBySignature(grant, await shopper.signTypedData(d, grantTypes, grant)))
        .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(shopper.address);
    }
    // It is valid where it was made for.
    await expect(otherRegistry.connect(relayer).grantBySignature(grant, forOther))
      .to.emit(otherRegistry, "ConsentGranted").withArgs(shopper.address, consumer.address, PURCHASES, 120n, grant.expiresAt);
    expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
  });

  describe("a contract wallet (ERC-1271)", function () {
    async function walletFixture() {
      const fixture = await deployConsentFixture();
      const { shopper } = fixture;
      const wallet = await ethers.deployContract("TestContractWallet", [shopper.address]);
      return { ...fixture, wallet, walletAddress: await wallet.getAddress() };
    }

    /** The owner signs the EIP-712 digest itself (no message prefix), as the wallet checks it. */
    async function ownerSigns(owner: HardhatEthersSigner, registry: ConsentRegistry, types: typeof grantTypes, value: Grant | Revocation) {
      const digest = ethers.TypedDataEncoder.hash(await consentDomainOf(registry), types, value);
      // Hardhat's default accounts have known keys: sign the raw digest with the owner's key.
      const key = ethers.HDNodeWallet.fromPhrase("test test test test test test test test test test test junk", undefined, "m/44'/60'/0'/0").deriveChild(await indexOf(owner));
      expect(key.address).to.equal(owner.address);
      return key.signingKey.sign(digest).serialized;
    }

    async function indexOf(owner: HardhatEthersSigner): Promise<number> {
      const signers = await ethers.getSigners();
      return signers.findIndex((s) => s.address === owner.address);
    }

    it("grants and revokes by its owner's signatures", async function () {
      const { registry, shopper, consumer, relayer, wallet, walletAddress } = await loadFixture(walletFixture);
      expect(await wallet.owner()).to.equal(shopper.address);
      const grant = await grantFor(registry, walletAddress, consumer.address);
      await expect(registry.connect(relayer).grantBySignature(grant, await ownerSigns(shopper, registry, grantTypes, grant)))
        .to.emit(registry, "ConsentGranted").withArgs(walletAddress, consumer.address, PURCHASES, 120n, grant.expiresAt);
      expect(await registry.isConsentActive(walletAddress, consumer.address, PURCHASES)).to.equal(true);
      expect(await registry.nonces(walletAddress)).to.equal(1n);
      // The owner EOA itself got no consent.
      expect(await registry.standingConsents(shopper.address, PURCHASES)).to.equal(0n);
      const revocation = await revocationFor(registry, walletAddress, consumer.address);
      await expect(registry.connect(relayer).revokeBySignature(revocation, await ownerSigns(shopper, registry, revocationTypes, revocation)))
        .to.emit(registry, "ConsentRevoked").withArgs(walletAddress, consumer.address, PURCHASES);
      expect(await registry.isConsentActive(walletAddress, consumer.address, PURCHASES)).to.equal(false);
      expect(await registry.standingConsents(walletAddress, PURCHASES)).to.equal(0n);
      expect(await registry.nonces(walletAddress)).to.equal(2n);
    });

    it("refuses signatures the wallet does not accept", async function () {
      const { registry, consumer, relayer, stranger, walletAddress } = await loadFixture(walletFixture);
      const grant = await grantFor(registry, walletAddress, consumer.address);
      await expect(registry.connect(relayer).grantBySignature(grant, await ownerSigns(stranger, registry, grantTypes, grant)))
        .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(walletAddress);
      // An EIP-712 signature by the stranger's own typed-data signing is no better.
      await expect(registry.connect(relayer).grantBySignature(grant, await signGrant(registry, stranger, grant)))
        .to.be.revertedWithCustomError(registry, "InvalidShopperSignature").withArgs(walletAddress);
      expect(await registry.nonces(walletAddress)).to.equal(0n);
    });
  });
});
