/**
 * Signer keys in the subgraph, on REAL transactions: deploys the system on its own in-process network, has a
 * storefront authorise keys on RewardToken and on ReferralEscrow, a key issue and record a referral for it,
 * removes one key and authorises it again, then runs the local indexer (indexer/) with the built WASM and
 * checks the IssuerKey entities over GraphQL against the contracts' `storefrontOfKey` and the blocks.
 *
 * Needs subgraph/build/ (npm test builds it first; otherwise run `npm run subgraph:build`).
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { upgrades } from "@openzeppelin/hardhat-upgrades";
import { expect } from "chai";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import hre from "hardhat";
import type { EIP1193Provider } from "viem";

import { resolveDeployConfig } from "../../deploy/config.js";
import { deploySystem } from "../../deploy/system.js";
import { startLocalIndexer, type LocalIndexer } from "../../indexer/service.ts";
import { retargetBuild } from "../../subgraph/scripts/retarget.mjs";

const root = hre.config.paths.root;
const NETWORK = "default";
const SUBGRAPH_BUILD = join(root, "subgraph", "build");
const DATA_SOURCES = ["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"] as const;

const connection = await hre.network.create();
const { ethers } = connection;

interface IndexedKey {
  id: string;
  contract: "RewardToken" | "ReferralEscrow";
  contractAddress: string;
  key: string;
  storefront: { id: string };
  authorised: boolean;
  addedBlock: string;
  addedTimestamp: string;
  removedBlock: string | null;
  removedTimestamp: string | null;
}

describe("subgraph: signer keys (IssuerKeySet) of both contracts in the local indexer", function () {
  this.timeout(180_000);

  let savedDir: string | undefined;
  let dir = "";
  let local: LocalIndexer;
  const indexerLog: string[] = [];
  let tokenAddress = "";
  let escrowAddress = "";
  let storefront = "";
  let keys: string[] = [];
  /** The receipts of each key's latest IssuerKeySet, by contract and key. */
  const last = new Map<string, ContractTransactionReceipt>();

  async function send(pending: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    const receipt = await (await pending()).wait();
    if (!receipt || receipt.status !== 1) throw new Error("transaction failed");
    return receipt;
  }

  async function gql<T>(query: string): Promise<T> {
    const response = await fetch(local.server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (response.status !== 200 || body.errors) throw new Error(`query failed (${response.status}): ${JSON.stringify(body.errors)}`);
    return body.data!;
  }

  const FIELDS = "id contract contractAddress key storefront { id } authorised addedBlock addedTimestamp removedBlock removedTimestamp";

  before(async function () {
    if (!existsSync(join(SUBGRAPH_BUILD, "RewardToken", "RewardToken.wasm"))) {
      throw new Error("subgraph/build/ is missing: run `npm run subgraph:build` first (npm test builds it before the tests)");
    }
    savedDir = process.env.DCRM_DEPLOYMENTS_DIR;
    dir = await mkdtemp(join(tmpdir(), "dcrm-subgraph-keys-"));
    process.env.DCRM_DEPLOYMENTS_DIR = dir;

    const raw = JSON.parse(await readFile(join(root, "deploy", "config", "default.json"), "utf8")) as Record<string, unknown>;
    const signers = await ethers.getSigners();
    const config = resolveDeployConfig("default.json", NETWORK, raw, { accounts: signers.map((s) => s.address) });
    const readAbi = async (name: string): Promise<unknown> => (await hre.artifacts.readArtifact(name)).abi;
    const result = await deploySystem({ ethers, upgradesApi: await upgrades(hre, connection), readAbi, root, network: NETWORK, config });
    const c = result.deployment.contracts;
    const token = await ethers.getContractAt("RewardToken", c.RewardToken!.proxy);
    const escrow = await ethers.getContractAt("ReferralEscrow", c.ReferralEscrow!.proxy);
    const dollar = await ethers.getContractAt("TestToken", result.deployment.tokens!.DemoDollar!.address);
    [tokenAddress, escrowAddress] = [await token.getAddress(), await escrow.getAddress()];

    // Hardhat's account 1 is the deployment's storefront (an issuer with a cap); 15 and 16 become its keys.
    const [admin, shop, partnerOwner, buyer] = [signers[0]!, signers[1]!, signers[2]!, signers[3]!];
    const [key, secondKey] = [signers[15]!, signers[16]!];
    storefront = shop.address;
    keys = [key.address, secondKey.address];
    if (!(await token.hasRole(await token.ISSUER_ROLE(), storefront))) {
      await send(() => token.connect(admin).grantRole(ethers.id("ISSUER_ROLE"), storefront));
      await send(() => token.connect(admin).setIssuanceCap(storefront, 10n ** 24n, 86_400));
    }
    const note = (contract: string, account: string, receipt: ContractTransactionReceipt) => last.set(`${contract}:${account.toLowerCase()}`, receipt);
    for (const account of keys) {
      note("RewardToken", account, await send(() => token.connect(shop).setIssuerKey(account, true)));
      note("ReferralEscrow", account, await send(() => escrow.connect(shop).setIssuerKey(account, true)));
    }
    // The first key acts: points and a referral for the storefront.
    await send(() => token.connect(key).issue(buyer.address, 7_001n, 5n));
    const code = ethers.id("keys-partner");
    const salt = ethers.id("salt");
    await send(() => escrow.connect(admin).setCodeCommitmentDelay(1));
    await send(() => escrow.connect(partnerOwner).commitCode(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "address", "bytes32"], [code, partnerOwner.address, salt]))));
    await connection.provider.request({ method: "evm_increaseTime", params: [2] });
    await send(() => escrow.connect(partnerOwner).registerPartner(code, partnerOwner.address, salt));
    await send(() => escrow.connect(shop).enrolPartner(code, 1_000, 0));
    await send(() => dollar.mint(storefront, 10_000n));
    await send(() => dollar.connect(shop).approve(escrowAddress, 10_000n));
    const dollarAddress = await dollar.getAddress();
    await send(() => escrow.connect(shop).fundBudget(dollarAddress, 10_000n));
    await send(() => escrow.connect(key).recordReferral(7_001n, code, 1_000n, dollarAddress, buyer.address));
    // The second key is removed from the escrow; the first is removed from the token and authorised again.
    note("ReferralEscrow", secondKey.address, await send(() => escrow.connect(shop).setIssuerKey(secondKey.address, false)));
    await send(() => token.connect(shop).setIssuerKey(key.address, false));
    note("RewardToken", key.address, await send(() => token.connect(shop).setIssuerKey(key.address, true)));

    const targets = Object.fromEntries(DATA_SOURCES.map((name) => [name, { address: c[name]!.proxy, startBlock: c[name]!.deploymentBlock }]));
    const build = await retargetBuild(SUBGRAPH_BUILD, join(dir, "build"), targets, "hardhat");
    local = await startLocalIndexer({
      subgraph: build,
      rpcUrl: "hardhat in-process network",
      provider: connection.provider as unknown as EIP1193Provider,
      subgraphName: "dcrm",
      port: 0,
      pollInterval: 20,
      log: (line) => indexerLog.push(line),
    });
    await local.waitForBlock(await ethers.provider.getBlockNumber(), 120_000);
  });

  after(async function () {
    await local?.close();
    if (savedDir === undefined) delete process.env.DCRM_DEPLOYMENTS_DIR;
    else process.env.DCRM_DEPLOYMENTS_DIR = savedDir;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("indexes every block without an indexing error or a handler's error log", async function () {
    const { _meta } = await gql<{ _meta: { hasIndexingErrors: boolean; block: { number: number } } }>(`{ _meta { block { number } hasIndexingErrors } }`);
    expect(_meta.hasIndexingErrors).to.equal(false);
    expect(_meta.block.number).to.equal(await ethers.provider.getBlockNumber());
    expect(indexerLog.filter((line) => /^(CRITICAL|ERROR|WARNING)/.test(line))).to.deep.equal([]);
  });

  it("keeps one IssuerKey per contract and key, in the state storefrontOfKey reads, with the blocks of its events", async function () {
    const { issuerKeys } = await gql<{ issuerKeys: IndexedKey[] }>(`{ issuerKeys(first: 10, orderBy: id) { ${FIELDS} } }`);
    expect(issuerKeys).to.have.length(4);
    const token = await ethers.getContractAt("RewardToken", tokenAddress);
    const escrow = await ethers.getContractAt("ReferralEscrow", escrowAddress);
    for (const [contract, address, reader] of [["RewardToken", tokenAddress, token], ["ReferralEscrow", escrowAddress, escrow]] as const) {
      for (const key of keys) {
        const indexed = issuerKeys.find((entity) => entity.contract === contract && entity.key === key.toLowerCase());
        expect(indexed, `${contract} ${key}`).to.not.equal(undefined);
        expect(indexed!.id).to.equal(`${address.toLowerCase()}${key.slice(2).toLowerCase()}`);
        expect(indexed!.contractAddress).to.equal(address.toLowerCase());
        expect(indexed!.storefront.id).to.equal(storefront.toLowerCase());
        expect(indexed!.authorised).to.equal((await reader.storefrontOfKey(key)) === storefront);
        const receipt = last.get(`${contract}:${key.toLowerCase()}`)!;
        const block = await ethers.provider.getBlock(receipt.blockNumber);
        if (indexed!.authorised) {
          expect([indexed!.addedBlock, indexed!.addedTimestamp]).to.deep.equal([String(receipt.blockNumber), String(block!.timestamp)]);
          expect([indexed!.removedBlock, indexed!.removedTimestamp]).to.deep.equal([null, null]);
        } else {
          expect([indexed!.removedBlock, indexed!.removedTimestamp]).to.deep.equal([String(receipt.blockNumber), String(block!.timestamp)]);
          expect(Number(indexed!.addedBlock)).to.be.lessThan(receipt.blockNumber);
        }
      }
    }
    // Three keys act for the storefront now; the second key no longer does on the escrow.
    const removed = issuerKeys.filter((entity) => !entity.authorised);
    expect(removed.map((entity) => [entity.contract, entity.key])).to.deep.equal([["ReferralEscrow", keys[1]!.toLowerCase()]]);
  });

  it("lists a storefront's keys under it, and filters keys by contract and state", async function () {
    const { storefront: indexed } = await gql<{ storefront: { issuerKeys: { contract: string; key: string; authorised: boolean }[] } }>(
      `{ storefront(id: "${storefront.toLowerCase()}") { issuerKeys(orderBy: id) { contract key authorised } } }`,
    );
    expect(indexed.issuerKeys).to.have.length(4);
    const { issuerKeys } = await gql<{ issuerKeys: { key: string }[] }>(`{ issuerKeys(where: { contract: ReferralEscrow, authorised: true }) { key } }`);
    expect(issuerKeys.map((entity) => entity.key)).to.deep.equal([keys[0]!.toLowerCase()]);
  });
});
