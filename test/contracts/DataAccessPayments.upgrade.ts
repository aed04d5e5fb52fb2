import { expect } from "chai";

import type { DataAccessPayments, DataAccessPaymentsV2 } from "../../types/ethers-contracts/index.js";
import {
  ALICE_PRICE,
  BOB_PRICE,
  CAROL_PRICE,
  DEPOSIT,
  SCOPE,
  deployEarningsFixture,
  ethers,
  feeOf,
  inAnHour,
  networkHelpers,
  signWithdrawal,
  upgradesApi,
} from "./dataAccessFixtures.js";

const { loadFixture } = networkHelpers;

/** The ERC-7201 slot of a namespace: keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~0xff. */
function erc7201Slot(id: string): bigint {
  const inner = BigInt(ethers.id(id)) - 1n;
  return BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
}

describe("DataAccessPayments: upgrades", function () {
  /** Payments in use: deposits, earnings partly withdrawn by signature, accrued fees, a changed fee. */
  async function usedPaymentsFixture() {
    const fixture = await deployEarningsFixture();
    const { payments, admin, alice, relayer, stranger } = fixture;
    const message = { shopper: alice.address, to: stranger.address, amount: 5_000n, nonce: 0n, deadline: await inAnHour() };
    await payments.connect(relayer).withdrawEarningsBySignature(message, await signWithdrawal(payments, alice, message));
    await payments.connect(admin).setFee(stranger.address, 750);
    return fixture;
  }

  async function snapshot(payments: DataAccessPayments | DataAccessPaymentsV2, f: Awaited<ReturnType<typeof usedPaymentsFixture>>) {
    const { token, admin, consumer, alice, bob, carol } = f;
    const accounts = [consumer.address, alice.address, bob.address, carol.address];
    return {
      deposits: await Promise.all(accounts.map((a) => payments.depositOf(a))),
      earnings: await Promise.all(accounts.map((a) => payments.earningsOf(a))),
      nonces: await Promise.all(accounts.map((a) => payments.nonces(a))),
      accruedFees: await payments.accruedFees(),
      settings: [...(await payments.settings())],
      paused: await payments.paused(),
      roles: await Promise.all(
        [await payments.DEFAULT_ADMIN_ROLE(), await payments.PAUSER_ROLE(), await payments.UPGRADER_ROLE()].map((r) => payments.hasRole(r, admin.address)),
      ),
      balance: await token.balanceOf(await payments.getAddress()),
    };
  }

  it("keeps deposits, earnings, accrued fees, settings and nonces through upgradeProxy", async function () {
    const f = await loadFixture(usedPaymentsFixture);
    const { payments, registry, token, admin, consumer, alice, bob, relayer, stranger } = f;
    const address = await payments.getAddress();
    const before = await snapshot(payments, f);
    // What the fixture built, so the comparison below compares something.
    const fees = feeOf(ALICE_PRICE) + feeOf(BOB_PRICE) + feeOf(CAROL_PRICE);
    expect(before.deposits[0]).to.equal(DEPOSIT - ALICE_PRICE - BOB_PRICE - CAROL_PRICE);
    expect(before.earnings[1]).to.equal(ALICE_PRICE - feeOf(ALICE_PRICE) - 5_000n);
    expect(before.nonces).to.deep.equal([0n, 1n, 0n, 0n]);
    expect(before.accruedFees).to.equal(fees);
    expect(before.settings).to.deep.equal([await registry.getAddress(), await token.getAddress(), stranger.address, 750n]);
    expect(before.roles).to.deep.equal([true, true, true]);
    const implementationBefore = await upgradesApi.erc1967.getImplementationAddress(address);

    const factory = await ethers.getContractFactory("DataAccessPaymentsV2", admin);
    await upgradesApi.validateUpgrade(address, factory, { kind: "uups" });
    const upgraded = (await upgradesApi.upgradeProxy(address, factory, {
      kind: "uups",
      call: { fn: "initializeV2", args: ["per-scope pricing"] },
    })) as unknown as DataAccessPaymentsV2;

    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.not.equal(implementationBefore);
    expect(await upgraded.version()).to.equal(2n);
    expect(await upgraded.releaseNote()).to.equal("per-scope pricing");
    expect(await snapshot(upgraded, f)).to.deep.equal(before);
    // The note lives in V2's own namespace (a short string: its bytes, then its length times two).
    const noteSlot = await ethers.provider.getStorage(address, erc7201Slot("dcrm.storage.DataAccessPaymentsV2"));
    expect(noteSlot).to.equal(ethers.hexlify(ethers.toUtf8Bytes("per-scope pricing")).padEnd(64, "0") + (2 * 17).toString(16).padStart(2, "0"));
    await expect(upgraded.initializeV2("again")).to.be.revertedWithCustomError(upgraded, "InvalidInitialization");

    // It goes on working on the old state: the used nonce stays used, the new fee applies.
    const replay = { shopper: alice.address, to: relayer.address, amount: 1_000n, nonce: 0n, deadline: await inAnHour() };
    await expect(upgraded.connect(relayer).withdrawEarningsBySignature(replay, await signWithdrawal(payments, alice, replay)))
      .to.be.revertedWithCustomError(upgraded, "InvalidAccountNonce").withArgs(alice.address, 1n);
    const next = { ...replay, nonce: 1n };
    await expect(upgraded.connect(relayer).withdrawEarningsBySignature(next, await signWithdrawal(payments, alice, next)))
      .to.emit(upgraded, "EarningsWithdrawn").withArgs(alice.address, relayer.address, 1_000n);
    await expect(upgraded.connect(consumer).recordAccess(bob.address, SCOPE, BOB_PRICE))
      .to.emit(upgraded, "AccessRecorded").withArgs(consumer.address, bob.address, SCOPE, BOB_PRICE, feeOf(BOB_PRICE, 750n));
    await expect(upgraded.withdrawFees()).to.changeTokenBalances(ethers, token, [stranger], [fees + feeOf(BOB_PRICE, 750n)]);
    await expect(upgraded.connect(consumer).withdrawDeposit(before.deposits[0]! - BOB_PRICE + 1n, consumer.address))
      .to.be.revertedWithCustomError(upgraded, "InsufficientDeposit").withArgs(consumer.address, before.deposits[0]! - BOB_PRICE, before.deposits[0]! - BOB_PRICE + 1n);
  });

  it("lets only the upgrader upgrade", async function () {
    const { payments, admin, consumer, stranger } = await loadFixture(usedPaymentsFixture);
    const role = await payments.UPGRADER_ROLE();
    const v2 = await ethers.deployContract("DataAccessPaymentsV2");
    const implementation = await v2.getAddress();
    const init = v2.interface.encodeFunctionData("initializeV2", ["by the upgrader"]);
    for (const account of [stranger, consumer]) {
      await expect(payments.connect(account).upgradeToAndCall(implementation, init))
        .to.be.revertedWithCustomError(payments, "AccessControlUnauthorizedAccount").withArgs(account.address, role);
    }
    // The admin that gave the role away cannot upgrade either.
    await payments.connect(admin).grantRole(role, stranger.address);
    await payments.connect(admin).renounceRole(role, admin.address);
    await expect(payments.connect(admin).upgradeToAndCall(implementation, init))
      .to.be.revertedWithCustomError(payments, "AccessControlUnauthorizedAccount").withArgs(admin.address, role);
    const address = await payments.getAddress();
    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.not.equal(implementation);
    await expect(payments.connect(stranger).upgradeToAndCall(implementation, init)).to.emit(payments, "Upgraded").withArgs(implementation);
    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.equal(implementation);
    expect(await (await ethers.getContractAt("DataAccessPaymentsV2", address)).releaseNote()).to.equal("by the upgrader");
  });

  it("cannot be initialized again, on the proxy or on an implementation", async function () {
    const { payments, registry, token, stranger, admin } = await loadFixture(usedPaymentsFixture);
    const address = await payments.getAddress();
    const args = [stranger.address, await registry.getAddress(), await token.getAddress(), stranger.address, 0] as const;
    await expect(payments.connect(stranger).initialize(...args)).to.be.revertedWithCustomError(payments, "InvalidInitialization");
    const implementation = await ethers.getContractAt("DataAccessPayments", await upgradesApi.erc1967.getImplementationAddress(address));
    await expect(implementation.connect(stranger).initialize(...args)).to.be.revertedWithCustomError(implementation, "InvalidInitialization");
    expect(await implementation.hasRole(await implementation.DEFAULT_ADMIN_ROLE(), stranger.address)).to.equal(false);
    const v2 = await ethers.deployContract("DataAccessPaymentsV2");
    await expect(v2.initialize(...args)).to.be.revertedWithCustomError(v2, "InvalidInitialization");
    await expect(v2.initializeV2("x")).to.be.revertedWithCustomError(v2, "InvalidInitialization");
    // Upgrades only go through the proxy.
    await expect(implementation.connect(admin).upgradeToAndCall(await v2.getAddress(), "0x"))
      .to.be.revertedWithCustomError(implementation, "UUPSUnauthorizedCallContext");
    expect(await payments.hasRole(await payments.DEFAULT_ADMIN_ROLE(), stranger.address)).to.equal(false);
  });
});
