import { readFile } from "node:fs/promises";

import { expect } from "chai";

import type { Deployment } from "../../deploy/deployments.js";
import { applyUpgrades, planUpgrades, type UpgradeOptions } from "../../deploy/upgrade.js";
import { ethers, upgradesApi } from "../contracts/fixtures.js";
import {
  defaultConfig,
  deployerNonce,
  freshDeploymentsDir,
  readAbi,
  readArtifact,
  recordPath,
  rejection,
  root,
  runDeploy,
} from "./deployFixtures.js";

const CONTRACTS = ["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"];

function options(deployment: Deployment, implementations?: Record<string, string>, log?: (line: string) => void): UpgradeOptions {
  return {
    ethers,
    upgradesApi,
    readArtifact,
    deployment,
    ...(implementations ? { implementations } : {}),
    ...(log ? { log } : {}),
  };
}

describe("deploy: planUpgrades and applyUpgrades on the in-process network", function () {
  const dir = freshDeploymentsDir();

  it("plans nothing for contracts that run the compiled code", async function () {
    const { deployment } = await runDeploy(await defaultConfig());
    const nonce = await deployerNonce();
    const steps = await planUpgrades(options(deployment));
    expect(steps.map((step) => step.contract)).to.deep.equal(CONTRACTS);
    for (const step of steps) {
      expect(step.status, step.contract).to.equal("unchanged");
      expect(step.implementationContract).to.equal(step.contract);
      expect(step.proxy).to.equal(deployment.contracts[step.contract]!.proxy);
      expect(step.currentImplementation).to.equal(deployment.contracts[step.contract]!.implementation);
    }
    expect(await deployerNonce()).to.equal(nonce);
  });

  it("plans, then applies, an upgrade of RewardToken to RewardTokenV2, keeping its state", async function () {
    const [deployer, storefront, shopper] = await ethers.getSigners();
    const { deployment } = await runDeploy(await defaultConfig());
    const address = deployment.contracts.RewardToken!.proxy;
    const token = await ethers.getContractAt("RewardToken", address);
    await (await token.connect(storefront!).issue(shopper!.address, 42n, 1234n)).wait();
    await (await token.setIssuanceCap(storefront!.address, 999_999n, 7_200n)).wait();
    const oldImplementation = deployment.contracts.RewardToken!.implementation;
    const before = await readFile(recordPath(dir()), "utf8");

    const nonce = await deployerNonce();
    const mapping = { RewardToken: "RewardTokenV2" };
    const steps = await planUpgrades(options(deployment, mapping));
    expect(steps.map((step) => [step.contract, step.status])).to.deep.equal([
      ["RewardToken", "upgrade"],
      ["ReferralEscrow", "unchanged"],
      ["ConsentRegistry", "unchanged"],
      ["DataAccessPayments", "unchanged"],
    ]);
    expect(steps[0]!.implementationContract).to.equal("RewardTokenV2");
    expect(steps[0]!.currentImplementation).to.equal(oldImplementation);
    // Planning sends nothing and changes nothing.
    expect(await deployerNonce()).to.equal(nonce);
    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.equal(oldImplementation);
    expect(await readFile(recordPath(dir()), "utf8")).to.equal(before);

    const result = await applyUpgrades({ ...options(deployment, mapping), root }, steps);
    expect(result.upgraded).to.deep.equal(["RewardToken"]);
    expect(result.awaitingUpgrader).to.deep.equal([]);
    const v2 = await ethers.getContractAt("RewardTokenV2", address);
    expect(await v2.version()).to.equal(2n);
    const newImplementation = await upgradesApi.erc1967.getImplementationAddress(address);
    expect(newImplementation).to.not.equal(oldImplementation);
    // State from before the upgrade.
    expect(await v2.balanceOf(shopper!.address)).to.equal(1234n);
    expect(await v2.totalSupply()).to.equal(1234n);
    expect(await v2.isOrderRewarded(storefront!.address, 42n)).to.equal(true);
    expect(await v2.hasRole(await v2.ISSUER_ROLE(), storefront!.address)).to.equal(true);
    expect(await v2.hasRole(await v2.DEFAULT_ADMIN_ROLE(), deployer!.address)).to.equal(true);
    expect(await v2.hasRole(await v2.UPGRADER_ROLE(), deployer!.address)).to.equal(true);
    const cap = await v2.storefrontIssuance(storefront!.address);
    expect([cap.capPerPeriod, cap.capPeriod]).to.deep.equal([999_999n, 7_200n]);
    expect(await v2.name()).to.equal("dCRM Demo Points");

    // The record follows: the new implementation and V2's ABI hash; the other contracts are untouched.
    const onDisk = JSON.parse(await readFile(recordPath(dir()), "utf8")) as Deployment;
    expect(onDisk).to.deep.equal(result.deployment);
    expect(onDisk.contracts.RewardToken!.implementation).to.equal(newImplementation);
    expect(onDisk.contracts.RewardToken!.abiHash).to.equal(ethers.id(JSON.stringify(await readAbi("RewardTokenV2"))));
    expect(onDisk.contracts.RewardToken!.abiHash).to.not.equal(deployment.contracts.RewardToken!.abiHash);
    expect(onDisk.contracts.RewardToken!.proxy).to.equal(address);
    expect(onDisk.contracts.RewardToken!.deploymentBlock).to.equal(deployment.contracts.RewardToken!.deploymentBlock);
    for (const name of CONTRACTS.slice(1)) expect(onDisk.contracts[name], name).to.deep.equal(deployment.contracts[name]);

    // Now V2 runs: the same mapping plans nothing.
    const again = await planUpgrades(options(onDisk, mapping));
    expect(again.map((step) => step.status)).to.deep.equal(["unchanged", "unchanged", "unchanged", "unchanged"]);
  });

  it("refuses an implementation with an incompatible storage layout, with the plugin's message", async function () {
    const { deployment } = await runDeploy(await defaultConfig());
    const nonce = await deployerNonce();
    const error = await rejection(planUpgrades(options(deployment, { RewardToken: "RewardTokenLayoutBreaker" })));
    expect(error.message).to.include("upgrade: RewardToken to RewardTokenLayoutBreaker is refused");
    expect(error.message).to.include("New storage layout is incompatible");
    expect(await deployerNonce()).to.equal(nonce);
    expect(await upgradesApi.erc1967.getImplementationAddress(deployment.contracts.RewardToken!.proxy)).to.equal(
      deployment.contracts.RewardToken!.implementation,
    );
  });

  it("without the upgrader role, prepares the implementation and leaves the proxy for the upgrader", async function () {
    const signers = await ethers.getSigners();
    const upgrader = signers[4]!;
    const { deployment } = await runDeploy(
      await defaultConfig((raw) => {
        raw.handover = true;
        raw.roles = { admin: "account:2", pauser: "account:3", upgrader: "account:4" };
      }),
    );
    const address = deployment.contracts.RewardToken!.proxy;
    const before = await readFile(recordPath(dir()), "utf8");
    const mapping = { RewardToken: "RewardTokenV2" };
    const steps = await planUpgrades(options(deployment, mapping));
    expect(steps[0]!.status).to.equal("upgrade");

    const lines: string[] = [];
    const result = await applyUpgrades({ ...options(deployment, mapping, (line) => lines.push(line)), root }, steps);
    expect(result.upgraded).to.deep.equal([]);
    expect(result.awaitingUpgrader).to.deep.equal(["RewardToken"]);
    expect(await upgradesApi.erc1967.getImplementationAddress(address)).to.equal(deployment.contracts.RewardToken!.implementation);
    expect(result.deployment).to.deep.equal(deployment);
    expect(await readFile(recordPath(dir()), "utf8")).to.equal(before);

    // The log names the prepared implementation and the call to make; the upgrader's call works.
    const log = lines.join("\n");
    const match = /new implementation (0x[0-9a-fA-F]{40}) is deployed/.exec(log);
    expect(match, log).to.not.equal(null);
    const prepared = match![1]!;
    expect(await ethers.provider.getCode(prepared)).to.not.equal("0x");
    expect(log).to.include(`${address}.upgradeToAndCall(${prepared}, "0x")`);
    const token = await ethers.getContractAt("RewardTokenV2", address);
    await (await token.connect(upgrader).upgradeToAndCall(prepared, "0x")).wait();
    expect(await token.version()).to.equal(2n);
  });
});
