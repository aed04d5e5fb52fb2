import type { ContractTransactionResponse } from "ethers";
import { expect } from "chai";

import {
  ALICE,
  ALICE_RATE_BPS,
  BOB,
  BOB_FIXED,
  BUDGET,
  BUYER,
  CAROL,
  HOLD,
  Status,
  USD,
  deployProgramFixture,
  ethers,
  networkHelpers,
  passHold,
} from "./referralFixtures.js";

const { loadFixture, time } = networkHelpers;

const SALE = 1_000n * USD;
const GWEI = 10n ** 9n;

/** The program fixture, with two signer keys of the storefront and a third account that is no key yet. */
async function keysFixture() {
  const fixture = await deployProgramFixture();
  const signers = await ethers.getSigners();
  const [key, secondKey, thirdKey] = [signers[11], signers[12], signers[13]];
  if (!key || !secondKey || !thirdKey) throw new Error("fixture: needs fourteen funded accounts");
  const { escrow, storefront } = fixture;
  await (await escrow.connect(storefront).setIssuerKey(key.address, true)).wait();
  await (await escrow.connect(storefront).setIssuerKey(secondKey.address, true)).wait();
  return { ...fixture, key, secondKey, thirdKey, usdAddress: await fixture.usd.getAddress() };
}

/** Sends both transactions into one block, `first` ahead by its fee, and returns their statuses in order. */
async function inOneBlock(first: (fees: object) => Promise<ContractTransactionResponse>, second: (fees: object) => Promise<ContractTransactionResponse>) {
  const fees = (rank: bigint) => ({ gasLimit: 500_000n, maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: rank * GWEI });
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

describe("ReferralEscrow: signer keys record, refund and void for their storefront", function () {
  describe("authorising and removing keys", function () {
    it("authorises a key: the event names storefront and key, and the key's storefront is readable", async function () {
      const { escrow, storefront, thirdKey } = await loadFixture(keysFixture);
      await expect(escrow.connect(storefront).setIssuerKey(thirdKey.address, true))
        .to.emit(escrow, "IssuerKeySet").withArgs(storefront.address, thirdKey.address, true);
      expect(await escrow.storefrontOfKey(thirdKey.address)).to.equal(storefront.address);
      expect(await escrow.storefrontOfKey(storefront.address)).to.equal(ethers.ZeroAddress);
    });

    it("authorising a key the storefront already has changes nothing and emits nothing", async function () {
      const { escrow, storefront, key } = await loadFixture(keysFixture);
      await expect(escrow.connect(storefront).setIssuerKey(key.address, true)).not.to.emit(escrow, "IssuerKeySet");
      expect(await escrow.storefrontOfKey(key.address)).to.equal(storefront.address);
    });

    it("removes a key: the event says so, and the key can no longer record", async function () {
      const { escrow, storefront, key, usdAddress } = await loadFixture(keysFixture);
      await expect(escrow.connect(storefront).setIssuerKey(key.address, false))
        .to.emit(escrow, "IssuerKeySet").withArgs(storefront.address, key.address, false);
      expect(await escrow.storefrontOfKey(key.address)).to.equal(ethers.ZeroAddress);
      // Without a key, the account records for itself: it has no budget of its own.
      await expect(escrow.connect(key).recordReferral(1n, ALICE, SALE, usdAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "InvalidToken").withArgs(usdAddress);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.None);
    });

    it("refuses the zero address as a key with ZeroAddress", async function () {
      const { escrow, storefront } = await loadFixture(keysFixture);
      await expect(escrow.connect(storefront).setIssuerKey(ethers.ZeroAddress, true)).to.be.revertedWithCustomError(escrow, "ZeroAddress");
    });

    it("refuses a key of another storefront with IssuerKeyOfAnotherStorefront", async function () {
      const { escrow, storefront, otherStorefront, key } = await loadFixture(keysFixture);
      await expect(escrow.connect(otherStorefront).setIssuerKey(key.address, true))
        .to.be.revertedWithCustomError(escrow, "IssuerKeyOfAnotherStorefront").withArgs(key.address, storefront.address);
    });

    it("refuses the caller itself, or a storefront with keys, as a key with IssuerKeyIsStorefront", async function () {
      const { escrow, storefront, otherStorefront } = await loadFixture(keysFixture);
      await expect(escrow.connect(storefront).setIssuerKey(storefront.address, true))
        .to.be.revertedWithCustomError(escrow, "IssuerKeyIsStorefront").withArgs(storefront.address);
      await expect(escrow.connect(otherStorefront).setIssuerKey(storefront.address, true))
        .to.be.revertedWithCustomError(escrow, "IssuerKeyIsStorefront").withArgs(storefront.address);
    });

    it("lets a storefront whose keys are all removed become another's key", async function () {
      const { escrow, storefront, otherStorefront, key, secondKey } = await loadFixture(keysFixture);
      await escrow.connect(storefront).setIssuerKey(key.address, false);
      await escrow.connect(storefront).setIssuerKey(secondKey.address, false);
      await expect(escrow.connect(otherStorefront).setIssuerKey(storefront.address, true))
        .to.emit(escrow, "IssuerKeySet").withArgs(otherStorefront.address, storefront.address, true);
    });

    it("refuses keys of a key with AccountIsIssuerKey", async function () {
      const { escrow, storefront, key, thirdKey } = await loadFixture(keysFixture);
      await expect(escrow.connect(key).setIssuerKey(thirdKey.address, true))
        .to.be.revertedWithCustomError(escrow, "AccountIsIssuerKey").withArgs(key.address, storefront.address);
      await expect(escrow.connect(key).setIssuerKey(thirdKey.address, false))
        .to.be.revertedWithCustomError(escrow, "AccountIsIssuerKey").withArgs(key.address, storefront.address);
    });

    it("refuses to remove a key of another storefront, or an account that is no key, with NotIssuerKeyOf", async function () {
      const { escrow, otherStorefront, key, thirdKey } = await loadFixture(keysFixture);
      await expect(escrow.connect(otherStorefront).setIssuerKey(key.address, false))
        .to.be.revertedWithCustomError(escrow, "NotIssuerKeyOf").withArgs(key.address, otherStorefront.address);
      await expect(escrow.connect(otherStorefront).setIssuerKey(thirdKey.address, false))
        .to.be.revertedWithCustomError(escrow, "NotIssuerKeyOf").withArgs(thirdKey.address, otherStorefront.address);
    });
  });

  describe("recording as the storefront", function () {
    it("records a referral exactly as the storefront would: its budget, its program, its event", async function () {
      const { escrow, storefront, key, aliceId, usdAddress } = await loadFixture(keysFixture);
      const commission = (SALE * ALICE_RATE_BPS) / 10_000n;
      const tx = escrow.connect(key).recordReferral(7n, ALICE, SALE, usdAddress, BUYER);
      const releaseTime = BigInt(await time.latest()) + 1n + HOLD;
      await expect(tx)
        .to.emit(escrow, "ReferralRecorded")
        .withArgs(storefront.address, aliceId, 7n, BUYER, usdAddress, SALE, commission, releaseTime);
      expect(await escrow.budgetOf(storefront.address, usdAddress)).to.equal(BUDGET - commission);
      const referral = await escrow.referralOf(storefront.address, 7n);
      expect(referral.status).to.equal(Status.Pending);
      expect(referral.releaseTime).to.equal(releaseTime);
      expect((await escrow.referralOf(key.address, 7n)).status).to.equal(Status.None);
    });

    it("records a batch for the storefront; an order the storefront recorded is refused, naming the storefront", async function () {
      const { escrow, storefront, key, secondKey, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(storefront).recordReferral(1n, ALICE, SALE, usdAddress, BUYER);
      const sales = [
        { orderId: 2n, code: ALICE, saleAmount: SALE, buyer: BUYER },
        { orderId: 3n, code: BOB, saleAmount: SALE, buyer: BUYER },
      ];
      await expect(escrow.connect(key).recordReferrals(usdAddress, sales)).to.emit(escrow, "ReferralRecorded");
      const commissions = (SALE * ALICE_RATE_BPS) / 10_000n * 2n + BOB_FIXED;
      expect(await escrow.budgetOf(storefront.address, usdAddress)).to.equal(BUDGET - commissions);
      await expect(escrow.connect(secondKey).recordReferral(1n, ALICE, SALE, usdAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "OrderAlreadyRecorded").withArgs(storefront.address, 1n);
      await expect(escrow.connect(storefront).recordReferral(3n, ALICE, SALE, usdAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "OrderAlreadyRecorded").withArgs(storefront.address, 3n);
    });

    it("counts a key's referrals against the storefront's partner cap, with the storefront's own", async function () {
      const { escrow, storefront, key, secondKey, aliceId, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(storefront).setReferralCap(3, 86_400);
      await escrow.connect(storefront).recordReferral(1n, ALICE, SALE, usdAddress, BUYER);
      await escrow.connect(key).recordReferral(2n, ALICE, SALE, usdAddress, BUYER);
      await escrow.connect(secondKey).recordReferral(3n, ALICE, SALE, usdAddress, BUYER);
      const [periodStart, count] = await escrow.referralsInPeriodOf(storefront.address, aliceId);
      expect(count).to.equal(3n);
      await expect(escrow.connect(key).recordReferral(4n, ALICE, SALE, usdAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "ReferralCapExceeded").withArgs(storefront.address, aliceId, periodStart, 3n);
    });

    it("spends only the storefront's budget: past it a key's recording reverts InsufficientBudget naming the storefront", async function () {
      const { escrow, storefront, key, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(storefront).withdrawBudget(usdAddress, BUDGET - 10n * USD, storefront.address);
      const commission = (SALE * ALICE_RATE_BPS) / 10_000n;
      await expect(escrow.connect(key).recordReferral(1n, ALICE, SALE, usdAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "InsufficientBudget").withArgs(storefront.address, usdAddress, 10n * USD, commission);
    });

    it("stops with the storefront's program: paused, it reverts ProgramPaused naming the storefront", async function () {
      const { escrow, storefront, key, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(storefront).setProgramPaused(true);
      await expect(escrow.connect(key).recordReferral(1n, ALICE, SALE, usdAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "ProgramPaused").withArgs(storefront.address);
    });

    it("uses the storefront's enrolments: a partner enrolled only elsewhere reverts PartnerNotEnrolled naming the storefront", async function () {
      const { escrow, storefront, key, carolId, usdAddress } = await loadFixture(keysFixture);
      await expect(escrow.connect(key).recordReferral(1n, CAROL, SALE, usdAddress, BUYER))
        .to.be.revertedWithCustomError(escrow, "PartnerNotEnrolled").withArgs(storefront.address, carolId);
    });

    it("acts for its own storefront only: a key of A cannot record, void or refund for B", async function () {
      const { escrow, storefront, otherStorefront, key, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(otherStorefront).recordReferral(9n, ALICE, SALE, usdAddress, BUYER);
      const otherBudget = await escrow.budgetOf(otherStorefront.address, usdAddress);
      await expect(escrow.connect(key).voidReferral(9n))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(storefront.address, 9n);
      await expect(escrow.connect(key).refundReferral(9n, 5_000))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(storefront.address, 9n);
      await expect(escrow.connect(key).releaseEarly(9n))
        .to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(storefront.address, 9n);
      // A key's recording of the same order number is the storefront's, never B's.
      await escrow.connect(key).recordReferral(9n, ALICE, SALE, usdAddress, BUYER);
      expect(await escrow.budgetOf(otherStorefront.address, usdAddress)).to.equal(otherBudget);
      expect((await escrow.referralOf(otherStorefront.address, 9n)).status).to.equal(Status.Pending);
      expect((await escrow.referralOf(storefront.address, 9n)).status).to.equal(Status.Pending);
    });
  });

  describe("refunding, voiding and releasing early as the storefront", function () {
    it("voids and refunds the storefront's referral within the hold period, back into its budget", async function () {
      const { escrow, storefront, key, secondKey, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(storefront).recordReferral(1n, ALICE, SALE, usdAddress, BUYER);
      await escrow.connect(key).recordReferral(2n, ALICE, SALE, usdAddress, BUYER);
      const commission = (SALE * ALICE_RATE_BPS) / 10_000n;
      await expect(escrow.connect(secondKey).refundReferral(1n, 2_500))
        .to.emit(escrow, "ReferralRefunded").withArgs(storefront.address, 1n, 2_500n, commission / 4n, commission - commission / 4n);
      await expect(escrow.connect(key).voidReferral(2n)).to.emit(escrow, "ReferralVoided").withArgs(storefront.address, 2n, commission);
      expect(await escrow.budgetOf(storefront.address, usdAddress)).to.equal(BUDGET - commission + commission / 4n);
      expect((await escrow.referralOf(storefront.address, 2n)).status).to.equal(Status.Voided);
    });

    it("releases early for the storefront, and can no longer void once released", async function () {
      const { escrow, storefront, key, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(storefront).recordReferral(1n, ALICE, SALE, usdAddress, BUYER);
      await expect(escrow.connect(key).releaseEarly(1n)).to.emit(escrow, "ReferralReleasedEarly");
      expect(await escrow.isClaimable(storefront.address, 1n)).to.equal(true);
      await expect(escrow.connect(key).voidReferral(1n)).to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased");
    });

    it("cannot void after the hold period: ReferralAlreadyReleased names the storefront", async function () {
      const { escrow, storefront, key, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(key).recordReferral(1n, ALICE, SALE, usdAddress, BUYER);
      await passHold(escrow, storefront, 1n);
      const { releaseTime } = await escrow.referralOf(storefront.address, 1n);
      await expect(escrow.connect(key).voidReferral(1n))
        .to.be.revertedWithCustomError(escrow, "ReferralAlreadyReleased").withArgs(storefront.address, 1n, releaseTime);
    });

    it("a removed key can no longer void or refund the storefront's referrals", async function () {
      const { escrow, storefront, key, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(key).recordReferral(1n, ALICE, SALE, usdAddress, BUYER);
      await escrow.connect(storefront).setIssuerKey(key.address, false);
      await expect(escrow.connect(key).voidReferral(1n)).to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(key.address, 1n);
      await expect(escrow.connect(key).refundReferral(1n, 1)).to.be.revertedWithCustomError(escrow, "UnknownReferral").withArgs(key.address, 1n);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
    });
  });

  describe("budgets and terms stay the storefront's", function () {
    it("a key cannot withdraw the storefront's budget: its withdrawal is from its own, empty, budget", async function () {
      const { escrow, storefront, key, usdAddress } = await loadFixture(keysFixture);
      await expect(escrow.connect(key).withdrawBudget(usdAddress, 1n, key.address))
        .to.be.revertedWithCustomError(escrow, "InsufficientBudget").withArgs(key.address, usdAddress, 0n, 1n);
      expect(await escrow.budgetOf(storefront.address, usdAddress)).to.equal(BUDGET);
    });

    it("a key's term calls set its own account's terms, never the storefront's", async function () {
      const { escrow, storefront, key, aliceId, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(key).setHoldPeriod(1);
      await escrow.connect(key).setProgramPaused(true);
      await escrow.connect(key).enrolPartner(ALICE, 3_000, 0);
      expect((await escrow.programOf(storefront.address)).holdPeriod).to.equal(HOLD);
      expect((await escrow.termsOf(storefront.address, aliceId)).rateBps).to.equal(ALICE_RATE_BPS);
      // Its recording still follows the storefront's program: not paused, the storefront's hold and rate.
      await escrow.connect(key).recordReferral(1n, ALICE, SALE, usdAddress, BUYER);
      const referral = await escrow.referralOf(storefront.address, 1n);
      expect(referral.commission).to.equal((SALE * ALICE_RATE_BPS) / 10_000n);
      expect(referral.releaseTime).to.equal(BigInt(await time.latest()) + HOLD);
    });
  });

  describe("ordering within one block", function () {
    it("a key removed ahead of its recording in the same block makes the recording revert", async function () {
      const { escrow, storefront, key, usdAddress } = await loadFixture(keysFixture);
      const statuses = await inOneBlock(
        (fees) => escrow.connect(storefront).setIssuerKey(key.address, false, fees),
        (fees) => escrow.connect(key).recordReferral(1n, ALICE, SALE, usdAddress, BUYER, fees),
      );
      expect(statuses).to.deep.equal({ first: 1, second: 0 });
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.None);
      expect(await escrow.budgetOf(storefront.address, usdAddress)).to.equal(BUDGET);
    });

    it("a key removed ahead of its void in the same block leaves the referral pending", async function () {
      const { escrow, storefront, key, usdAddress } = await loadFixture(keysFixture);
      await escrow.connect(key).recordReferral(1n, ALICE, SALE, usdAddress, BUYER);
      const statuses = await inOneBlock(
        (fees) => escrow.connect(storefront).setIssuerKey(key.address, false, fees),
        (fees) => escrow.connect(key).voidReferral(1n, fees),
      );
      expect(statuses).to.deep.equal({ first: 1, second: 0 });
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
    });

    it("a key removed after its recording in the same block leaves the recording in place", async function () {
      const { escrow, storefront, key, usdAddress } = await loadFixture(keysFixture);
      const statuses = await inOneBlock(
        (fees) => escrow.connect(key).recordReferral(1n, ALICE, SALE, usdAddress, BUYER, fees),
        (fees) => escrow.connect(storefront).setIssuerKey(key.address, false, fees),
      );
      expect(statuses).to.deep.equal({ first: 1, second: 1 });
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
    });
  });
});
