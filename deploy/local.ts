/**
 * Deploys the system to a local node (`--network localhost`) and sets up a demo storefront, then writes
 * `deployments/<network>.json`. `npm start` runs it against the node it starts.
 */
import { upgrades } from "@openzeppelin/hardhat-upgrades";
import hre from "hardhat";

import { writeDeployment } from "./deployments.js";
import { deployConsentRegistry } from "./consentRegistry.js";
import { deployDataAccessPayments } from "./dataAccessPayments.js";
import { deployReferralEscrow } from "./referralEscrow.js";
import { deployRewardTokenWithReceipt } from "./rewardToken.js";

const DEMO_CAP_PER_DAY = 1_000_000n * 10n ** 18n;

const connection = await hre.network.create();
const { ethers } = connection;
const upgradesApi = await upgrades(hre, connection);
const [admin, storefront] = await ethers.getSigners();
if (!admin || !storefront) throw new Error("deploy: the local node must offer at least two accounts");

const { token, deploymentBlock } = await deployRewardTokenWithReceipt(ethers, upgradesApi, { name: "dCRM Demo Points", symbol: "DEMO", admin: admin.address });
const proxy = await token.getAddress();
await (await token.grantRole(await token.ISSUER_ROLE(), storefront.address)).wait();
await (await token.setIssuanceCap(storefront.address, DEMO_CAP_PER_DAY, 86_400n)).wait();

const { escrow, deploymentBlock: escrowBlock } = await deployReferralEscrow(ethers, upgradesApi, {
  admin: admin.address,
  maxRateBps: 3_000,
});
const escrowAddress = await escrow.getAddress();

const { registry, deploymentBlock: registryBlock } = await deployConsentRegistry(ethers, upgradesApi, {
  admin: admin.address,
});
const registryAddress = await registry.getAddress();
// A stand-in stablecoin for local data-access payments (6 decimals in spirit; any ERC-20 works).
const demoDollar = await ethers.deployContract("TestToken", ["dCRM Demo Dollar", "DUSD"]);
const { payments, deploymentBlock: paymentsBlock } = await deployDataAccessPayments(ethers, upgradesApi, {
  admin: admin.address,
  registry: registryAddress,
  paymentToken: await demoDollar.getAddress(),
  feeRecipient: admin.address,
  feeBps: 500,
});
const paymentsAddress = await payments.getAddress();

const { chainId } = await ethers.provider.getNetwork();
const abiHash = async (name: string) => ethers.id(JSON.stringify((await hre.artifacts.readArtifact(name)).abi));
const path = await writeDeployment(hre.config.paths.root, {
  network: connection.networkName,
  chainId: Number(chainId),
  contracts: {
    RewardToken: {
      proxy,
      implementation: await upgradesApi.erc1967.getImplementationAddress(proxy),
      deploymentBlock,
      abiHash: await abiHash("RewardToken"),
    },
    ReferralEscrow: {
      proxy: escrowAddress,
      implementation: await upgradesApi.erc1967.getImplementationAddress(escrowAddress),
      deploymentBlock: escrowBlock,
      abiHash: await abiHash("ReferralEscrow"),
    },
    ConsentRegistry: {
      proxy: registryAddress,
      implementation: await upgradesApi.erc1967.getImplementationAddress(registryAddress),
      deploymentBlock: registryBlock,
      abiHash: await abiHash("ConsentRegistry"),
    },
    DataAccessPayments: {
      proxy: paymentsAddress,
      implementation: await upgradesApi.erc1967.getImplementationAddress(paymentsAddress),
      deploymentBlock: paymentsBlock,
      abiHash: await abiHash("DataAccessPayments"),
    },
  },
});

console.log(`RewardToken proxy   ${proxy}`);
console.log(`ReferralEscrow      ${escrowAddress} (commission rates up to 30%)`);
console.log(`ConsentRegistry     ${registryAddress}`);
console.log(`DataAccessPayments  ${paymentsAddress} (paid in demo dollars ${await demoDollar.getAddress()}, 5% fee)`);
console.log(`admin               ${admin.address}`);
console.log(`demo storefront     ${storefront.address} (issuer, cap ${ethers.formatUnits(DEMO_CAP_PER_DAY, 18)} points/day)`);
console.log(`wrote               ${path}`);
