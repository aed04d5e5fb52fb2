import { expect } from "chai";

import {
  ALICE_PRICE,
  BOB_PRICE,
  CAROL_PRICE,
  DEPOSIT,
  FEE_BPS,
  MAX_FEE_BPS,
  SCOPE,
  deployDataAccessFixture,
  deployEarningsFixture,
  ethers,
  feeOf,
  inAnHour,
  mintAndApprove,
  networkHelpers,
  paymentsDomain,
  signWithdrawal,
  upgradesApi,
} from "./dataAccessFixtures.js";
import { deployDataAccessPayments } from "../../deploy/dataAccessPayments.js";

const { loadFixture, time } = networkHelpers;

const ALICE_EARNED = ALICE_PRICE - feeOf(ALICE_PRICE);
const BOB_EARNED = BOB_PRICE - feeOf(BOB_PRICE);
const FEES = feeOf(ALICE_PRICE) + feeOf(BOB_PRICE) + feeOf(CAROL_PRICE);

describe("DataAccessPayments: withdrawals and administration", function () {
  describe("withdrawEarnings", function () {
    it("pays the shopper's earnings to the shopper, with EarningsWithdrawn", async function () {
      const { payments, token, alice } = await loadFixture(deployEarningsFixture);
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_EARNED);
      const tx = payments.connect(alice).withdrawEarnings(ALICE_EARNED - 1n);
      await expect(tx).to.emit(payments, "EarningsWithdrawn").withArgs(alice.address, alice.address, ALICE_EARNED - 1n);
      await expect(tx).to.changeTokenBalances(ethers, token, [payments, alice], [-(ALICE_EARNED - 1n), ALICE_EARNED - 1n]);
      expect(await payments.earningsOf(alice.address)).to.equal(1n);
    });

    it("refuses more than the earnings, naming available and asked, and a zero amount", async function () {
      const { payments, alice, stranger } = await loadFixture(deployEarningsFixture);
      await expect(payments.connect(alice).withdrawEarnings(ALICE_EARNED + 1n))
        .to.be.revertedWithCustomError(payments, "InsufficientEarnings").withArgs(alice.address, ALICE_EARNED, ALICE_EARNED + 1n);
      await expect(payments.connect(stranger).withdrawEarnings(1n))
        .to.be.revertedWithCustomError(payments, "InsufficientEarnings").withArgs(stranger.address, 0n, 1n);
      await expect(payments.connect(alice).withdrawEarnings(0n)).to.be.revertedWithCustomError(payments, "ZeroAmount");
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_EARNED);
    });
  });

  describe("withdrawEarningsBySignature", function () {
    it("pays the address the shopper signed for, submitted by a relayer, and uses the nonce", async function () {
      const { payments, token, alice, relayer, stranger } = await loadFixture(deployEarningsFixture);
      const message = { shopper: alice.address, to: stranger.address, amount: 30_000n, nonce: 0n, deadline: await inAnHour() };
      const signature = await signWithdrawal(payments, alice, message);
      const tx = payments.connect(relayer).withdrawEarningsBySignature(message, signature);
      await expect(tx).to.emit(payments, "EarningsWithdrawn").withArgs(alice.address, stranger.address, 30_000n);
      await expect(tx).to.changeTokenBalances(ethers, token, [payments, stranger, alice, relayer], [-30_000n, 30_000n, 0n, 0n]);
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_EARNED - 30_000n);
      expect(await payments.nonces(alice.address)).to.equal(1n);
      // Replaying it fails on the nonce, naming the current one.
      await expect(payments.connect(relayer).withdrawEarningsBySignature(message, signature))
        .to.be.revertedWithCustomError(payments, "InvalidAccountNonce").withArgs(alice.address, 1n);
      // The next nonce works.
      const next = { ...message, amount: 1_000n, nonce: 1n };
      await payments.connect(stranger).withdrawEarningsBySignature(next, await signWithdrawal(payments, alice, next));
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_EARNED - 31_000n);
      expect(await payments.nonces(alice.address)).to.equal(2n);
    });

    it("refuses forged and altered signatures, and signatures for another domain", async function () {
      const { payments, alice, bob, relayer, stranger } = await loadFixture(deployEarningsFixture);
      const message = { shopper: alice.address, to: stranger.address, amount: 30_000n, nonce: 0n, deadline: await inAnHour() };
      const signature = await signWithdrawal(payments, alice, message);
      const invalid = (m: typeof message, s: string) =>
        expect(payments.connect(relayer).withdrawEarningsBySignature(m, s))
          .to.be.revertedWithCustomError(payments, "InvalidShopperSignature").withArgs(alice.address);
      await invalid(message, await signWithdrawal(payments, bob, message)); // signed by Bob
      await invalid({ ...message, amount: 30_001n }, signature);
      await invalid({ ...message, to: relayer.address }, signature);
      await invalid({ ...message, deadline: message.deadline + 1n }, signature);
      const domain = await paymentsDomain(payments);
      await invalid(message, await signWithdrawal(payments, alice, message, { ...domain, chainId: 1n }));
      await invalid(message, await signWithdrawal(payments, alice, message, { ...domain, version: "2" }));
      await invalid(message, await signWithdrawal(payments, alice, message, { ...domain, verifyingContract: stranger.address }));
      // Bob cannot withdraw Alice's earnings with his own signature either.
      await invalid({ ...message, to: bob.address }, await signWithdrawal(payments, bob, { ...message, to: bob.address }));
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_EARNED);
      expect(await payments.nonces(alice.address)).to.equal(0n);
      await payments.connect(relayer).withdrawEarningsBySignature(message, signature);
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_EARNED - 30_000n);
    });

    it("refuses an expired signature, naming deadline and time, and accepts one at its deadline", async function () {
      const { payments, alice, relayer, stranger } = await loadFixture(deployEarningsFixture);
      const deadline = BigInt(await time.latest()) + 100n;
      const message = { shopper: alice.address, to: stranger.address, amount: 1_000n, nonce: 0n, deadline };
      const signature = await signWithdrawal(payments, alice, message);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(payments.connect(relayer).withdrawEarningsBySignature(message, signature))
        .to.be.revertedWithCustomError(payments, "SignatureExpired").withArgs(deadline, deadline + 1n);
      expect(await payments.nonces(alice.address)).to.equal(0n);

      const late = { ...message, deadline: deadline + 50n };
      await time.setNextBlockTimestamp(deadline + 50n);
      await expect(payments.connect(relayer).withdrawEarningsBySignature(late, await signWithdrawal(payments, alice, late)))
        .to.emit(payments, "EarningsWithdrawn").withArgs(alice.address, stranger.address, 1_000n);
    });

    it("refuses a signed withdrawal to the zero address, beyond the earnings, or of zero", async function () {
      const { payments, alice, relayer } = await loadFixture(deployEarningsFixture);
      const base = { shopper: alice.address, to: relayer.address, amount: 1_000n, nonce: 0n, deadline: await inAnHour() };
      const toZero = { ...base, to: ethers.ZeroAddress };
      await expect(payments.connect(relayer).withdrawEarningsBySignature(toZero, await signWithdrawal(payments, alice, toZero)))
        .to.be.revertedWithCustomError(payments, "ZeroAddress");
      const tooMuch = { ...base, amount: ALICE_EARNED + 1n };
      await expect(payments.connect(relayer).withdrawEarningsBySignature(tooMuch, await signWithdrawal(payments, alice, tooMuch)))
        .to.be.revertedWithCustomError(payments, "InsufficientEarnings").withArgs(alice.address, ALICE_EARNED, ALICE_EARNED + 1n);
      const zero = { ...base, amount: 0n };
      await expect(payments.connect(relayer).withdrawEarningsBySignature(zero, await signWithdrawal(payments, alice, zero)))
        .to.be.revertedWithCustomError(payments, "ZeroAmount");
      expect(await payments.nonces(alice.address)).to.equal(0n);
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_EARNED);
    });
  });

  describe("fees", function () {
    it("pays accrued fees to the fee recipient when the admin triggers it, and resets them", async function () {
      const { payments, token, admin, feeRecipient } = await loadFixture(deployEarningsFixture);
      expect(await payments.accruedFees()).to.equal(FEES);
      const tx = payments.connect(admin).withdrawFees();
      await expect(tx).to.emit(payments, "FeesWithdrawn").withArgs(feeRecipient.address, FEES);
      await expect(tx).to.changeTokenBalances(ethers, token, [payments, feeRecipient, admin], [-FEES, FEES, 0n]);
      expect(await payments.accruedFees()).to.equal(0n);
      await expect(payments.withdrawFees()).to.be.revertedWithCustomError(payments, "ZeroAmount");
      // Fees are not the recipient's earnings.
      expect(await payments.earningsOf(feeRecipient.address)).to.equal(0n);
    });

    it("lets nobody but the admin trigger the fee payout, the fee recipient included", async function () {
      const { payments, feeRecipient, stranger } = await loadFixture(deployEarningsFixture);
      const adminRole = await payments.DEFAULT_ADMIN_ROLE();
      for (const caller of [stranger, feeRecipient]) {
        await expect(payments.connect(caller).withdrawFees())
          .to.be.revertedWithCustomError(payments, "AccessControlUnauthorizedAccount").withArgs(caller.address, adminRole);
      }
      expect(await payments.accruedFees()).to.equal(FEES);
    });

    it("cannot be front-run onto a fee recipient being replaced: the fees go to the new one", async function () {
      const { payments, token, admin, feeRecipient, stranger } = await loadFixture(deployEarningsFixture);
      // The old recipient's key leaked; whoever holds it tries to sweep the fees just before the change lands.
      await networkHelpers.mine();
      await ethers.provider.send("evm_setAutomine", [false]);
      const fees = { maxFeePerGas: ethers.parseUnits("100", "gwei") };
      const hashes: string[] = [];
      try {
        // A fixed gas limit sends the sweep without estimating it first (the estimate would revert).
        hashes.push((await payments.connect(feeRecipient).withdrawFees({ ...fees, maxPriorityFeePerGas: ethers.parseUnits("50", "gwei"), gasLimit: 200_000n })).hash);
        hashes.push((await payments.connect(admin).setFee(stranger.address, FEE_BPS, { ...fees, maxPriorityFeePerGas: ethers.parseUnits("1", "gwei") })).hash);
        await networkHelpers.mine();
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      const [swept, changed] = await Promise.all(hashes.map((hash) => ethers.provider.getTransactionReceipt(hash)));
      expect(swept!.blockNumber).to.equal(changed!.blockNumber);
      expect(swept!.index).to.be.lessThan(changed!.index);
      expect(swept!.status).to.equal(0);
      expect(changed!.status).to.equal(1);
      await expect(payments.connect(admin).withdrawFees()).to.changeTokenBalances(ethers, token, [stranger, feeRecipient], [FEES, 0n]);
    });

    it("sets the fee within bounds, admin only; the new rate and recipient apply from then on", async function () {
      const { payments, token, admin, consumer, alice, stranger, feeRecipient } = await loadFixture(deployEarningsFixture);
      const adminRole = await payments.DEFAULT_ADMIN_ROLE();
      await expect(payments.connect(stranger).setFee(stranger.address, 0))
        .to.be.revertedWithCustomError(payments, "AccessControlUnauthorizedAccount").withArgs(stranger.address, adminRole);
      await expect(payments.connect(admin).setFee(stranger.address, MAX_FEE_BPS + 1n))
        .to.be.revertedWithCustomError(payments, "FeeTooHigh").withArgs(MAX_FEE_BPS + 1n, MAX_FEE_BPS);
      await expect(payments.connect(admin).setFee(ethers.ZeroAddress, 100))
        .to.be.revertedWithCustomError(payments, "ZeroAddress");
      const registry = (await payments.settings())[0];
      expect([...(await payments.settings())]).to.deep.equal([registry, await token.getAddress(), feeRecipient.address, FEE_BPS]);

      await expect(payments.connect(admin).setFee(stranger.address, MAX_FEE_BPS)).to.emit(payments, "FeeSet").withArgs(stranger.address, MAX_FEE_BPS);
      expect([...(await payments.settings())]).to.deep.equal([registry, await token.getAddress(), stranger.address, MAX_FEE_BPS]);
      const fee = feeOf(ALICE_PRICE, MAX_FEE_BPS);
      await expect(payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE))
        .to.emit(payments, "AccessRecorded").withArgs(consumer.address, alice.address, SCOPE, ALICE_PRICE, fee);
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_EARNED + ALICE_PRICE - fee);
      // Fees accrued before go to the new recipient too.
      await expect(payments.connect(admin).withdrawFees()).to.changeTokenBalances(ethers, token, [stranger, feeRecipient], [FEES + fee, 0n]);

      await payments.connect(admin).setFee(stranger.address, 0);
      await expect(payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE))
        .to.emit(payments, "AccessRecorded").withArgs(consumer.address, alice.address, SCOPE, ALICE_PRICE, 0n);
      expect(await payments.accruedFees()).to.equal(0n);
    });

    it("refuses to be set up with a zero registry or token, or a fee too high", async function () {
      const { registry, token, admin } = await loadFixture(deployDataAccessFixture);
      const factory = await ethers.getContractFactory("DataAccessPayments");
      const args = [admin.address, await registry.getAddress(), await token.getAddress(), admin.address, 500];
      for (const [index, value, error] of [[1, ethers.ZeroAddress, "ZeroAddress"], [2, ethers.ZeroAddress, "ZeroAddress"], [3, ethers.ZeroAddress, "ZeroAddress"]] as const) {
        const bad = [...args];
        bad[index] = value;
        await expect(upgradesApi.deployProxy(factory, bad, { kind: "uups" })).to.be.revertedWithCustomError(factory, error);
      }
      await expect(upgradesApi.deployProxy(factory, [...args.slice(0, 4), 2_001], { kind: "uups" }))
        .to.be.revertedWithCustomError(factory, "FeeTooHigh").withArgs(2_001n, MAX_FEE_BPS);
      const { payments } = await deployDataAccessPayments(ethers, upgradesApi, { admin: admin.address, registry: args[1] as string, paymentToken: args[2] as string, feeRecipient: admin.address, feeBps: 2_000 });
      expect((await payments.settings())[3]).to.equal(2_000n);
    });
  });

  describe("pause", function () {
    it("pauses once and unpauses once, with OpenZeppelin's events and errors", async function () {
      const { payments, admin } = await loadFixture(deployDataAccessFixture);
      await expect(payments.connect(admin).unpause()).to.be.revertedWithCustomError(payments, "ExpectedPause");
      await expect(payments.connect(admin).pause()).to.emit(payments, "Paused").withArgs(admin.address);
      expect(await payments.paused()).to.equal(true);
      await expect(payments.connect(admin).pause()).to.be.revertedWithCustomError(payments, "EnforcedPause");
      await expect(payments.connect(admin).unpause()).to.emit(payments, "Unpaused").withArgs(admin.address);
      expect(await payments.paused()).to.equal(false);
    });

    it("publishes its EIP-712 domain for wallets (ERC-5267)", async function () {
      const { payments } = await loadFixture(deployDataAccessFixture);
      const domain = await payments.eip712Domain();
      expect([domain.name, domain.version, domain.verifyingContract]).to.deep.equal([
        "dCRM DataAccessPayments",
        "1",
        await payments.getAddress(),
      ]);
    });

    it("lets only the pauser pause and unpause", async function () {
      const { payments, admin, stranger } = await loadFixture(deployDataAccessFixture);
      const role = await payments.PAUSER_ROLE();
      await expect(payments.connect(stranger).pause())
        .to.be.revertedWithCustomError(payments, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
      await payments.connect(admin).grantRole(role, stranger.address);
      await expect(payments.connect(stranger).pause()).to.emit(payments, "Paused").withArgs(stranger.address);
      expect(await payments.paused()).to.equal(true);
      await payments.connect(admin).revokeRole(role, stranger.address);
      await expect(payments.connect(stranger).unpause())
        .to.be.revertedWithCustomError(payments, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
      await expect(payments.connect(admin).unpause()).to.emit(payments, "Unpaused").withArgs(admin.address);
      expect(await payments.paused()).to.equal(false);
    });

    it("stops deposits, withdrawals, accesses and fee payouts with EnforcedPause, and resumes them", async function () {
      const { payments, admin, consumer, alice, bob, relayer } = await loadFixture(deployEarningsFixture);
      const message = { shopper: alice.address, to: relayer.address, amount: 1_000n, nonce: 0n, deadline: await inAnHour() };
      const signature = await signWithdrawal(payments, alice, message);
      const calls = [
        () => payments.connect(consumer).deposit(1_000n),
        () => payments.connect(consumer).withdrawDeposit(1_000n, consumer.address),
        () => payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE),
        () => payments.connect(consumer).recordAccesses(SCOPE, [alice.address, bob.address], BOB_PRICE),
        () => payments.connect(alice).withdrawEarnings(1_000n),
        () => payments.connect(relayer).withdrawEarningsBySignature(message, signature),
        () => payments.connect(admin).withdrawFees(),
      ];
      await payments.connect(admin).pause();
      for (const call of calls) await expect(call()).to.be.revertedWithCustomError(payments, "EnforcedPause");
      // Admin settings still work while paused.
      await payments.connect(admin).setFee(admin.address, 100);
      await payments.connect(admin).unpause();
      for (const call of calls) await expect(call()).not.to.revert(ethers);
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_EARNED + ALICE_PRICE * 2n - feeOf(ALICE_PRICE, 100n) * 2n - 2_000n);
      expect(await payments.depositOf(consumer.address)).to.equal(DEPOSIT - (ALICE_PRICE + BOB_PRICE + CAROL_PRICE) - 2n * ALICE_PRICE - BOB_PRICE);
    });
  });

  describe("reentrancy", function () {
    async function reentrantFixture() {
      const base = await deployDataAccessFixture();
      const { registry, admin, consumer, alice, feeRecipient } = base;
      const rtoken = await ethers.deployContract("ReentrantToken");
      const { payments } = await deployDataAccessPayments(ethers, upgradesApi, {
        admin: admin.address,
        registry: await registry.getAddress(),
        paymentToken: await rtoken.getAddress(),
        feeRecipient: feeRecipient.address,
        feeBps: Number(FEE_BPS),
      });
      await mintAndApprove(payments, rtoken, consumer, 10n * DEPOSIT);
      await payments.connect(consumer).deposit(DEPOSIT);
      await payments.connect(consumer).recordAccess(alice.address, SCOPE, ALICE_PRICE);
      return { ...base, payments, rtoken };
    }

    const selector = (payments: { interface: { getError(name: string): { selector: string } | null } }) =>
      payments.interface.getError("ReentrancyGuardReentrantCall")!.selector;

    it("refuses a callback into withdrawEarnings during an earnings payout", async function () {
      const { payments, rtoken, alice } = await loadFixture(reentrantFixture);
      await rtoken.arm(await payments.getAddress(), payments.interface.encodeFunctionData("withdrawEarnings", [1n]));
      const tx = payments.connect(alice).withdrawEarnings(10_000n);
      await expect(tx).to.changeTokenBalances(ethers, rtoken, [payments, alice], [-10_000n, 10_000n]);
      expect(await rtoken.attempts()).to.equal(1n);
      expect(await rtoken.attackSucceeded()).to.equal(false);
      expect(await rtoken.attackResult()).to.equal(selector(payments));
      expect(await payments.earningsOf(alice.address)).to.equal(ALICE_EARNED - 10_000n);
    });

    it("refuses a callback into withdrawDeposit during a deposit withdrawal", async function () {
      const { payments, rtoken, consumer } = await loadFixture(reentrantFixture);
      await rtoken.arm(await payments.getAddress(), payments.interface.encodeFunctionData("withdrawDeposit", [1n, consumer.address]));
      const tx = payments.connect(consumer).withdrawDeposit(100_000n, consumer.address);
      await expect(tx).to.changeTokenBalances(ethers, rtoken, [payments, consumer], [-100_000n, 100_000n]);
      expect(await rtoken.attempts()).to.equal(1n);
      expect(await rtoken.attackSucceeded()).to.equal(false);
      expect(await rtoken.attackResult()).to.equal(selector(payments));
      expect(await payments.depositOf(consumer.address)).to.equal(DEPOSIT - ALICE_PRICE - 100_000n);
    });

    it("refuses a callback into deposit during a deposit", async function () {
      const { payments, rtoken, consumer } = await loadFixture(reentrantFixture);
      await rtoken.arm(await payments.getAddress(), payments.interface.encodeFunctionData("deposit", [1n]));
      const tx = payments.connect(consumer).deposit(5_000n);
      await expect(tx).to.emit(payments, "Deposited").withArgs(consumer.address, 5_000n);
      expect(await rtoken.attempts()).to.equal(1n);
      expect(await rtoken.attackSucceeded()).to.equal(false);
      expect(await rtoken.attackResult()).to.equal(selector(payments));
      expect(await payments.depositOf(consumer.address)).to.equal(DEPOSIT - ALICE_PRICE + 5_000n);
      expect(await payments.depositOf(await rtoken.getAddress())).to.equal(0n);
      expect(await rtoken.balanceOf(await payments.getAddress())).to.equal(DEPOSIT + 5_000n);
    });
  });
});
