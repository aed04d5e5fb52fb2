import { expect } from "chai";

import type { ReferralEscrow } from "../../types/ethers-contracts/index.js";
import {
  ALICE,
  BOB,
  BUDGET,
  BUYER,
  Status,
  USD,
  deployProgramFixture,
  deployReferralEscrowFixture,
  ethers,
  fundBudget,
  key,
  mintAndApprove,
  networkHelpers,
  passHold,
  record,
} from "./referralFixtures.js";

const { loadFixture } = networkHelpers;
const FEE_BPS = 100n; // 1%

/** The escrow's balance of a token, and what it owes in it: budgets of `storefronts` plus `escrowed`. */
async function holdings(escrow: ReferralEscrow, token: { getAddress(): Promise<string>; balanceOf(a: string): Promise<bigint> }, storefronts: string[]) {
  const address = await token.getAddress();
  let budgets = 0n;
  for (const storefront of storefronts) budgets += await escrow.budgetOf(storefront, address);
  return { balance: await token.balanceOf(await escrow.getAddress()), budgets };
}

describe("ReferralEscrow: budgets", function () {
  describe("funding and withdrawing", function () {
    it("funds a budget with BudgetFunded and numbers the token", async function () {
      const { escrow, usd, storefront } = await loadFixture(deployReferralEscrowFixture);
      const token = await usd.getAddress();
      await mintAndApprove(escrow, usd, storefront, 1_000n * USD);
      expect(await escrow.tokenById(1n)).to.equal(ethers.ZeroAddress);
      const tx = escrow.connect(storefront).fundBudget(token, 600n * USD);
      await expect(tx).to.emit(escrow, "BudgetFunded").withArgs(storefront.address, token, storefront.address, 600n * USD);
      await expect(tx).to.changeTokenBalances(ethers, usd, [storefront, escrow], [-600n * USD, 600n * USD]);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(600n * USD);
      expect(await escrow.tokenById(1n)).to.equal(token);
      await escrow.connect(storefront).fundBudget(token, 400n * USD);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(1_000n * USD);
      // The token keeps its number.
      expect(await escrow.tokenById(1n)).to.equal(token);
      expect(await escrow.tokenById(2n)).to.equal(ethers.ZeroAddress);
    });

    it("numbers each token once, whichever storefront funds it", async function () {
      const { escrow, usd, storefront, otherStorefront } = await loadFixture(deployReferralEscrowFixture);
      const eur = await ethers.deployContract("TestToken", ["Test Euro", "TEUR"]);
      await fundBudget(escrow, usd, storefront, 10n * USD);
      await fundBudget(escrow, eur, otherStorefront, 10n * USD);
      await fundBudget(escrow, usd, otherStorefront, 20n * USD);
      await fundBudget(escrow, eur, storefront, 30n * USD);
      expect(await escrow.tokenById(1n)).to.equal(await usd.getAddress());
      expect(await escrow.tokenById(2n)).to.equal(await eur.getAddress());
      expect(await escrow.tokenById(3n)).to.equal(ethers.ZeroAddress);
      // Budgets are per storefront and token.
      expect(await escrow.budgetOf(storefront.address, await usd.getAddress())).to.equal(10n * USD);
      expect(await escrow.budgetOf(otherStorefront.address, await usd.getAddress())).to.equal(20n * USD);
      expect(await escrow.budgetOf(storefront.address, await eur.getAddress())).to.equal(30n * USD);
      expect(await escrow.budgetOf(otherStorefront.address, await eur.getAddress())).to.equal(10n * USD);
    });

    it("withdraws to any address, with BudgetWithdrawn", async function () {
      const { escrow, usd, storefront, stranger } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      const tx = escrow.connect(storefront).withdrawBudget(token, 300n * USD, stranger.address);
      await expect(tx).to.emit(escrow, "BudgetWithdrawn").withArgs(storefront.address, token, stranger.address, 300n * USD);
      await expect(tx).to.changeTokenBalances(ethers, usd, [escrow, stranger, storefront], [-300n * USD, 300n * USD, 0n]);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET - 300n * USD);
      await escrow.connect(storefront).withdrawBudget(token, BUDGET - 300n * USD, storefront.address);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(0n);
      expect(await usd.balanceOf(storefront.address)).to.equal(BUDGET - 300n * USD);
    });

    it("withdraws only the unallocated budget, naming available and asked", async function () {
      const { escrow, usd, storefront, otherStorefront } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      const { commission } = await record(escrow, storefront, 1n, ALICE, 1_000n * USD, usd);
      await record(escrow, storefront, 2n, BOB, 1n, usd);
      const available = BUDGET - commission - 25n * USD;
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(available);
      await expect(escrow.connect(storefront).withdrawBudget(token, BUDGET, storefront.address))
        .to.be.revertedWithCustomError(escrow, "InsufficientBudget").withArgs(storefront.address, token, available, BUDGET);
      await expect(escrow.connect(storefront).withdrawBudget(token, available + 1n, storefront.address))
        .to.be.revertedWithCustomError(escrow, "InsufficientBudget").withArgs(storefront.address, token, available, available + 1n);
      await escrow.connect(storefront).withdrawBudget(token, available, storefront.address);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(0n);
      // What is left in the escrow is the other storefront's budget and the two escrowed commissions.
      expect(await usd.balanceOf(await escrow.getAddress())).to.equal(BUDGET + commission + 25n * USD);
      await expect(escrow.connect(storefront).withdrawBudget(token, 1n, storefront.address))
        .to.be.revertedWithCustomError(escrow, "InsufficientBudget").withArgs(storefront.address, token, 0n, 1n);
      // A storefront cannot reach another's budget or a token it never funded.
      const eur = await ethers.deployContract("TestToken", ["Test Euro", "TEUR"]);
      await fundBudget(escrow, eur, otherStorefront, 5n * USD);
      await expect(escrow.connect(storefront).withdrawBudget(await eur.getAddress(), 1n, storefront.address))
        .to.be.revertedWithCustomError(escrow, "InsufficientBudget").withArgs(storefront.address, await eur.getAddress(), 0n, 1n);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
    });

    it("rejects zero amounts, the zero recipient and tokens without code", async function () {
      const { escrow, usd, storefront, stranger } = await loadFixture(deployProgramFixture);
      const token = await usd.getAddress();
      await expect(escrow.connect(storefront).fundBudget(token, 0n)).to.be.revertedWithCustomError(escrow, "ZeroAmount");
      await expect(escrow.connect(storefront).withdrawBudget(token, 0n, storefront.address)).to.be.revertedWithCustomError(escrow, "ZeroAmount");
      await expect(escrow.connect(storefront).withdrawBudget(token, USD, ethers.ZeroAddress)).to.be.revertedWithCustomError(escrow, "ZeroAddress");
      await expect(escrow.connect(storefront).fundBudget(stranger.address, USD))
        .to.be.revertedWithCustomError(escrow, "InvalidToken").withArgs(stranger.address);
      await expect(escrow.connect(storefront).fundBudget(ethers.ZeroAddress, USD))
        .to.be.revertedWithCustomError(escrow, "InvalidToken").withArgs(ethers.ZeroAddress);
      expect(await escrow.tokenById(2n)).to.equal(ethers.ZeroAddress);
      expect(await escrow.budgetOf(storefront.address, stranger.address)).to.equal(0n);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(BUDGET);
    });

    it("refuses to owe more than 2**96 - 1 of a token, all budgets together", async function () {
      const { escrow, usd, storefront, otherStorefront } = await loadFixture(deployReferralEscrowFixture);
      const token = await usd.getAddress();
      const max = 2n ** 96n - 1n;
      await fundBudget(escrow, usd, storefront, max - 5n);
      await fundBudget(escrow, usd, otherStorefront, 5n);
      expect(await escrow.owedIn(token)).to.equal(max);
      await mintAndApprove(escrow, usd, storefront, 1n);
      await expect(escrow.connect(storefront).fundBudget(token, 1n))
        .to.be.revertedWithCustomError(escrow, "BooksTooLarge").withArgs(token, 2n ** 96n);
      expect(await usd.balanceOf(storefront.address)).to.equal(1n);
    });
  });

  describe("books per token: no storefront withdraws what another deposited", function () {
    /** Two storefronts' budgets in a token whose balance in the escrow anyone can destroy, as points expire. */
    async function expiringFixture() {
      const fixture = await deployProgramFixture();
      const { escrow, storefront } = fixture;
      const points = await ethers.deployContract("ExpiringToken");
      await fundBudget(escrow, points, storefront, 100n * USD);
      await record(escrow, storefront, 1n, ALICE, 100n * USD, points); // 10 escrowed for Alice
      return { ...fixture, points, token: await points.getAddress() };
    }

    it("keeps books of budgets plus escrowed commissions, moved by funding, withdrawing and claiming only", async function () {
      const { alice, escrow, usd, storefront, otherStorefront, aliceId, points, token } = await loadFixture(expiringFixture);
      expect(await escrow.owedIn(token)).to.equal(100n * USD);
      expect(await escrow.owedIn(await usd.getAddress())).to.equal(2n * BUDGET);
      await escrow.connect(storefront).refundReferral(1n, 5_000n); // back into the budget: the books stay
      expect(await escrow.owedIn(token)).to.equal(100n * USD);
      await fundBudget(escrow, points, otherStorefront, 7n);
      await escrow.connect(storefront).withdrawBudget(token, 3n, storefront.address);
      expect(await escrow.owedIn(token)).to.equal(100n * USD + 4n);
      await escrow.connect(storefront).releaseEarly(1n);
      await escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n]);
      expect(await escrow.owedIn(token)).to.equal(95n * USD + 4n);
      expect(await points.balanceOf(await escrow.getAddress())).to.equal(await escrow.owedIn(token));
      expect(await escrow.owedIn(ethers.ZeroAddress)).to.equal(0n);
    });

    it("refuses a withdrawal that would leave the balance below the books, so a loss is never passed on", async function () {
      const { escrow, storefront, otherStorefront, points, token } = await loadFixture(expiringFixture);
      const escrowAddress = await escrow.getAddress();
      // A third party destroys 30 of the escrow's 100.
      await points.expire(escrowAddress, 30n * USD);
      await expect(escrow.connect(storefront).withdrawBudget(token, USD, storefront.address))
        .to.be.revertedWithCustomError(escrow, "BooksNotCovered").withArgs(token, 69n * USD, 99n * USD);
      // Another storefront's deposit would pay the first one's obligations: refused before any transfer.
      await mintAndApprove(escrow, points, otherStorefront, 50n * USD);
      await expect(escrow.connect(otherStorefront).fundBudget(token, 50n * USD))
        .to.be.revertedWithCustomError(escrow, "BooksNotCovered").withArgs(token, 70n * USD, 100n * USD);
      expect(await points.balanceOf(otherStorefront.address)).to.equal(50n * USD);
      // Once the balance covers the books again (the loss made good), everything resumes.
      await points.mint(escrowAddress, 30n * USD);
      await expect(escrow.connect(storefront).withdrawBudget(token, 90n * USD, storefront.address))
        .to.emit(escrow, "BudgetWithdrawn").withArgs(storefront.address, token, storefront.address, 90n * USD);
      await expect(escrow.connect(otherStorefront).fundBudget(token, 50n * USD)).to.emit(escrow, "BudgetFunded");
    });

    it("lets the last storefront out exactly at the books, not a unit past them", async function () {
      const { escrow, storefront, otherStorefront, points, token } = await loadFixture(expiringFixture);
      await fundBudget(escrow, points, otherStorefront, 40n * USD);
      // A dust loss (1 unit) already blocks every withdrawal of the token: the books are exact.
      await points.expire(await escrow.getAddress(), 1n);
      await expect(escrow.connect(otherStorefront).withdrawBudget(token, 1n, otherStorefront.address))
        .to.be.revertedWithCustomError(escrow, "BooksNotCovered").withArgs(token, 140n * USD - 2n, 140n * USD - 1n);
      await points.mint(await escrow.getAddress(), 1n);
      await escrow.connect(otherStorefront).withdrawBudget(token, 40n * USD, otherStorefront.address);
      await escrow.connect(storefront).withdrawBudget(token, 90n * USD, storefront.address);
      expect(await escrow.owedIn(token)).to.equal(10n * USD);
      expect(await points.balanceOf(await escrow.getAddress())).to.equal(10n * USD);
    });
  });

  describe("tokens that misbehave", function () {
    it("credits a fee-on-transfer token by what arrived, and its balance covers budgets and escrow", async function () {
      const { alice, escrow, storefront, otherStorefront, aliceId, alicePayout } = await loadFixture(deployProgramFixture);
      const fee = await ethers.deployContract("FeeOnTransferToken", [FEE_BPS]);
      const token = await fee.getAddress();
      const storefronts = [storefront.address, otherStorefront.address];
      await mintAndApprove(escrow, fee, storefront, 1_000n * USD);
      await expect(escrow.connect(storefront).fundBudget(token, 1_000n * USD))
        .to.emit(escrow, "BudgetFunded").withArgs(storefront.address, token, storefront.address, 990n * USD);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(990n * USD);
      await fundBudget(escrow, fee, otherStorefront, 100n * USD);
      expect(await escrow.budgetOf(otherStorefront.address, token)).to.equal(99n * USD);
      let h = await holdings(escrow, fee, storefronts);
      expect(h.balance).to.equal(h.budgets);

      // Commissions are computed on the sale, escrowed in full, and paid minus the token's fee.
      const { commission } = await record(escrow, storefront, 1n, ALICE, 2_000n * USD, fee);
      expect(commission).to.equal(200n * USD);
      h = await holdings(escrow, fee, storefronts);
      expect(h.balance).to.equal(h.budgets + commission);
      await passHold(escrow, storefront, 1n);
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]))
        .to.emit(escrow, "CommissionsClaimed").withArgs(aliceId, token, commission, [[storefront.address, 1n]]);
      expect(await fee.balanceOf(alicePayout.address)).to.equal(commission - (commission * FEE_BPS) / 10_000n);
      h = await holdings(escrow, fee, storefronts);
      expect(h.balance).to.equal(h.budgets);

      // Everything unallocated can still be withdrawn; the escrow is left with nothing it owes.
      await escrow.connect(storefront).withdrawBudget(token, 790n * USD, storefront.address);
      await escrow.connect(otherStorefront).withdrawBudget(token, 99n * USD, otherStorefront.address);
      expect(await fee.balanceOf(await escrow.getAddress())).to.equal(0n);
    });

    it("leaves no credit when a token's transfer returns false", async function () {
      const { alice, escrow, storefront, aliceId } = await loadFixture(deployProgramFixture);
      const bad = await ethers.deployContract("FalseReturningToken");
      const token = await bad.getAddress();
      await mintAndApprove(escrow, bad, storefront, 100n * USD);
      await bad.setFailTransfers(true);
      await expect(escrow.connect(storefront).fundBudget(token, 100n * USD))
        .to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation").withArgs(token);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(0n);
      expect(await escrow.tokenById(2n)).to.equal(ethers.ZeroAddress);
      expect(await bad.balanceOf(storefront.address)).to.equal(100n * USD);
      // A refused deposit did not open a budget to record against.
      await expect(escrow.connect(storefront).recordReferral(1n, ALICE, USD, token, BUYER))
        .to.be.revertedWithCustomError(escrow, "InvalidToken").withArgs(token);

      // Once funded, a failing withdrawal or claim moves nothing and changes no state.
      await bad.setFailTransfers(false);
      await escrow.connect(storefront).fundBudget(token, 100n * USD);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(100n * USD);
      await record(escrow, storefront, 1n, ALICE, 100n * USD, bad);
      await passHold(escrow, storefront, 1n);
      await bad.setFailTransfers(true);
      await expect(escrow.connect(storefront).withdrawBudget(token, 90n * USD, storefront.address))
        .to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation").withArgs(token);
      await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]))
        .to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation").withArgs(token);
      expect(await escrow.budgetOf(storefront.address, token)).to.equal(90n * USD);
      expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
      expect(await bad.balanceOf(await escrow.getAddress())).to.equal(100n * USD);
    });

    describe("a token that calls back into the escrow during a transfer", function () {
      async function reentrantFixture() {
        const fixture = await deployProgramFixture();
        const { escrow, storefront, otherStorefront } = fixture;
        const evil = await ethers.deployContract("ReentrantToken");
        await fundBudget(escrow, evil, storefront, 1_000n * USD);
        await fundBudget(escrow, evil, otherStorefront, 1_000n * USD);
        // Two released referrals of Alice's: 100 and 50 of the token.
        await record(escrow, storefront, 1n, ALICE, 1_000n * USD, evil);
        await record(escrow, otherStorefront, 1n, ALICE, 1_000n * USD, evil);
        await passHold(escrow, storefront, 1n);
        const guard = escrow.interface.getError("ReentrancyGuardReentrantCall")!.selector;
        return { ...fixture, evil, guard };
      }

      it("refuses a claim during a budget withdrawal", async function () {
        const { escrow, evil, guard, storefront, aliceId, alicePayout } = await loadFixture(reentrantFixture);
        const token = await evil.getAddress();
        // A claim anyone could make, which without the guard would pay Alice in the middle of the withdrawal.
        const attack = escrow.interface.encodeFunctionData("claim", [aliceId, [key(storefront, 1n)]]);
        await evil.arm(await escrow.getAddress(), attack);
        await expect(escrow.connect(storefront).withdrawBudget(token, 300n * USD, storefront.address))
          .to.emit(escrow, "BudgetWithdrawn").withArgs(storefront.address, token, storefront.address, 300n * USD);
        expect(await evil.attempts()).to.equal(1n);
        expect(await evil.attackSucceeded()).to.equal(false);
        expect(await evil.attackResult()).to.equal(guard);
        expect(await evil.balanceOf(alicePayout.address)).to.equal(0n);
        expect((await escrow.referralOf(storefront.address, 1n)).status).to.equal(Status.Pending);
        expect(await evil.balanceOf(storefront.address)).to.equal(300n * USD);
        expect(await escrow.budgetOf(storefront.address, token)).to.equal(600n * USD);
        expect(await evil.balanceOf(await escrow.getAddress())).to.equal(600n * USD + 950n * USD + 150n * USD);
      });

      it("refuses a second claim and a withdrawal during a claim", async function () {
        const { alice, escrow, evil, guard, storefront, otherStorefront, aliceId, alicePayout } = await loadFixture(reentrantFixture);
        const token = await evil.getAddress();
        const escrowAddress = await escrow.getAddress();
        await evil.arm(escrowAddress, escrow.interface.encodeFunctionData("claim", [aliceId, [key(otherStorefront, 1n)]]));
        await expect(escrow.connect(alice).claim(aliceId, [key(storefront, 1n)]))
          .to.emit(escrow, "CommissionsClaimed").withArgs(aliceId, token, 100n * USD, [[storefront.address, 1n]]);
        expect(await evil.attackSucceeded()).to.equal(false);
        expect(await evil.attackResult()).to.equal(guard);
        expect(await evil.balanceOf(alicePayout.address)).to.equal(100n * USD);
        expect((await escrow.referralOf(otherStorefront.address, 1n)).status).to.equal(Status.Pending);

        await evil.arm(escrowAddress, escrow.interface.encodeFunctionData("withdrawBudget", [token, 1n, alicePayout.address]));
        await escrow.connect(alice).claim(aliceId, [key(otherStorefront, 1n)]);
        expect(await evil.attempts()).to.equal(2n);
        expect(await evil.attackSucceeded()).to.equal(false);
        expect(await evil.attackResult()).to.equal(guard);
        expect(await evil.balanceOf(alicePayout.address)).to.equal(150n * USD);
        expect(await evil.balanceOf(escrowAddress)).to.equal(900n * USD + 950n * USD);
        expect(await escrow.budgetOf(storefront.address, token)).to.equal(900n * USD);
      });

      it("refuses a claimFrom during a claimFrom", async function () {
        const { alice, escrow, evil, guard, storefront, otherStorefront, aliceId, alicePayout } = await loadFixture(reentrantFixture);
        const escrowAddress = await escrow.getAddress();
        await evil.arm(escrowAddress, escrow.interface.encodeFunctionData("claimFrom", [aliceId, otherStorefront.address, [1n]]));
        await expect(escrow.connect(alice).claimFrom(aliceId, storefront.address, [1n]))
          .to.emit(escrow, "CommissionsClaimedFrom").withArgs(aliceId, await evil.getAddress(), storefront.address, 100n * USD, [1n]);
        expect(await evil.attempts()).to.equal(1n);
        expect(await evil.attackSucceeded()).to.equal(false);
        expect(await evil.attackResult()).to.equal(guard);
        expect(await evil.balanceOf(alicePayout.address)).to.equal(100n * USD);
        expect((await escrow.referralOf(otherStorefront.address, 1n)).status).to.equal(Status.Pending);
        expect(await evil.balanceOf(escrowAddress)).to.equal(900n * USD + 950n * USD + 50n * USD);
      });

      it("refuses a deposit during a deposit", async function () {
        const { escrow, evil, guard, storefront } = await loadFixture(reentrantFixture);
        const token = await evil.getAddress();
        await mintAndApprove(escrow, evil, storefront, 40n * USD);
        await evil.arm(await escrow.getAddress(), escrow.interface.encodeFunctionData("fundBudget", [token, 1n]));
        await expect(escrow.connect(storefront).fundBudget(token, 40n * USD))
          .to.emit(escrow, "BudgetFunded").withArgs(storefront.address, token, storefront.address, 40n * USD);
        expect(await evil.attempts()).to.equal(1n);
        expect(await evil.attackSucceeded()).to.equal(false);
        expect(await evil.attackResult()).to.equal(guard);
        expect(await escrow.budgetOf(storefront.address, token)).to.equal(900n * USD + 40n * USD);
        expect(await escrow.budgetOf(token, token)).to.equal(0n);
        expect(await evil.balanceOf(await escrow.getAddress())).to.equal(940n * USD + 950n * USD + 150n * USD);
      });
    });
  });
});
