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
