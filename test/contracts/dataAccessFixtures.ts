import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionResponse, TypedDataDomain, TypedDataField } from "ethers";

import { deployConsentRegistry } from "../../deploy/consentRegistry.js";
import { deployDataAccessPayments } from "../../deploy/dataAccessPayments.js";
import { consentGrantTypes, consentRegistryDomain } from "../../sdk/src/consent/typedData.js";
import type { ConsentRegistry, DataAccessPayments, TestToken } from "../../types/ethers-contracts/index.js";
import { ONE_DAY, ethers, networkHelpers, upgradesApi } from "./fixtures.js";

// One network connection for the whole Mocha run: the RewardToken tests' connection.
export { ONE_DAY, ethers, networkHelpers, upgradesApi };

/** The consent scope the fixture's consents are for, and one nobody consented to for the consumer. */
export const SCOPE = ethers.id("purchase-history");
export const OTHER_SCOPE = ethers.id("browsing-history");
/** Each shopper's price per access (6-decimal stablecoin units); Carol's fee rounds down. */
export const ALICE_PRICE = 50_000n;
export const BOB_PRICE = 80_000n;
export const CAROL_PRICE = 30_019n;
/** The platform fee in the fixture: 5%. */
export const FEE_BPS = 500n;
export const MAX_FEE_BPS = 2_000n;
/** What the consumer deposits in the fixture, and what it holds besides. */
export const DEPOSIT = 1_000_000n;
export const MINTED = 10n ** 12n;

/** The fee of one access at `feeBps`, as the contract rounds it (down). */
export const feeOf = (price: bigint, feeBps: bigint = FEE_BPS): bigint => (price * feeBps) / 10_000n;

// ethers types its parameter as mutable arrays; it never writes to them.
const grantTypes = consentGrantTypes as unknown as Record<string, TypedDataField[]>;

/** `EarningsWithdrawal(address shopper,address to,uint256 amount,uint256 nonce,uint256 deadline)`. */
export const earningsWithdrawalTypes: Record<string, TypedDataField[]> = {
  EarningsWithdrawal: [
    { name: "shopper", type: "address" },
    { name: "to", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

export interface EarningsWithdrawal {
  shopper: string;
  to: string;
  amount: bigint;
  nonce: bigint;
  deadline: bigint;
}

export interface DataAccessFixture {
  payments: DataAccessPayments;
  registry: ConsentRegistry;
  token: TestToken;
  admin: HardhatEthersSigner;
  consumer: HardhatEthersSigner;
  otherConsumer: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  /** A shopper with no consent at all. */
  dave: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  feeRecipient: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  /** When the fixture's consents expire. */
  expiresAt: bigint;
}

/** A deadline an hour after the latest block. */
export async function inAnHour(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest()) + 3_600n;
}

/** `shopper` consents to `consumer` reading `scope` at `price`, signed and submitted by `relayer`. */
export async function grantBySignature(
  registry: ConsentRegistry,
  shopper: HardhatEthersSigner,
  relayer: HardhatEthersSigner,
  consumer: string,
  scope: string,
  price: bigint,
  expiresAt: bigint,
): Promise<void> {
  const { chainId } = await ethers.provider.getNetwork();
  const message = {
    shopper: shopper.address,
    consumer,
    scope,
    pricePerAccess: price,
    expiresAt,
    nonce: await registry.nonces(shopper.address),
    deadline: await inAnHour(),
  };
  const signature = await shopper.signTypedData(consentRegistryDomain(chainId, await registry.getAddress()), grantTypes, message);
  await (await registry.connect(relayer).grantBySignature(message, signature)).wait();
}

/** Mints `amount` to `consumer` and approves the payments contract for all of it. */
export async function mintAndApprove(
  payments: DataAccessPayments,
  token: { mint(to: string, amount: bigint): Promise<ContractTransactionResponse>; connect(s: HardhatEthersSigner): { approve(spender: string, amount: bigint): Promise<ContractTransactionResponse> } },
  consumer: HardhatEthersSigner,
  amount: bigint,
): Promise<void> {
  await (await token.mint(consumer.address, amount)).wait();
  await (await token.connect(consumer).approve(await payments.getAddress(), ethers.MaxUint256)).wait();
}

/**
 * A registry, a stablecoin and a payments proxy (5% fee to `feeRecipient`). Alice (by signature, through the
 * relayer), Bob and Carol consent to the consumer reading SCOPE for 30 days; the consumer has deposited DEPOSIT.
 */
export async function deployDataAccessFixture(): Promise<DataAccessFixture> {
  const [admin, consumer, otherConsumer, alice, bob, carol, dave, relayer, feeRecipient, stranger] = await ethers.getSigners();
  if (!admin || !consumer || !otherConsumer || !alice || !bob || !carol || !dave || !relayer || !feeRecipient || !stranger) {
    throw new Error("data access fixture: needs ten funded accounts");
  }
  const { registry } = await deployConsentRegistry(ethers, upgradesApi, { admin: admin.address });
  const token = await ethers.deployContract("TestToken", ["Test Dollar", "TUSD"]);
  const { payments } = await deployDataAccessPayments(ethers, upgradesApi, {
    admin: admin.address,
    registry: await registry.getAddress(),
    paymentToken: await token.getAddress(),
    feeRecipient: feeRecipient.address,
    feeBps: Number(FEE_BPS),
  });
  const expiresAt = BigInt(await networkHelpers.time.latest()) + 30n * ONE_DAY;
  await grantBySignature(registry, alice, relayer, consumer.address, SCOPE, ALICE_PRICE, expiresAt);
  await (await registry.connect(bob).grant(consumer.address, SCOPE, BOB_PRICE, expiresAt)).wait();
  await (await registry.connect(carol).grant(consumer.address, SCOPE, CAROL_PRICE, expiresAt)).wait();
  await mintAndApprove(payments, token, consumer, MINTED);
  await (await payments.connect(consumer).deposit(DEPOSIT)).wait();
  return { payments, registry, token, admin, consumer, otherConsumer, alice, bob, carol, dave, relayer, feeRecipient, stranger, expiresAt };
}

/** The fixture after the consumer read Alice, Bob and Carol once each: all three have earnings, fees accrued. */
export async function deployEarningsFixture(): Promise<DataAccessFixture> {
  const fixture = await deployDataAccessFixture();
  const { payments, consumer, alice, bob, carol } = fixture;
  await (await payments.connect(consumer).recordAccesses(SCOPE, [alice.address, bob.address, carol.address], BOB_PRICE)).wait();
  return fixture;
}

/** The EIP-712 domain of the payments proxy's signed withdrawals. */
export async function paymentsDomain(payments: DataAccessPayments): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return { name: "dCRM DataAccessPayments", version: "1", chainId, verifyingContract: await payments.getAddress() };
}

/** `signer` signs `withdrawal` (by default in the payments proxy's domain). */
export async function signWithdrawal(
  payments: DataAccessPayments,
  signer: HardhatEthersSigner,
  withdrawal: EarningsWithdrawal,
  domain?: TypedDataDomain,
): Promise<string> {
  return signer.signTypedData(domain ?? (await paymentsDomain(payments)), earningsWithdrawalTypes, withdrawal);
}

/** Every balance the contract keeps: deposits, earnings and accrued fees, as a comparable record. */
export async function ledger(payments: DataAccessPayments, accounts: string[]) {
  return {
    deposits: await Promise.all(accounts.map((a) => payments.depositOf(a))),
    earnings: await Promise.all(accounts.map((a) => payments.earningsOf(a))),
    accruedFees: await payments.accruedFees(),
  };
}

/** The payments contract's logs in a receipt, as [name, ...args]. */
export async function paymentLogs(payments: DataAccessPayments, tx: Promise<ContractTransactionResponse>): Promise<unknown[][]> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  const address = await payments.getAddress();
  return receipt.logs
    .filter((log) => log.address === address)
    .map((log) => {
      const parsed = payments.interface.parseLog(log);
      if (!parsed) throw new Error("unparsed log");
      return [parsed.name, ...parsed.args.toArray()];
    });
}
