import type { ContractTransactionResponse } from "ethers";
import { expect } from "chai";

import { ONE_DAY, POINTS, deployRewardTokenFixture, ethers, inAnHour, networkHelpers, signPermit } from "./fixtures.js";

const { loadFixture, time } = networkHelpers;

const WINDOW = 14n * ONE_DAY;
const DISCOUNT = ethers.id("SAME-BLOCK");
const GWEI = 10n ** 9n;

/** Fees that put a transaction ahead of one sent with a lower `rank` in the same block. */
function fees(rank: bigint) {
  return { gasLimit: 400_000n, maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: rank * GWEI };
}

/**
 * Sends `first` then `second` (each ahead by its fee) into one block with automine off, mines it and
 * returns both receipts' statuses in block order.
 */
async function inOneBlock(first: () => Promise<ContractTransactionResponse>, second: () => Promise<ContractTransactionResponse>) {
  await ethers.provider.send("evm_setAutomine", [false]);
  try {
    const sentFirst = await first();
    const sentSecond = await second();
    await ethers.provider.send("evm_mine", []);
    const receipts = await Promise.all([sentFirst, sentSecond].map((tx) => ethers.provider.getTransactionReceipt(tx.hash)));
    const [a, b] = receipts;
    if (!a || !b) throw new Error("both transactions should be mined");
    expect(a.blockNumber).to.equal(b.blockNumber, "one block");
    expect(a.index).to.be.lessThan(b.index, "the first ahead of the second");
    return { first: a.status, second: b.status };
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
}

/** Order 1 pending 10 points for the shopper, its window over: a keeper may release it, the storefront void it. */
async function windowOverFixture() {
  const fixture = await deployRewardTokenFixture();
  const { token, storefront, shopper } = fixture;
  await token.connect(storefront).setStorefrontPolicy(Number(WINDOW), false);
  await token.connect(storefront).issue(shopper.address, 1n, 10n * POINTS);
  await time.increase(WINDOW);
  return fixture;
}

describe("RewardToken: transaction ordering within one block", function () {
  it("a void ahead of a keeper's release: the release mints what the void left", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(windowOverFixture);
    const statuses = await inOneBlock(
      () => token.connect(storefront).voidPending(shopper.address, 1n, 4n * POINTS, fees(3n)),
      () => token.connect(stranger).release(storefront.address, [shopper.address], [1n], fees(1n)),
    );
    expect(statuses).to.deep.equal({ first: 1, second: 1 });
    expect(await token.balanceOf(shopper.address)).to.equal(6n * POINTS);
    expect(await token.pendingSupply()).to.equal(0n);
    expect((await token.recordedOrder(storefront.address, shopper.address, 1n)).points).to.equal(0n);
  });

  it("a release ahead of the void: the void fails with OrderNotPending and the points stay minted", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(windowOverFixture);
    const statuses = await inOneBlock(
      () => token.connect(stranger).release(storefront.address, [shopper.address], [1n], fees(3n)),
      () => token.connect(storefront).voidPending(shopper.address, 1n, 4n * POINTS, fees(1n)),
    );
    expect(statuses).to.deep.equal({ first: 1, second: 0 });
    expect(await token.balanceOf(shopper.address)).to.equal(10n * POINTS);
    expect(await token.pendingSupply()).to.equal(0n);
    // The same void, replayed on the block's state, names the reason.
    await expect(token.connect(storefront).voidPending(shopper.address, 1n, 4n * POINTS))
      .to.be.revertedWithCustomError(token, "OrderNotPending").withArgs(storefront.address, shopper.address, 1n);
  });

  it("a full void ahead of a keeper's batch: the batch skips the voided order and releases the rest", async function () {
    const { token, storefront, shopper, otherShopper, stranger } = await loadFixture(windowOverFixture);
    await token.connect(storefront).issue(otherShopper.address, 2n, 5n * POINTS);
    await time.increase(WINDOW);
    const statuses = await inOneBlock(
      () => token.connect(storefront).voidPending(shopper.address, 1n, 10n * POINTS, fees(3n)),
      () => token.connect(stranger).release(storefront.address, [shopper.address, otherShopper.address], [1n, 2n], fees(1n)),
    );
    expect(statuses).to.deep.equal({ first: 1, second: 1 });
    expect(await token.balanceOf(shopper.address)).to.equal(0n);
    expect(await token.balanceOf(otherShopper.address)).to.equal(5n * POINTS);
    expect(await token.pendingSupply()).to.equal(0n);
  });

  it("a permit copied from the mempool and sent ahead of redeemWithPermit: checkout still redeems", async function () {
    const { token, storefront, shopper, stranger } = await loadFixture(deployRewardTokenFixture);
    await token.connect(storefront).issue(shopper.address, 1n, 100n * POINTS);
    const deadline = await inAnHour();
    const { v, r, s } = await signPermit(token, shopper, storefront.address, 40n * POINTS, deadline);
    const statuses = await inOneBlock(
      () => token.connect(stranger).permit(shopper.address, storefront.address, 40n * POINTS, deadline, v, r, s, fees(3n)),
      () => token.connect(storefront).redeemWithPermit(shopper.address, 40n * POINTS, DISCOUNT, deadline, v, r, s, fees(1n)),
    );
    expect(statuses).to.deep.equal({ first: 1, second: 1 });
    expect(await token.balanceOf(shopper.address)).to.equal(60n * POINTS);
    expect(await token.allowance(shopper.address, storefront.address)).to.equal(0n);
    expect(await token.nonces(shopper.address)).to.equal(1n);
  });

  it("a shopper's transfer ahead of the storefront's redemption: the redemption fails, nothing is burned", async function () {
    const { token, storefront, shopper, otherShopper } = await loadFixture(deployRewardTokenFixture);
    await token.connect(storefront).issue(shopper.address, 1n, 50n * POINTS);
    await token.connect(shopper).approve(storefront.address, 40n * POINTS);
    const statuses = await inOneBlock(
      () => token.connect(shopper).transfer(otherShopper.address, 20n * POINTS, fees(3n)),
      () => token.connect(storefront).redeemFrom(shopper.address, 40n * POINTS, DISCOUNT, fees(1n)),
    );
    expect(statuses).to.deep.equal({ first: 1, second: 0 });
    expect(await token.balanceOf(shopper.address)).to.equal(30n * POINTS);
    expect(await token.totalSupply()).to.equal(50n * POINTS);
    expect(await token.allowance(shopper.address, storefront.address)).to.equal(40n * POINTS);
  });
});
