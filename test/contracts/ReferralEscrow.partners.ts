import { expect } from "chai";

import {
  ALICE,
  BOB,
  SALT,
  code,
  commitCode,
  commitmentOf,
  deployReferralEscrowFixture,
  ethers,
  networkHelpers,
  registerPartner,
} from "./referralFixtures.js";

const { loadFixture, time } = networkHelpers;
/** The commitment delay until the admin sets one. */
const DEFAULT_DELAY = 60n;

describe("ReferralEscrow: partners", function () {
  it("registers a committed code for the caller, numbering partners from 1, with PartnerRegistered", async function () {
    const { escrow, alice, alicePayout, bob, bobPayout } = await loadFixture(deployReferralEscrowFixture);
    await commitCode(escrow, alice, ALICE);
    await commitCode(escrow, bob, BOB);
    await time.increase(DEFAULT_DELAY);
    expect(await escrow.connect(alice).registerPartner.staticCall(ALICE, alicePayout.address, SALT)).to.equal(1n);
    await expect(escrow.connect(alice).registerPartner(ALICE, alicePayout.address, SALT))
      .to.emit(escrow, "PartnerRegistered").withArgs(1n, ALICE, alice.address, alicePayout.address);
    await expect(escrow.connect(bob).registerPartner(BOB, bobPayout.address, SALT))
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
    await commitCode(escrow, bob, ALICE);
    await registerPartner(escrow, alice, ALICE, alicePayout.address);
    await expect(escrow.connect(bob).registerPartner(ALICE, bobPayout.address, SALT))
      .to.be.revertedWithCustomError(escrow, "CodeTaken").withArgs(ALICE, 1n);
    expect(await escrow.partnerOf(1n)).to.deep.equal([alice.address, alicePayout.address]);
    // The failed attempt used no id.
    await registerPartner(escrow, bob, BOB, bobPayout.address);
    expect(await escrow.partnerIdOf(BOB)).to.equal(2n);
  });

  it("rejects the zero code and the zero payout address", async function () {
    const { escrow, alice, alicePayout } = await loadFixture(deployReferralEscrowFixture);
    await commitCode(escrow, alice, ethers.ZeroHash);
    await commitCode(escrow, alice, ALICE);
    await time.increase(DEFAULT_DELAY);
    await expect(escrow.connect(alice).registerPartner(ethers.ZeroHash, alicePayout.address, SALT))
      .to.be.revertedWithCustomError(escrow, "InvalidCode");
    await expect(escrow.connect(alice).registerPartner(ALICE, ethers.ZeroAddress, SALT))
      .to.be.revertedWithCustomError(escrow, "ZeroAddress");
    expect(await escrow.partnerIdOf(ALICE)).to.equal(0n);
    expect(await escrow.partnerIdOf(ethers.ZeroHash)).to.equal(0n);
  });

  describe("commit–reveal registration", function () {
    it("cannot be front-run: a copy of the registration from the mempool holds no commitment", async function () {
      const { escrow, alice, alicePayout, stranger } = await loadFixture(deployReferralEscrowFixture);
      await commitCode(escrow, alice, ALICE);
      await time.increase(DEFAULT_DELAY);
      await networkHelpers.mine(); // settle automining before the race
      await ethers.provider.send("evm_setAutomine", [false]);
      const hashes: string[] = [];
      try {
        // Alice reveals; a squatter who watches the mempool copies code and salt, paying more to land first,
        // and commits to them as well for a second try.
        const reveal = await escrow.connect(alice).registerPartner(ALICE, alicePayout.address, SALT, { gasLimit: 500_000n, gasPrice: 2_000_000_000n });
        const copy = await escrow.connect(stranger).registerPartner(ALICE, stranger.address, SALT, { gasLimit: 500_000n, gasPrice: 20_000_000_000n });
        const lateCommit = await escrow.connect(stranger).commitCode(commitmentOf(ALICE, stranger.address), { gasLimit: 500_000n, gasPrice: 20_000_000_000n });
        hashes.push(copy.hash, lateCommit.hash, reveal.hash);
        await networkHelpers.mine();
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      const block = await ethers.provider.getBlock("latest");
      // The copy landed first and reverted; Alice's reveal went through.
      expect(block!.transactions).to.deep.equal(hashes);
      expect((await ethers.provider.getTransactionReceipt(hashes[0]!))?.status).to.equal(0);
      expect((await ethers.provider.getTransactionReceipt(hashes[2]!))?.status).to.equal(1);
      expect(await escrow.partnerOf(await escrow.partnerIdOf(ALICE))).to.deep.equal([alice.address, alicePayout.address]);
      // The squatter's own commitment came too late to use before Alice's reveal, and is worthless after it.
      await expect(escrow.connect(stranger).registerPartner.staticCall(ALICE, stranger.address, SALT))
        .to.be.revertedWithCustomError(escrow, "CommitmentTooRecent");
      await time.increase(DEFAULT_DELAY);
      await expect(escrow.connect(stranger).registerPartner(ALICE, stranger.address, SALT))
        .to.be.revertedWithCustomError(escrow, "CodeTaken").withArgs(ALICE, 1n);
    });

    it("refuses a reveal without the caller's commitment, naming the commitment it looked for", async function () {
      const { escrow, alice, alicePayout, stranger } = await loadFixture(deployReferralEscrowFixture);
      await commitCode(escrow, alice, ALICE);
      await time.increase(DEFAULT_DELAY);
      // Another caller, another salt or another code: another commitment, which nobody made.
      await expect(escrow.connect(stranger).registerPartner(ALICE, stranger.address, SALT))
        .to.be.revertedWithCustomError(escrow, "UnknownCommitment").withArgs(commitmentOf(ALICE, stranger.address));
      await expect(escrow.connect(alice).registerPartner(ALICE, alicePayout.address, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "UnknownCommitment").withArgs(commitmentOf(ALICE, alice.address, ethers.ZeroHash));
      await expect(escrow.connect(alice).registerPartner(BOB, alicePayout.address, SALT))
        .to.be.revertedWithCustomError(escrow, "UnknownCommitment").withArgs(commitmentOf(BOB, alice.address));
      // A commitment is used up by its registration.
      await escrow.connect(alice).registerPartner(ALICE, alicePayout.address, SALT);
      await expect(escrow.connect(alice).registerPartner(ALICE, alicePayout.address, SALT))
        .to.be.revertedWithCustomError(escrow, "UnknownCommitment").withArgs(commitmentOf(ALICE, alice.address));
    });

    it("reveals from the commitment delay on, not a second earlier", async function () {
      const { escrow, alice, alicePayout } = await loadFixture(deployReferralEscrowFixture);
      const commitment = commitmentOf(ALICE, alice.address);
      await expect(escrow.connect(alice).commitCode(commitment)).to.emit(escrow, "CodeCommitted").withArgs(commitment);
      const revealableAt = BigInt(await time.latest()) + DEFAULT_DELAY;
      await time.setNextBlockTimestamp(revealableAt - 1n);
      await expect(escrow.connect(alice).registerPartner(ALICE, alicePayout.address, SALT))
        .to.be.revertedWithCustomError(escrow, "CommitmentTooRecent").withArgs(commitment, revealableAt);
      await time.setNextBlockTimestamp(revealableAt);
      await expect(escrow.connect(alice).registerPartner(ALICE, alicePayout.address, SALT)).to.emit(escrow, "PartnerRegistered");
    });

    it("keeps a commitment's first time: committing it again cannot restart its delay", async function () {
      const { escrow, alice, alicePayout, stranger } = await loadFixture(deployReferralEscrowFixture);
      const commitment = commitmentOf(ALICE, alice.address);
      await escrow.connect(alice).commitCode(commitment);
      await time.increase(DEFAULT_DELAY - 5n);
      // Anyone can see the commitment and commit it again: nothing happens.
      await expect(escrow.connect(stranger).commitCode(commitment)).to.not.emit(escrow, "CodeCommitted");
      await time.increase(5n);
      await expect(escrow.connect(alice).registerPartner(ALICE, alicePayout.address, SALT)).to.emit(escrow, "PartnerRegistered");
    });

    it("lets only the admin set the delay, from one second to one day", async function () {
      const { escrow, admin, alice, alicePayout, stranger } = await loadFixture(deployReferralEscrowFixture);
      expect(await escrow.codeCommitmentDelay()).to.equal(DEFAULT_DELAY);
      await expect(escrow.connect(stranger).setCodeCommitmentDelay(1n))
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount").withArgs(stranger.address, ethers.ZeroHash);
      await expect(escrow.connect(admin).setCodeCommitmentDelay(0n)).to.be.revertedWithCustomError(escrow, "InvalidCommitmentDelay").withArgs(0n);
      await expect(escrow.connect(admin).setCodeCommitmentDelay(86_401n)).to.be.revertedWithCustomError(escrow, "InvalidCommitmentDelay").withArgs(86_401n);
      await expect(escrow.connect(admin).setCodeCommitmentDelay(86_400n)).to.emit(escrow, "CodeCommitmentDelaySet").withArgs(86_400n);
      await expect(escrow.connect(admin).setCodeCommitmentDelay(1n)).to.emit(escrow, "CodeCommitmentDelaySet").withArgs(1n);
      expect(await escrow.codeCommitmentDelay()).to.equal(1n);
      // One second: a reveal in any later block.
      await commitCode(escrow, alice, ALICE);
      await expect(escrow.connect(alice).registerPartner(ALICE, alicePayout.address, SALT)).to.emit(escrow, "PartnerRegistered");
    });
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
