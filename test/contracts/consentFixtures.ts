import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { TypedDataDomain, TypedDataField } from "ethers";

import { deployConsentRegistry } from "../../deploy/consentRegistry.js";
import { consentGrantTypes, consentRegistryDomain, consentRevocationTypes } from "../../sdk/src/consent/typedData.js";
import type { ConsentRegistry } from "../../types/ethers-contracts/index.js";
import { ethers, networkHelpers, upgradesApi } from "./fixtures.js";

export { ethers, networkHelpers, upgradesApi };

export const ONE_DAY = 86_400n;
export const PURCHASES = ethers.id("purchase-history");
export const PROFILE = ethers.id("profile");
export const RECORD_1 = ethers.id("ipfs://record-1");
export const RECORD_2 = ethers.id("ipfs://record-2");

// ethers types its parameter as mutable arrays; it never writes to them.
export const grantTypes = consentGrantTypes as unknown as Record<string, TypedDataField[]>;
export const revocationTypes = consentRevocationTypes as unknown as Record<string, TypedDataField[]>;

export interface Grant {
  shopper: string;
  consumer: string;
  scope: string;
  pricePerAccess: bigint;
  expiresAt: bigint;
  nonce: bigint;
  deadline: bigint;
}

export interface Revocation {
  shopper: string;
  consumer: string;
  scope: string;
  nonce: bigint;
  deadline: bigint;
}

export interface ConsentFixture {
  registry: ConsentRegistry;
  admin: HardhatEthersSigner;
  consumer: HardhatEthersSigner;
  otherConsumer: HardhatEthersSigner;
  thirdConsumer: HardhatEthersSigner;
  shopper: HardhatEthersSigner;
  otherShopper: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

export async function deployConsentFixture(): Promise<ConsentFixture> {
  const [admin, consumer, otherConsumer, thirdConsumer, shopper, otherShopper, relayer, stranger] = await ethers.getSigners();
  if (!admin || !consumer || !otherConsumer || !thirdConsumer || !shopper || !otherShopper || !relayer || !stranger) {
    throw new Error("consent fixture: needs eight funded accounts");
  }
  const { registry } = await deployConsentRegistry(ethers, upgradesApi, { admin: admin.address });
  return { registry, admin, consumer, otherConsumer, thirdConsumer, shopper, otherShopper, relayer, stranger };
}

/** The EIP-712 domain of the registry's signed consents and revocations. */
export async function consentDomainOf(registry: ConsentRegistry): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return consentRegistryDomain(chainId, await registry.getAddress());
}

/** The latest block's timestamp. */
export async function now(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest());
}

/** Fixes the next block's timestamp (a second after the latest unless told) and returns it. */
export async function pinNextBlock(at?: bigint): Promise<bigint> {
  const timestamp = at ?? (await now()) + 1n;
  await networkHelpers.time.setNextBlockTimestamp(timestamp);
  return timestamp;
}

/** A grant of `consumer` reading PURCHASES for 30 days, signed by `shopper` with its current nonce. */
export async function signedGrant(registry: ConsentRegistry, shopper: HardhatEthersSigner, consumer: string, overrides: Partial<Grant> = {}) {
  const grant: Grant = {
    shopper: shopper.address,
    consumer,
    scope: PURCHASES,
    pricePerAccess: 120n,
    expiresAt: (await now()) + 30n * ONE_DAY,
    nonce: await registry.nonces(shopper.address),
    deadline: (await now()) + 3_600n,
    ...overrides,
  };
  return { grant, signature: await shopper.signTypedData(await consentDomainOf(registry), grantTypes, grant) };
}

/** A revocation of `consumer` reading PURCHASES, signed by `shopper` with its current nonce. */
export async function signedRevocation(registry: ConsentRegistry, shopper: HardhatEthersSigner, consumer: string, overrides: Partial<Revocation> = {}) {
  const revocation: Revocation = {
    shopper: shopper.address,
    consumer,
    scope: PURCHASES,
    nonce: await registry.nonces(shopper.address),
    deadline: (await now()) + 3_600n,
    ...overrides,
  };
  return { revocation, signature: await shopper.signTypedData(await consentDomainOf(registry), revocationTypes, revocation) };
}

export interface FeeOverrides {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * Sends the transactions in order with automining off and mines them in one block, as a front-runner's
 * transaction lands just before its victim's; returns their receipts.
 */
export async function inOneBlock(...sends: Array<(fees: FeeOverrides) => Promise<{ wait: () => Promise<unknown> }>>) {
  await networkHelpers.mine();
  await ethers.provider.send("evm_setAutomine", [false]);
  try {
    const txs = [];
    // Each later transaction tips less, so the block keeps the order they were sent in.
    for (const [i, send] of sends.entries()) {
      txs.push(await send({ maxFeePerGas: ethers.parseUnits("100", "gwei"), maxPriorityFeePerGas: ethers.parseUnits(String(50 - i), "gwei") }));
    }
    await networkHelpers.mine();
    const receipts = (await Promise.all(txs.map((tx) => tx.wait()))) as Array<{ status: number; blockNumber: number; index: number }>;
    for (const [i, receipt] of receipts.entries()) {
      if (receipt.blockNumber !== receipts[0]!.blockNumber || (i > 0 && receipt.index <= receipts[i - 1]!.index)) {
        throw new Error("inOneBlock: the transactions were not mined in one block in the order sent");
      }
    }
    return receipts;
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
}
