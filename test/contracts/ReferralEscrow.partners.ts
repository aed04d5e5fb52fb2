import { expect } from "chai";

import { ALICE, BOB, code, deployReferralEscrowFixture, ethers, networkHelpers, registerPartner } from "./referralFixtures.js";

const { loadFixture } = networkHelpers;

describe("ReferralEscrow: partners", function () {
  it("registers a code for the caller, numbering partners from 1, with PartnerRegistered", async function () {
    const { escrow, alice, alicePayout, bob, bobPayout } = await loadFixture(deployReferralEscrowFixture);
    expect(await escrow.connect(alice).registerPartner.staticCall(ALICE, alicePayout.address)).to.equal(1n);
    await expect(escrow.connect(alice).registerPartner(ALICE, alicePayout.address))
      .to.emit(escrow, "PartnerRegistered").withArgs(1n, ALICE, alice.address, alicePayout.address);
    await expect(escrow.connect(bob).registerPartner(BOB, bobPayout.address))
      .to.emit(escrow, "PartnerRegistered").withArgs(2n, BOB, bob.address, bobPayout.address);
    expect(await escrow.partnerIdOf(ALICE)).to.equal(1n);
    expect(await escrow.partnerIdOf(BOB)).to.equal(2n);
    expect(await escrow.partnerIdOf(code("NOBODY"))).to.equal(0n);
    expect(await escrow.partnerOf(1n)).to.deep.equal([alice.address, alicePayout.address]);
    expect(await escrow.partnerOf(2n)).to.deep.equal([bob.address, bobPayout.address]);
    expect(await escrow.partnerOf(3n)).to.deep.equal([ethers.ZeroAddress, ethers.ZeroAddress]);
  });

  it("lets one owner hold several codes, each its own partner", async function () {
    const { escrow, alice, alicePayout, bobPayout } = await loadFixture(deployReferralEscrowFixture);
    const first = await registerPartner(escrow, alice, ALICE, alicePayout.address);
    const second = await registerPartner(escrow, alice, code("ALICE-VIP"), bobPayout.address);
    expect([first, second]).to.deep.equal([1n, 2n]);
    expect(await escrow.partnerOf(second)).to.deep.equal([alice.address, bobPayout.address]);
    expect(await escrow.partnerOf(first)).to.deep.equal([alice.address, alicePayout.address]);
  });

  it("gives a code to whoever registers it first, naming its partner to the next", async function () {
    const { escrow, alice, alicePayout, bob, bobPayout } = await loadFixture(deployReferralEscrowFixture);
    await registerPartner(escrow, alice, ALICE, alicePayout.address);
    await expect(escrow.connect(bob).registerPartner(ALICE, bobPayout.address))
      .to.be.revertedWithCustomError(escrow, "CodeTaken").withArgs(ALICE, 1n);
    // The owner cannot register it twice either.
    await expect(escrow.connect(alice).registerPartner(ALICE, bobPayout.address))
      .to.be.revertedWithCustomError(escrow, "CodeTaken").withArgs(ALICE, 1n);
    expect(await escrow.partnerOf(1n)).to.deep.equal([alice.address, alicePayout.address]);
    // The failed attempts used no id.
    await expect(escrow.connect(bob).registerPartner(BOB, bobPayout.address))
      .to.emit(escrow, "PartnerRegistered").withArgs(2n, BOB, bob.address, bobPayout.address);
  });

  it("rejects the zero code and the zero payout address", async function () {
    const { escrow, alice, alicePayout } = await loadFixture(deployReferralEscrowFixture);
    await expect(escrow.connect(alice).registerPartner(ethers.ZeroHash, alicePayout.address))
      .to.be.revertedWithCustomError(escrow, "InvalidCode");
    await expect(escrow.connect(alice).registerPartner(ALICE, ethers.ZeroAddress))
      .to.be.revertedWithCustomError(escrow, "ZeroAddress");
    expect(await escrow.partnerIdOf(ALICE)).to.equal(0n);
    expect(await escrow.partnerIdOf(ethers.ZeroHash)).to.equal(0n);
  });

  describe("payout address", function () {
    it("lets the owner change it, with PayoutAddressChanged", async function () {
      const { escrow, alice, alicePayout, shopper } = await loadFixture(deployReferralEscrowFixture);
      const id = await registerPartner(escrow, alice, ALICE, alicePayout.address);
      await expect(escrow.connect(alice).setPayoutAddress(id, shopper.address))
        .to.emit(escrow, "PayoutAddressChanged").withArgs(id, shopper.address);
      expect(await escrow.partnerOf(id)).to.deep.equal([alice.address, shopper.address]);
      // The owner stays the owner and can change it again.
      await expect(escrow.connect(alice).setPayoutAddress(id, alice.address))
        .to.emit(escrow, "PayoutAddressChanged").withArgs(id, alice.address);
      expect(await escrow.partnerOf(id)).to.deep.equal([alice.address, alice.address]);
    });

    it("refuses anyone but the owner, even the payout address and other partners", async function () {
      const { escrow, alice, alicePayout, bob, bobPayout, stranger } = await loadFixture(deployReferralEscrowFixture);
      const id = await registerPartner(escrow, alice, ALICE, alicePayout.address);
      await registerPartner(escrow, bob, BOB, bobPayout.address);
      await expect(escrow.connect(stranger).setPayoutAddress(id, stranger.address))
        .to.be.revertedWithCustomError(escrow, "NotPartnerOwner").withArgs(id, stranger.address);
      await expect(escrow.connect(alicePayout).setPayoutAddress(id, stranger.address))
        .to.be.revertedWithCustomError(escrow, "NotPartnerOwner").withArgs(id, alicePayout.address);
      await expect(escrow.connect(bob).setPayoutAddress(id, bob.address))
        .to.be.revertedWithCustomError(escrow, "NotPartnerOwner").withArgs(id, bob.address);
      expect(await escrow.partnerOf(id)).to.deep.equal([alice.address, alicePayout.address]);
    });

    it("rejects unknown partners and the zero address", async function () {
      const { escrow, alice, alicePayout } = await loadFixture(deployReferralEscrowFixture);
      const id = await registerPartner(escrow, alice, ALICE, alicePayout.address);
      await expect(escrow.connect(alice).setPayoutAddress(2n, alice.address))
        .to.be.revertedWithCustomError(escrow, "UnknownPartner").withArgs(2n);
      await expect(escrow.connect(alice).setPayoutAddress(0n, alice.address))
        .to.be.revertedWithCustomError(escrow, "UnknownPartner").withArgs(0n);
      await expect(escrow.connect(alice).setPayoutAddress(id, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(escrow, "ZeroAddress");
      expect(await escrow.partnerOf(id)).to.deep.equal([alice.address, alicePayout.address]);
    });
  });
});
