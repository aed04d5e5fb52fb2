import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";
import type { TypedDataField } from "ethers";

import { deployConsentRegistry } from "../../deploy/consentRegistry.js";
import { consentGrantTypes, consentRegistryDomain } from "../../sdk/src/consent/typedData.js";
import { gasOf, type GasRow } from "./measure.js";

// ethers types its parameter as mutable arrays; it never writes to them.
type EthersTypes = Record<string, TypedDataField[]>;

const PRICE = 5n * 10n ** 4n; // 0.05 of a 6-decimal stablecoin per access
const EXPIRES = 2n ** 39n;

/**
 * ConsentRegistry's measured operations. The shopper has anchored its data record for the scope, the usual
 * order (data first, then consent to read it), so its per-scope counter slot is already in use.
 */
export async function measureConsentRegistry(ethers: HardhatEthers, upgradesApi: HardhatUpgrades): Promise<GasRow[]> {
  const [admin, shopper, relayer] = await ethers.getSigners();
  if (!admin || !shopper || !relayer) throw new Error("bench: needs three funded accounts");
  const { registry } = await deployConsentRegistry(ethers, upgradesApi, { admin: admin.address });
  const scope = ethers.id("purchase-history");
  const consumer = (n: number) => ethers.getAddress(ethers.dataSlice(ethers.id(`bench-consumer-${n}`), 12));
  const asShopper = registry.connect(shopper);
  await (await asShopper.anchorRecord(scope, ethers.id("ipfs://bafy-bench-record"))).wait();

  const rows: GasRow[] = [];
  rows.push({ id: "consent.grant", gas: await gasOf(asShopper.grant(consumer(1), scope, PRICE, EXPIRES)), target: 60_000 });
  rows.push({ id: "consent.revoke", gas: await gasOf(asShopper.revoke(consumer(1), scope)), target: 35_000 });

  // Signed consents, submitted by a relayer; the shopper's first nonce is already used.
  const { chainId } = await ethers.provider.getNetwork();
  const domain = consentRegistryDomain(chainId, await registry.getAddress());
  const signed = async (consumerAddress: string) => {
    const message = {
      shopper: shopper.address,
      consumer: consumerAddress,
      scope,
      pricePerAccess: PRICE,
      expiresAt: EXPIRES,
      nonce: await registry.nonces(shopper.address),
      deadline: 2n ** 40n,
    };
    return { message, signature: await shopper.signTypedData(domain, consentGrantTypes as unknown as EthersTypes, message) };
  };
  const first = await signed(consumer(2));
  await (await registry.connect(relayer).grantBySignature(first.message, first.signature)).wait();
  const second = await signed(consumer(3));
  rows.push({
    id: "consent.grantBySignature",
    gas: await gasOf(registry.connect(relayer).grantBySignature(second.message, second.signature)),
    target: 80_000,
  });
  return rows;
}
