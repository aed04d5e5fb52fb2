import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatUpgrades } from "@openzeppelin/hardhat-upgrades";
import type { TypedDataField } from "ethers";

import { deployConsentRegistry } from "../../deploy/consentRegistry.js";
import { deployDataAccessPayments } from "../../deploy/dataAccessPayments.js";
import { consentGrantTypes, consentRegistryDomain } from "../../sdk/src/consent/typedData.js";
import { gasOf, marginal, type GasRow } from "./measure.js";

// ethers types its parameter as mutable arrays; it never writes to them.
type EthersTypes = Record<string, TypedDataField[]>;

const PRICE = 50_000n; // 0.05 of a 6-decimal stablecoin
const EXPIRES = 2n ** 39n;

/**
 * DataAccessPayments' measured operations: shoppers consented (by signature, through a relayer) and already
 * have earnings; the consumer has a deposit; the fee is 5%.
 */
export async function measureDataAccessPayments(ethers: HardhatEthers, upgradesApi: HardhatUpgrades): Promise<GasRow[]> {
  const [admin, consumer, relayer] = await ethers.getSigners();
  if (!admin || !consumer || !relayer) throw new Error("bench: needs three funded accounts");
  const { registry } = await deployConsentRegistry(ethers, upgradesApi, { admin: admin.address });
  const token = await ethers.deployContract("TestToken", ["Bench Dollar", "BUSD"]);
  const { payments } = await deployDataAccessPayments(ethers, upgradesApi, {
    admin: admin.address,
    registry: await registry.getAddress(),
    paymentToken: await token.getAddress(),
    feeRecipient: admin.address,
    feeBps: 500,
  });
  const scope = ethers.id("purchase-history");
  await (await token.mint(consumer.address, 10n ** 15n)).wait();
  await (await token.connect(consumer).approve(await payments.getAddress(), ethers.MaxUint256)).wait();
  await (await payments.connect(consumer).deposit(10n ** 14n)).wait();

  const { chainId } = await ethers.provider.getNetwork();
  const domain = consentRegistryDomain(chainId, await registry.getAddress());
  const shoppers = Array.from({ length: 101 }, (_, i) => new ethers.Wallet(ethers.id(`bench-shopper-${i}`)));
  for (const shopper of shoppers) {
    const message = {
      shopper: shopper.address,
      consumer: consumer.address,
      scope,
      pricePerAccess: PRICE,
      expiresAt: EXPIRES,
      nonce: 0n,
      deadline: 2n ** 40n,
    };
    const signature = await shopper.signTypedData(domain, consentGrantTypes as unknown as EthersTypes, message);
    await (await registry.connect(relayer).grantBySignature(message, signature)).wait();
  }
  const asConsumer = payments.connect(consumer);
  const addresses = shoppers.map((shopper) => shopper.address);
  // Every shopper already has earnings.
  await (await asConsumer.recordAccesses(scope, addresses, PRICE)).wait();

  const rows: GasRow[] = [];
  rows.push({ id: "access.record", gas: await gasOf(asConsumer.recordAccess(addresses[0]!, scope, PRICE)), target: 60_000 });
  const one = await gasOf(asConsumer.recordAccesses(scope, addresses.slice(1, 2), PRICE));
  const hundred = await gasOf(asConsumer.recordAccesses(scope, addresses.slice(1, 101), PRICE));
  rows.push({ id: "access.recordBatch100.perAccess", gas: marginal(one, hundred, 100), target: 11_000 });

  // A shopper who already holds the payment token withdraws its earnings.
  const shopper = shoppers[0]!.connect(ethers.provider);
  await (await admin.sendTransaction({ to: shopper.address, value: 10n ** 18n })).wait();
  await (await token.mint(shopper.address, 1n)).wait();
  rows.push({
    id: "access.withdrawEarnings",
    gas: await gasOf(payments.connect(shopper).withdrawEarnings(await payments.earningsOf(shopper.address))),
    target: 55_000,
  });
  return rows;
}
