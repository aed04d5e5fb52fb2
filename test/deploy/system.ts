import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";

import { DeployConfigError, loadDeployConfig, resolveDeployConfig } from "../../deploy/config.js";
import type { Deployment } from "../../deploy/deployments.js";
import { DEFAULT_ADMIN_ROLE } from "../../deploy/wiring.js";
import { ethers, upgradesApi } from "../contracts/fixtures.js";
import {
  accountAddresses,
  defaultConfig,
  defaultRawConfig,
  deployerNonce,
  freshDeploymentsDir,
  readAbi,
  recordPath,
  rejection,
  root,
  runDeploy,
} from "./deployFixtures.js";

const CONTRACTS = ["ConsentRegistry", "DataAccessPayments", "ReferralEscrow", "RewardToken"];
const PAUSER_ROLE = ethers.id("PAUSER_ROLE");
const UPGRADER_ROLE = ethers.id("UPGRADER_ROLE");

async function systemAt(deployment: Deployment) {
  const c = deployment.contracts;
  return {
    token: await ethers.getContractAt("RewardToken", c.RewardToken!.proxy),
    escrow: await ethers.getContractAt("ReferralEscrow", c.ReferralEscrow!.proxy),
    registry: await ethers.getContractAt("ConsentRegistry", c.ConsentRegistry!.proxy),
    payments: await ethers.getContractAt("DataAccessPayments", c.DataAccessPayments!.proxy),
  };
}

/** The roles each contract has: [contract name, role name, role]. */
async function roleTable(deployment: Deployment): Promise<[string, string, string, Awaited<ReturnType<typeof systemAt>>[keyof Awaited<ReturnType<typeof systemAt>>]][]> {
  const s = await systemAt(deployment);
  const rows: [string, string, string, (typeof s)[keyof typeof s]][] = [];
  for (const [name, contract, withPauser] of [
    ["RewardToken", s.token, true],
    ["ReferralEscrow", s.escrow, true],
    ["ConsentRegistry", s.registry, false],
    ["DataAccessPayments", s.payments, true],
  ] as const) {
    rows.push([name, "DEFAULT_ADMIN_ROLE", DEFAULT_ADMIN_ROLE, contract], [name, "UPGRADER_ROLE", UPGRADER_ROLE, contract]);
    if (withPauser) rows.push([name, "PAUSER_ROLE", PAUSER_ROLE, contract]);
  }
  return rows;
}

describe("deploy: deploySystem on the in-process network", function () {
  const dir = freshDeploymentsDir();

  it("deploys, wires and records the whole system from the default config", async function () {
    const [deployer, storefront] = await ethers.getSigners();
    const config = await defaultConfig();
    const result = await runDeploy(config);

    expect(result.deployed).to.deep.equal(["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"]);
    expect(result.kept).to.deep.equal([]);
    expect(result.path).to.equal(recordPath(dir()));
    const onDisk = JSON.parse(await readFile(recordPath(dir()), "utf8")) as Deployment;
    expect(onDisk).to.deep.equal(result.deployment);
    expect(onDisk.chainId).to.equal(Number((await ethers.provider.getNetwork()).chainId));
    expect(onDisk.network).to.equal("default");
    expect(Object.keys(onDisk.contracts).sort()).to.deep.equal(CONTRACTS);

    for (const [name, record] of Object.entries(onDisk.contracts)) {
      expect(ethers.isAddress(record.proxy), name).to.equal(true);
      expect(await ethers.provider.getCode(record.proxy), name).to.not.equal("0x");
      expect(record.implementation, name).to.equal(await upgradesApi.erc1967.getImplementationAddress(record.proxy));
      // The ERC-1967 slot itself, read without the plugin.
      const slot = BigInt(ethers.id("eip1967.proxy.implementation")) - 1n;
      const raw = await ethers.provider.getStorage(record.proxy, slot);
      expect(ethers.getAddress(ethers.dataSlice(raw, 12)), name).to.equal(record.implementation);
      expect(record.abiHash, name).to.equal(ethers.id(JSON.stringify(await readAbi(name))));
      // The proxy appears in its recorded block and not before.
      expect(await ethers.provider.getCode(record.proxy, record.deploymentBlock - 1), name).to.equal("0x");
      expect(await ethers.provider.getCode(record.proxy, record.deploymentBlock), name).to.not.equal("0x");
    }
    const demo = onDisk.tokens?.DemoDollar;
    expect(demo, "DemoDollar recorded").to.not.equal(undefined);
    expect(await ethers.provider.getCode(demo!.address)).to.not.equal("0x");
    expect(await ethers.provider.getCode(demo!.address, demo!.deploymentBlock - 1)).to.equal("0x");
    const dollar = await ethers.getContractAt("TestToken", demo!.address);
    expect(await dollar.symbol()).to.equal("DUSD");

    const { token, escrow, registry, payments } = await systemAt(onDisk);
    expect(await token.name()).to.equal("dCRM Demo Points");
    expect(await token.symbol()).to.equal("DEMO");
    expect(await token.hasRole(await token.ISSUER_ROLE(), storefront!.address)).to.equal(true);
    const issuance = await token.storefrontIssuance(storefront!.address);
    expect(issuance.capPerPeriod).to.equal(10n ** 24n);
    expect(issuance.capPeriod).to.equal(86_400n);
    expect(await escrow.maxCommissionRate()).to.equal(3000n);
    // The contracts that hold points for others are custodians, exempt from expiry.
    expect(await token.isCustodian(await escrow.getAddress())).to.equal(true);
    expect(await token.isCustodian(await payments.getAddress())).to.equal(true);
    const settings = await payments.settings();
    expect(settings.registry).to.equal(await registry.getAddress());
    expect(settings.paymentToken).to.equal(demo!.address);
    expect(settings.feeRecipient).to.equal(deployer!.address);
    expect(settings.feeBps).to.equal(500n);
    for (const [name, roleName, role, contract] of await roleTable(onDisk)) {
      expect(await contract.hasRole(role, deployer!.address), `${name} ${roleName}`).to.equal(true);
    }
    // A storefront can issue through the deployed system.
    await (await token.connect(storefront!).issue(ethers.Wallet.createRandom().address, 1n, 5n)).wait();
    expect(await token.totalSupply()).to.equal(5n);
  });

  it("sends nothing and leaves the record byte-identical on a second run", async function () {
    const config = await defaultConfig();
    const first = await runDeploy(config);
    const before = await readFile(first.path);
    const inode = (await stat(first.path)).ino;
    const nonce = await deployerNonce();
    const lines: string[] = [];
    const second = await runDeploy(config, (line) => lines.push(line));
    expect(await deployerNonce()).to.equal(nonce);
    expect(second.deployed).to.deep.equal([]);
    expect(second.changes).to.equal(0);
    expect([...second.kept].sort()).to.deep.equal(CONTRACTS);
    expect(second.deployment).to.deep.equal(first.deployment);
    expect((await readFile(second.path)).equals(before)).to.equal(true);
    // Not even rewritten with the same bytes: the same file, not a renamed-in copy.
    expect((await stat(second.path)).ino).to.equal(inode);
    expect(lines.join("\n")).to.not.match(/deployed at|grant|set /);
  });

  it("applies only what a changed config changes", async function () {
    const [deployer, storefront, , , , otherStorefront, feeRecipient] = await ethers.getSigners();
    await runDeploy(await defaultConfig());
    const before = await readFile(recordPath(dir()));
    const nonce = await deployerNonce();
    const changed = await defaultConfig((raw) => {
      raw.rewardToken.issuers.push({ storefront: "account:5", capPerPeriod: "7000", capPeriodSeconds: 3600 });
      raw.dataAccessPayments.feeBps = 250;
      raw.dataAccessPayments.feeRecipient = "account:6";
    });
    const result = await runDeploy(changed);
    // Grant ISSUER_ROLE, set its cap, set the fee: three transactions, nothing deployed.
    expect(result.deployed).to.deep.equal([]);
    expect(result.changes).to.equal(3);
    expect(await deployerNonce()).to.equal(nonce + 3);
    expect((await readFile(recordPath(dir()))).equals(before)).to.equal(true);

    const { token, escrow, payments } = await systemAt(result.deployment);
    const issuerRole = await token.ISSUER_ROLE();
    expect(await token.hasRole(issuerRole, otherStorefront!.address)).to.equal(true);
    const cap = await token.storefrontIssuance(otherStorefront!.address);
    expect([cap.capPerPeriod, cap.capPeriod]).to.deep.equal([7000n, 3600n]);
    // The first issuer is untouched.
    expect(await token.hasRole(issuerRole, storefront!.address)).to.equal(true);
    expect((await token.storefrontIssuance(storefront!.address)).capPerPeriod).to.equal(10n ** 24n);
    const settings = await payments.settings();
    expect([settings.feeRecipient, settings.feeBps]).to.deep.equal([feeRecipient!.address, 250n]);
    expect(await escrow.maxCommissionRate()).to.equal(3000n);
    expect(await token.hasRole(DEFAULT_ADMIN_ROLE, deployer!.address)).to.equal(true);

    // And then it is in place: a third run sends nothing.
    const again = await runDeploy(changed);
    expect(again.changes).to.equal(0);
    expect(await deployerNonce()).to.equal(nonce + 3);
  });

  it("redeploys a recorded contract whose proxy has no code, and keeps the rest", async function () {
    const first = await runDeploy(await defaultConfig());
    const empty = ethers.Wallet.createRandom().address;
    const record = structuredClone(first.deployment);
    record.contracts.RewardToken!.proxy = empty;
    await writeFile(recordPath(dir()), `${JSON.stringify(record, null, 2)}\n`);

    const lines: string[] = [];
    const result = await runDeploy(await defaultConfig(), (line) => lines.push(line));
    expect(result.deployed).to.deep.equal(["RewardToken"]);
    expect([...result.kept].sort()).to.deep.equal(["ConsentRegistry", "DataAccessPayments", "ReferralEscrow"]);
    expect(lines.join("\n")).to.include(`nothing at the recorded ${empty}`);
    const proxy = result.deployment.contracts.RewardToken!.proxy;
    expect(proxy).to.not.equal(empty);
    expect(proxy).to.not.equal(first.deployment.contracts.RewardToken!.proxy);
    expect(await ethers.provider.getCode(proxy)).to.not.equal("0x");
    const onDisk = JSON.parse(await readFile(recordPath(dir()), "utf8")) as Deployment;
    expect(onDisk.contracts.RewardToken!.proxy).to.equal(proxy);
    for (const name of ["ReferralEscrow", "ConsentRegistry", "DataAccessPayments"]) {
      expect(onDisk.contracts[name], name).to.deep.equal(first.deployment.contracts[name]);
    }
    // The new token is wired like the first: its issuer is configured.
    const [, storefront] = await ethers.getSigners();
    const token = await ethers.getContractAt("RewardToken", proxy);
    expect(await token.hasRole(await token.ISSUER_ROLE(), storefront!.address)).to.equal(true);
  });

  it("refuses a record of another chain before sending anything", async function () {
    const record: Deployment = {
      network: "default",
      chainId: 8453,
      contracts: {
        RewardToken: { proxy: ethers.Wallet.createRandom().address, implementation: ethers.ZeroAddress, deploymentBlock: 1, abiHash: ethers.ZeroHash },
      },
    };
    const text = `${JSON.stringify(record, null, 2)}\n`;
    await writeFile(recordPath(dir()), text);
    const nonce = await deployerNonce();
    const error = await rejection(runDeploy(await defaultConfig()));
    expect(error.message).to.include("records chain 8453");
    expect(error.message).to.include(`is chain ${(await ethers.provider.getNetwork()).chainId}`);
    expect(await deployerNonce()).to.equal(nonce);
    expect(await readFile(recordPath(dir()), "utf8")).to.equal(text);
  });

  describe("handover", function () {
    const handoverConfig = (change?: (raw: any) => void) =>
      defaultConfig((raw) => {
        raw.handover = true;
        raw.roles = { admin: "account:2", pauser: "account:3", upgrader: "account:4" };
        change?.(raw);
      });

    it("gives every admin role to the configured accounts and leaves the deployer none; a second run sends nothing", async function () {
      const [deployer, , admin, pauser, upgrader] = await ethers.getSigners();
      const lines: string[] = [];
      const result = await runDeploy(await handoverConfig(), (line) => lines.push(line));
      expect(result.deployed).to.have.length(4);
      expect(lines.join("\n")).to.include("handover done");
      const holders: Record<string, string> = {
        DEFAULT_ADMIN_ROLE: admin!.address,
        PAUSER_ROLE: pauser!.address,
        UPGRADER_ROLE: upgrader!.address,
      };
      const table = await roleTable(result.deployment);
      expect(table).to.have.length(11);
      for (const [name, roleName, role, contract] of table) {
        expect(await contract.hasRole(role, holders[roleName]!), `${name} ${roleName} holder`).to.equal(true);
        expect(await contract.hasRole(role, deployer!.address), `${name} ${roleName} deployer`).to.equal(false);
      }
      // Settings were made before the handover.
      const { token, payments } = await systemAt(result.deployment);
      expect((await payments.settings()).feeBps).to.equal(500n);
      expect(await token.hasRole(await token.ISSUER_ROLE(), (await accountAddresses())[1]!)).to.equal(true);

      const before = await readFile(recordPath(dir()));
      const nonce = await deployerNonce();
      const second = await runDeploy(await handoverConfig());
      expect(second.changes).to.equal(0);
      expect(second.deployed).to.deep.equal([]);
      expect(await deployerNonce()).to.equal(nonce);
      expect((await readFile(recordPath(dir()))).equals(before)).to.equal(true);
    });

    it("after the handover, a redeployed escrow needs the token admin to make it a custodian: the deploy names it", async function () {
      await runDeploy(await handoverConfig());
      const record = structuredClone((await runDeploy(await handoverConfig())).deployment);
      record.contracts.ReferralEscrow!.proxy = ethers.Wallet.createRandom().address;
      await writeFile(recordPath(dir()), `${JSON.stringify(record, null, 2)}\n`);

      // The new escrow would hold points for others; only RewardToken's admin may exempt it from expiry.
      const error = await rejection(runDeploy(await handoverConfig()));
      expect(error.message).to.include("only the admin can make");
      expect(error.message).to.include("RewardToken: make ReferralEscrow");
      expect(error.message).to.include("a custodian, exempt from expiry");
    });

    it("after the handover, refuses a config that needs a change, listing it, and sends nothing", async function () {
      await runDeploy(await handoverConfig());
      const nonce = await deployerNonce();
      const error = await rejection(
        runDeploy(
          await handoverConfig((raw) => {
            raw.dataAccessPayments.feeBps = 700;
            raw.referralEscrow.maxCommissionRateBps = 2500;
          }),
        ),
      );
      expect(error.message).to.include("only the admin can make");
      expect(error.message).to.include("DataAccessPayments: set the fee to 700 bps");
      expect(error.message).to.include("ReferralEscrow: set the highest commission rate to 2500 bps");
      expect(await deployerNonce()).to.equal(nonce);
    });
  });

  describe("config problems", function () {
    const problemsOf = (fn: () => unknown): string[] => {
      try {
        fn();
      } catch (error) {
        expect(error).to.be.instanceOf(DeployConfigError);
        return (error as DeployConfigError).problems;
      }
      throw new Error("expected a DeployConfigError");
    };

    it("names every missing or invalid value by its path", async function () {
      const accounts = await accountAddresses();
      const raw = structuredClone(await defaultRawConfig()) as any;
      delete raw.rewardToken.name;
      delete raw.referralEscrow;
      raw.roles.admin = "env:DCRM_TEST_SURELY_UNSET";
      raw.roles.pauser = "account:99";
      raw.roles.upgrader = "0x1234";
      raw.dataAccessPayments.feeRecipient = "0x0000000000000000000000000000000000000000";
      raw.dataAccessPayments.feeBps = 2001;
      raw.rewardToken.issuers[0].capPerPeriod = "1e24";
      raw.handover = "yes";
      const problems = problemsOf(() =>
        resolveDeployConfig("x.json", "default", raw, { accounts, env: { DCRM_OTHER: "0x" } }),
      );
      const expected: [string, RegExp][] = [
        ["rewardToken.name", /^rewardToken\.name: missing/],
        ["referralEscrow", /^referralEscrow\.maxCommissionRateBps: missing/],
        ["env", /^roles\.admin: environment variable DCRM_TEST_SURELY_UNSET is not set/],
        ["account", /^roles\.pauser: account:99 does not exist/],
        ["bad address", /^roles\.upgrader: "0x1234" is not a non-zero address/],
        ["zero address", /^dataAccessPayments\.feeRecipient: .* is not a non-zero address/],
        ["bps", /^dataAccessPayments\.feeBps: 2001 \(an integer from 0 to 2000\)/],
        ["amount", /^rewardToken\.issuers\.0\.capPerPeriod: "1e24"/],
        ["handover", /^handover: must be true or false/],
      ];
      for (const [what, pattern] of expected) {
        expect(problems.some((problem) => pattern.test(problem)), `${what} in:\n${problems.join("\n")}`).to.equal(true);
      }
      expect(problems).to.have.length(expected.length);
    });

    it("names the problems in the error's message, and resolves the references of a valid config", async function () {
      const accounts = await accountAddresses();
      const raw = structuredClone(await defaultRawConfig()) as any;
      raw.roles.admin = "env:DCRM_TEST_ADMIN";
      raw.dataAccessPayments.paymentToken = "env:DCRM_TEST_TOKEN";
      const env = { DCRM_TEST_ADMIN: accounts[7]!.toLowerCase(), DCRM_TEST_TOKEN: accounts[8]! };
      const config = resolveDeployConfig("x.json", "default", raw, { accounts, env });
      expect(config.roles.admin).to.equal(accounts[7]);
      expect(config.dataAccessPayments.paymentToken).to.equal(accounts[8]);
      expect(config.rewardToken.issuers[0]!.storefront).to.equal(accounts[1]);
      expect(config.rewardToken.issuers[0]!.capPerPeriod).to.equal(10n ** 24n);
      expect(config.handover).to.equal(false);

      const error = await rejection(Promise.resolve().then(() => resolveDeployConfig("x.json", "default", raw, { accounts, env: {} })));
      expect(error).to.be.instanceOf(DeployConfigError);
      expect(error.message).to.include("x.json");
      expect(error.message).to.include("roles.admin: environment variable DCRM_TEST_ADMIN is not set");
      expect(error.message).to.include("dataAccessPayments.paymentToken: environment variable DCRM_TEST_TOKEN is not set");
    });

    it("loadDeployConfig names the missing file of a network without a config", async function () {
      const error = await rejection(loadDeployConfig(root, "noSuchNetwork", { accounts: [] }));
      expect(error).to.be.instanceOf(DeployConfigError);
      const file = join(root, "deploy", "config", "noSuchNetwork.json");
      expect((error as DeployConfigError).file).to.equal(file);
      expect(error.message).to.include(`no config for network "noSuchNetwork": create ${file}`);
    });

    it("loadDeployConfig of a public network names its unset variables", async function () {
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("BASE_SEPOLIA_")));
      const error = await rejection(loadDeployConfig(root, "baseSepolia", { accounts: [], env }));
      expect(error).to.be.instanceOf(DeployConfigError);
      const problems = (error as DeployConfigError).problems;
      for (const path of ["roles.admin", "roles.pauser", "roles.upgrader", "dataAccessPayments.paymentToken", "dataAccessPayments.feeRecipient"]) {
        expect(problems.some((problem) => problem.startsWith(`${path}: environment variable BASE_SEPOLIA_`)), path).to.equal(true);
      }
    });
  });
});
