import { expect } from "chai";

import type { DataAccessPayments } from "../../types/ethers-contracts/index.js";
import {
  ALICE_PRICE,
  BOB_PRICE,
  CAROL_PRICE,
  DEPOSIT,
  FEE_BPS,
  MINTED,
  OTHER_SCOPE,
  SCOPE,
  deployDataAccessFixture,
  ethers,
  feeOf,
  grantBySignature,
  ledger,
  mintAndApprove,
  networkHelpers,
  paymentLogs,
  signWithdrawal,
  inAnHour,
  upgradesApi,
} from "./dataAccessFixtures.js";
import { deployDataAccessPayments } from "../../deploy/dataAccessPayments.js";

const { loadFixture, time } = networkHelpers;

describe("DataAccessPayments: deposits and accesses", function () {
  describe("deposits", function () {
    it("credits a deposit with Deposited and moves the tokens in", async function () {
      const { payments, token, otherConsumer } = await loadFixture(deployDataAccessFixture);
      await mintAndApprove(payments, token, otherConsumer, 5_000n);
      const tx = payments.connect(otherConsumer).deposit(3_000n);
      await expect(tx).to.emit(payments, "Deposited").withArgs(otherConsumer.address, 3_000n);
      await expect(tx).to.changeTokenBalances(ethers, token, [otherConsumer, payments], [-3_000n, 3_000n]);
      expect(await payments.depositOf(otherConsumer.address)).to.equal(3_000n);
      await payments.connect(otherConsumer).deposit(2_000n);
      expect(await payments.depositOf(otherConsumer.address)).to.equal(5_000n);
      await expect(payments.connect(otherConsumer).deposit(0n)).to.be.revertedWithCustomError(payments, "ZeroAmount");
    });

    it("credits what arrived of a fee-on-transfer payment token, and pays accesses from it", async function () {
      const { registry, admin, consumer, alice, feeRecipient } = await loadFixture(deployDataAccessFixture);
      const feeToken = await ethers.deployContract("FeeOnTransferToken", [100n]); // 1% burned per transfer
      const { payments } = await deployDataAccessPayments(ethers, upgradesApi, {
        admin: admin.address,
        registry: await registry.getAddress(),
        paymentToken: await feeToken.getAddress(),
        feeRecipient: feeRecipient.address,
        feeBps: Number(FEE_BPS),
      });
      await mintAndApprove(payments, feeToken, consumer, 1_000_000n);
      const tx = payments.connect(consumer).deposit(1_000_000n);
      await expect(tx).to.emit(payments, "Deposited").withArgs(consumer.address, 990_000n);
      await expect(tx).to.changeTokenBalances(ethers, feeToken, [consumer, payments], [-1_000_000n, 990_000n]);
      expect(await payments.depositOf(consumer.address)).to.equal(990_000n);
      // The deposit is all backed: the consumer can spend and withdraw exactly it.
      await payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE);
      const left = 990_000n - ALICE_PRICE;
      expect(await payments.depositOf(consumer.address)).to.equal(left);
      await expect(payments.connect(consumer).withdrawDeposit(left + 1n, consumer.address))
        .to.be.revertedWithCustomError(payments, "InsufficientDeposit").withArgs(consumer.address, left, left + 1n);
      await payments.connect(consumer).withdrawDeposit(left, consumer.address);
      await payments.connect(alice).withdrawEarnings(ALICE_PRICE - feeOf(ALICE_PRICE));
      await payments.withdrawFees();
      expect(await feeToken.balanceOf(await payments.getAddress())).to.equal(0n);
    });

    it("withdraws only the unspent deposit, to any address, naming available and asked", async function () {
      const { payments, token, consumer, alice, stranger } = await loadFixture(deployDataAccessFixture);
      await payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE);
      const unspent = DEPOSIT - ALICE_PRICE;
      await expect(payments.connect(consumer).withdrawDeposit(unspent + 1n, consumer.address))
        .to.be.revertedWithCustomError(payments, "InsufficientDeposit").withArgs(consumer.address, unspent, unspent + 1n);
      await expect(payments.connect(consumer).withdrawDeposit(0n, consumer.address)).to.be.revertedWithCustomError(payments, "ZeroAmount");
      await expect(payments.connect(consumer).withdrawDeposit(1n, ethers.ZeroAddress)).to.be.revertedWithCustomError(payments, "ZeroAddress");
      // Someone else's deposit is not the caller's.
      await expect(payments.connect(stranger).withdrawDeposit(1n, stranger.address))
        .to.be.revertedWithCustomError(payments, "InsufficientDeposit").withArgs(stranger.address, 0n, 1n);
      const tx = payments.connect(consumer).withdrawDeposit(unspent - 1_000n, stranger.address);
      await expect(tx).to.emit(payments, "DepositWithdrawn").withArgs(consumer.address, stranger.address, unspent - 1_000n);
      await expect(tx).to.changeTokenBalances(ethers, token, [payments, stranger, consumer], [-(unspent - 1_000n), unspent - 1_000n, 0n]);
      expect(await payments.depositOf(consumer.address)).to.equal(1_000n);
      await payments.connect(consumer).withdrawDeposit(1_000n, consumer.address);
      expect(await payments.depositOf(consumer.address)).to.equal(0n);
      expect(await token.balanceOf(consumer.address)).to.equal(MINTED - DEPOSIT + 1_000n);
      // The shopper's earnings stay behind.
      expect(await token.balanceOf(await payments.getAddress())).to.equal(ALICE_PRICE);
    });
  });

  describe("recordAccess", function () {
    it("debits the consent price, credits the shopper price less fee, accrues the fee", async function () {
      const { payments, consumer, alice } = await loadFixture(deployDataAccessFixture);
      const fee = feeOf(ALICE_PRICE);
      expect(fee).to.equal(2_500n);
      const logs = await paymentLogs(payments, payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE));
      expect(logs).to.deep.equal([["AccessRecorded", consumer.address, alice.address, SCOPE, ALICE_PRICE, fee]]);
      expect(await payments.depositOf(consumer.address)).to.equal(DEPOSIT - ALICE_PRICE);
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_PRICE - fee);
      expect(await payments.accruedFees()).to.equal(fee);
      // Again, at a higher maximum: the consent's price is charged, not the maximum.
      await payments.connect(consumer).recordAccess(alice.address, SCOPE, 10n * ALICE_PRICE);
      expect(await payments.depositOf(consumer.address)).to.equal(DEPOSIT - 2n * ALICE_PRICE);
      expect(await payments.earningsOf(alice.address)).to.equal(2n * (ALICE_PRICE - fee));
      expect(await payments.accruedFees()).to.equal(2n * fee);
    });

    it("rounds the fee down", async function () {
      const { payments, consumer, carol } = await loadFixture(deployDataAccessFixture);
      const fee = feeOf(CAROL_PRICE);
      expect(fee).to.equal(1_500n); // 1,500.95
      await expect(payments.connect(consumer).recordAccess(carol.address, SCOPE, CAROL_PRICE))
        .to.emit(payments, "AccessRecorded").withArgs(consumer.address, carol.address, SCOPE, CAROL_PRICE, fee);
      expect(await payments.earningsOf(carol.address)).to.equal(CAROL_PRICE - fee);
      expect(await payments.accruedFees()).to.equal(fee);
    });

    it("refuses a price above the maximum, an access without consent, and a deposit too small", async function () {
      const { payments, consumer, otherConsumer, bob, dave } = await loadFixture(deployDataAccessFixture);
      const before = await ledger(payments, [consumer.address, bob.address]);
      await expect(payments.connect(consumer).recordAccess(bob.address, SCOPE, BOB_PRICE - 1n))
        .to.be.revertedWithCustomError(payments, "PriceAboveMaximum").withArgs(bob.address, BOB_PRICE, BOB_PRICE - 1n);
      await expect(payments.connect(consumer).recordAccess(dave.address, SCOPE, BOB_PRICE))
        .to.be.revertedWithCustomError(payments, "AccessWithoutConsent").withArgs(dave.address, SCOPE);
      await expect(payments.connect(consumer).recordAccess(bob.address, OTHER_SCOPE, BOB_PRICE))
        .to.be.revertedWithCustomError(payments, "AccessWithoutConsent").withArgs(bob.address, OTHER_SCOPE);
      await expect(payments.connect(otherConsumer).recordAccess(bob.address, SCOPE, BOB_PRICE))
        .to.be.revertedWithCustomError(payments, "AccessWithoutConsent").withArgs(bob.address, SCOPE);
      await payments.connect(consumer).withdrawDeposit(DEPOSIT - BOB_PRICE + 1n, consumer.address);
      await expect(payments.connect(consumer).recordAccess(bob.address, SCOPE, BOB_PRICE))
        .to.be.revertedWithCustomError(payments, "InsufficientDeposit").withArgs(consumer.address, BOB_PRICE - 1n, BOB_PRICE);
      expect(await ledger(payments, [consumer.address, bob.address])).to.deep.equal({
        ...before,
        deposits: [BOB_PRICE - 1n, 0n],
      });
    });

    it("never charges a revoked consent", async function () {
      const { payments, registry, consumer, alice } = await loadFixture(deployDataAccessFixture);
      await payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE);
      await registry.connect(alice).revoke(consumer.address, SCOPE);
      const before = await ledger(payments, [consumer.address, alice.address]);
      await expect(payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE))
        .to.be.revertedWithCustomError(payments, "AccessWithoutConsent").withArgs(alice.address, SCOPE);
      await expect(payments.connect(consumer).recordAccesses(SCOPE, [alice.address], ALICE_PRICE))
        .to.be.revertedWithCustomError(payments, "AccessWithoutConsent").withArgs(alice.address, SCOPE);
      expect(await ledger(payments, [consumer.address, alice.address])).to.deep.equal(before);
    });

    it("charges a consent until the second it expires, never after", async function () {
      const { payments, registry, consumer, alice } = await loadFixture(deployDataAccessFixture);
      const expiresAt = BigInt(await time.latest()) + 1_000n;
      await registry.connect(alice).grant(consumer.address, SCOPE, ALICE_PRICE, expiresAt);
      await time.setNextBlockTimestamp(expiresAt - 1n);
      await expect(payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE)).to.emit(payments, "AccessRecorded");
      const before = await ledger(payments, [consumer.address, alice.address]);
      await time.setNextBlockTimestamp(expiresAt);
      await expect(payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE))
        .to.be.revertedWithCustomError(payments, "AccessWithoutConsent").withArgs(alice.address, SCOPE);
      await expect(payments.connect(consumer).recordAccesses(SCOPE, [alice.address], ALICE_PRICE))
        .to.be.revertedWithCustomError(payments, "AccessWithoutConsent").withArgs(alice.address, SCOPE);
      expect(await ledger(payments, [consumer.address, alice.address])).to.deep.equal(before);
    });
  });

  describe("recordAccesses", function () {
    it("pays each shopper in a batch, with a DataAccessed per access and then AccessesRecorded", async function () {
      const { payments, consumer, alice, bob, carol } = await loadFixture(deployDataAccessFixture);
      const shoppers = [alice.address, bob.address, carol.address, alice.address];
      const prices = [ALICE_PRICE, BOB_PRICE, CAROL_PRICE, ALICE_PRICE];
      const total = prices.reduce((a, b) => a + b, 0n);
      const fee = prices.reduce((a, p) => a + feeOf(p), 0n);
      expect(fee).to.equal(2_500n + 4_000n + 1_500n + 2_500n);
      const logs = await paymentLogs(payments, payments.connect(consumer).recordAccesses(SCOPE, shoppers, BOB_PRICE));
      expect(logs).to.deep.equal([
        ["DataAccessed", alice.address, ALICE_PRICE],
        ["DataAccessed", bob.address, BOB_PRICE],
        ["DataAccessed", carol.address, CAROL_PRICE],
        ["DataAccessed", alice.address, ALICE_PRICE],
        ["AccessesRecorded", consumer.address, SCOPE, 4n, total, fee, FEE_BPS],
      ]);
      expect(await payments.depositOf(consumer.address)).to.equal(DEPOSIT - total);
      expect(await payments.earningsOf(alice.address)).to.equal(2n * (ALICE_PRICE - feeOf(ALICE_PRICE)));
      expect(await payments.earningsOf(bob.address)).to.equal(BOB_PRICE - feeOf(BOB_PRICE));
      expect(await payments.earningsOf(carol.address)).to.equal(CAROL_PRICE - feeOf(CAROL_PRICE));
      expect(await payments.accruedFees()).to.equal(fee);
    });

    it("refuses an empty batch with EmptyBatch", async function () {
      const { payments, consumer } = await loadFixture(deployDataAccessFixture);
      await expect(payments.connect(consumer).recordAccesses(SCOPE, [], ALICE_PRICE)).to.be.revertedWithCustomError(payments, "EmptyBatch");
    });

    const withoutConsent: [string, (f: Awaited<ReturnType<typeof deployDataAccessFixture>>) => Promise<void>][] = [
      ["never granted", async () => {}],
      ["revoked", async ({ registry, dave, consumer, expiresAt }) => {
        await registry.connect(dave).grant(consumer.address, SCOPE, 1n, expiresAt);
        await registry.connect(dave).revoke(consumer.address, SCOPE);
      }],
      ["expired", async ({ registry, dave, consumer }) => {
        const at = BigInt(await time.latest()) + 100n;
        await registry.connect(dave).grant(consumer.address, SCOPE, 1n, at);
        await time.increaseTo(at);
      }],
      ["for another scope", async ({ registry, dave, consumer, expiresAt }) => {
        await registry.connect(dave).grant(consumer.address, OTHER_SCOPE, 1n, expiresAt);
      }],
      ["for another consumer", async ({ registry, dave, otherConsumer, relayer, expiresAt }) => {
        await grantBySignature(registry, dave, relayer, otherConsumer.address, SCOPE, 1n, expiresAt);
      }],
    ];
    for (const [name, arrange] of withoutConsent) {
      it(`reverts a whole batch over a consent ${name}, naming the shopper, and nobody's balance changes`, async function () {
        const f = await loadFixture(deployDataAccessFixture);
        const { payments, registry, token, consumer, alice, bob, dave } = f;
        await arrange(f);
        expect(await registry.isConsentActive(dave.address, consumer.address, SCOPE)).to.equal(false);
        const accounts = [consumer.address, alice.address, bob.address, dave.address];
        const before = await ledger(payments, accounts);
        const balance = await token.balanceOf(await payments.getAddress());
        await expect(payments.connect(consumer).recordAccesses(SCOPE, [alice.address, dave.address, bob.address], BOB_PRICE))
          .to.be.revertedWithCustomError(payments, "AccessWithoutConsent").withArgs(dave.address, SCOPE);
        expect(await ledger(payments, accounts)).to.deep.equal(before);
        expect(await token.balanceOf(await payments.getAddress())).to.equal(balance);
        // Without Dave the same batch goes through.
        await expect(payments.connect(consumer).recordAccesses(SCOPE, [alice.address, bob.address], BOB_PRICE))
          .to.emit(payments, "AccessesRecorded").withArgs(consumer.address, SCOPE, 2n, ALICE_PRICE + BOB_PRICE, feeOf(ALICE_PRICE) + feeOf(BOB_PRICE), FEE_BPS);
      });
    }

    it("reverts a whole batch with a price above the maximum, naming shopper, price and maximum", async function () {
      const { payments, consumer, alice, bob, carol } = await loadFixture(deployDataAccessFixture);
      const accounts = [consumer.address, alice.address, bob.address, carol.address];
      const before = await ledger(payments, accounts);
      await expect(payments.connect(consumer).recordAccesses(SCOPE, [alice.address, carol.address, bob.address], BOB_PRICE - 1n))
        .to.be.revertedWithCustomError(payments, "PriceAboveMaximum").withArgs(bob.address, BOB_PRICE, BOB_PRICE - 1n);
      expect(await ledger(payments, accounts)).to.deep.equal(before);
    });

    it("reverts a whole batch the deposit cannot cover, naming available and the batch total", async function () {
      const { payments, consumer, alice, bob, carol } = await loadFixture(deployDataAccessFixture);
      const total = ALICE_PRICE + BOB_PRICE + CAROL_PRICE;
      await payments.connect(consumer).withdrawDeposit(DEPOSIT - total + 1n, consumer.address);
      const accounts = [consumer.address, alice.address, bob.address, carol.address];
      const before = await ledger(payments, accounts);
      await expect(payments.connect(consumer).recordAccesses(SCOPE, [alice.address, bob.address, carol.address], BOB_PRICE))
        .to.be.revertedWithCustomError(payments, "InsufficientDeposit").withArgs(consumer.address, total - 1n, total);
      expect(await ledger(payments, accounts)).to.deep.equal(before);
      // Exactly the total is enough.
      await payments.connect(consumer).deposit(1n);
      await payments.connect(consumer).recordAccesses(SCOPE, [alice.address, bob.address, carol.address], BOB_PRICE);
      expect(await payments.depositOf(consumer.address)).to.equal(0n);
    });
  });

  describe("accounting", function () {
    /** Balance == deposits + earnings + accrued fees, and each deposit == deposited - spent - withdrawn. */
    async function checkBooks(payments: DataAccessPayments, token: { balanceOf(a: string): Promise<bigint> }, consumers: Map<string, { deposited: bigint; spent: bigint; withdrawn: bigint }>, earners: string[]) {
      let deposits = 0n;
      for (const [consumer, { deposited, spent, withdrawn }] of consumers) {
        const deposit = await payments.depositOf(consumer);
        expect(deposit).to.equal(deposited - spent - withdrawn);
        deposits += deposit;
      }
      let earnings = 0n;
      for (const earner of earners) earnings += await payments.earningsOf(earner);
      expect(await token.balanceOf(await payments.getAddress())).to.equal(deposits + earnings + (await payments.accruedFees()));
    }

    it("keeps balance == deposits + earnings + accrued fees through a scenario", async function () {
      const { payments, registry, token, consumer, otherConsumer, alice, bob, carol, relayer, stranger, admin, expiresAt } = await loadFixture(deployDataAccessFixture);
      const books = new Map([
        [consumer.address, { deposited: DEPOSIT, spent: 0n, withdrawn: 0n }],
        [otherConsumer.address, { deposited: 0n, spent: 0n, withdrawn: 0n }],
      ]);
      const earners = [alice.address, bob.address, carol.address];
      const check = () => checkBooks(payments, token, books, earners);
      await check();
      await registry.connect(bob).grant(otherConsumer.address, SCOPE, 7_777n, expiresAt);
      await mintAndApprove(payments, token, otherConsumer, 100_000n);
      await payments.connect(otherConsumer).deposit(100_000n);
      books.get(otherConsumer.address)!.deposited += 100_000n;
      await check();
      await payments.connect(consumer).recordAccesses(SCOPE, [alice.address, bob.address, carol.address, carol.address], BOB_PRICE);
      books.get(consumer.address)!.spent += ALICE_PRICE + BOB_PRICE + 2n * CAROL_PRICE;
      await check();
      await payments.connect(otherConsumer).recordAccess(bob.address, SCOPE, 7_777n);
      books.get(otherConsumer.address)!.spent += 7_777n;
      await check();
      await payments.connect(consumer).withdrawDeposit(123_456n, stranger.address);
      books.get(consumer.address)!.withdrawn += 123_456n;
      await check();
      await payments.connect(carol).withdrawEarnings(CAROL_PRICE);
      await check();
      const message = { shopper: bob.address, to: stranger.address, amount: 1_000n, nonce: 0n, deadline: await inAnHour() };
      await payments.connect(relayer).withdrawEarningsBySignature(message, await signWithdrawal(payments, bob, message));
      await check();
      await payments.connect(admin).withdrawFees();
      expect(await payments.accruedFees()).to.equal(0n);
      await check();
      await payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE);
      books.get(consumer.address)!.spent += ALICE_PRICE;
      await check();
      const totalEarned = (await payments.earningsOf(alice.address)) + (await payments.earningsOf(bob.address)) + (await payments.earningsOf(carol.address));
      expect(totalEarned).to.be.greaterThan(0n);
    });
  });
});
