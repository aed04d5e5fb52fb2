/**
 * A published subgraph, unchanged: OpenZeppelin's subgraph modules (npm `@openzeppelin/subgraphs`) for an
 * ERC-20, an ERC-721 and an ERC-1155, each with AccessControl, the ERC-1155 also with Pausable. The manifest and schema are composed by the package's own
 * tool (`graph-compiler` from `@amxx/graphprotocol-utils`), graph-cli builds the package's AssemblyScript
 * (apiVersion 0.0.5, migrated by graph-cli to 0.0.6), and the indexer runs it against OpenZeppelin's own
 * compiled preset contracts on anvil. Its mappings read the chain with `ethereum.call` (`try_name`,
 * `supportsInterface`, `try_tokenURI`) and its schema has an `Event` interface that every event entity
 * implements, with `@derivedFrom` through it. Every answer is checked against the chain.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEventLog, keccak256, toHex, type Abi, type Hex } from "viem";

import { anvilAccount } from "../testing/anvil.ts";
import { startLocalChain, type LocalChain } from "../testing/localChain.ts";
import { deploy, type CompiledContract } from "../testing/solidity.ts";
import { graphCli, outputFolder, packageFolder, runNode, workFolder } from "./graphCli.ts";

const PACKAGE = packageFolder("@openzeppelin/subgraphs");
/** The contracts release the package depends on (4.x, nested under it), whose build output has the presets. */
const ARTIFACTS = join(packageFolder("@openzeppelin/contracts", PACKAGE), "build", "contracts");

function artifact(name: string): CompiledContract {
  const { abi, bytecode } = JSON.parse(readFileSync(join(ARTIFACTS, `${name}.json`), "utf8")) as { abi: Abi; bytecode: Hex };
  return { abi, bytecode };
}

/** Composes the manifest and schema with the package's tool, as its README says, and builds them with graph-cli. */
function buildOpenZeppelinSubgraph(datasources: { address: Hex; startBlock: number; module: string[] }[]): string {
  const work = workFolder();
  const out = outputFolder();
  try {
    writeFileSync(join(work, "config.json"), JSON.stringify({ output: "generated/app.", chain: "anvil", datasources }));
    mkdirSync(join(work, "generated"));
    runNode(join(packageFolder("@amxx/graphprotocol-utils"), "scripts", "graph-compiler", "cli.js"), [
      "--config", join(work, "config.json"),
      "--include", join(PACKAGE, "src", "datasources"),
      "--root", PACKAGE,
      "--export-schema",
      "--export-subgraph",
    ], work);
    graphCli(["build", "generated/app.subgraph.yaml", "--output-dir", out], work);
  } catch (error) {
    rmSync(out, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

const ROLE = {
  admin: `0x${"00".repeat(32)}` as Hex,
  minter: keccak256(toHex("MINTER_ROLE")),
  pauser: keccak256(toHex("PAUSER_ROLE")),
};
const [deployer, alice, bob, carol] = [0, 1, 2, 3].map((i) => anvilAccount(i).address.toLowerCase() as Hex) as [Hex, Hex, Hex, Hex];

describe("@openzeppelin/subgraphs: ERC-20, ERC-721, ERC-1155, AccessControl and Pausable", () => {
  let chain: LocalChain;
  const token = artifact("ERC20PresetMinterPauser");
  const nft = artifact("ERC721PresetMinterPauserAutoId");
  const multi = artifact("ERC1155PresetMinterPauser");
  let tokenAddress: Hex;
  let nftAddress: Hex;
  let multiAddress: Hex;
  let build: string | undefined;

  async function send(address: Hex, contract: CompiledContract, functionName: string, args: unknown[], from = 0) {
    const hash = await chain.wallet.writeContract({ address, abi: contract.abi, functionName, args, account: anvilAccount(from) } as never);
    const receipt = await chain.wallet.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
  }
  async function read<T>(address: Hex, contract: CompiledContract, functionName: string, args: unknown[] = []): Promise<T> {
    return (await chain.wallet.readContract({ address, abi: contract.abi, functionName, args } as never)) as T;
  }
  async function query(text: string): Promise<any> {
    const body = await chain.query(text);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data;
  }

  beforeAll(async () => {
    chain = await startLocalChain();
    const t = await deploy(chain.wallet as never, token, ["Loyalty Point", "LP"]);
    const n = await deploy(chain.wallet as never, nft, ["Member Badge", "BADGE", "https://badges.test/"]);
    const m = await deploy(chain.wallet as never, multi, ["https://items.test/{id}.json"]);
    [tokenAddress, nftAddress, multiAddress] = [t.address, n.address, m.address];
    build = buildOpenZeppelinSubgraph([
      { address: t.address, startBlock: t.block, module: ["erc20", "accesscontrol"] },
      { address: n.address, startBlock: n.block, module: ["erc721", "accesscontrol"] },
      { address: m.address, startBlock: m.block, module: ["erc1155", "accesscontrol", "pausable"] },
    ]);
    await chain.startIndexer(build);

    await send(tokenAddress, token, "mint", [alice, 1_000n * 10n ** 18n]);
    await send(tokenAddress, token, "mint", [bob, 250n * 10n ** 18n]);
    await send(tokenAddress, token, "transfer", [bob, 40n * 10n ** 18n], 1);
    await send(tokenAddress, token, "burn", [15n * 10n ** 18n], 2);
    await send(tokenAddress, token, "approve", [carol, 7n], 1);
    await send(tokenAddress, token, "grantRole", [ROLE.minter, carol]);
    await send(tokenAddress, token, "mint", [carol, 3n], 3);
    await send(tokenAddress, token, "revokeRole", [ROLE.pauser, deployer]);
    for (const to of [alice, alice, bob]) await send(nftAddress, nft, "mint", [to]);
    await send(nftAddress, nft, "transferFrom", [alice, carol, 0n], 1);
    await send(nftAddress, nft, "burn", [1n], 1);
    await send(nftAddress, nft, "grantRole", [ROLE.pauser, bob]);
    await send(multiAddress, multi, "mint", [alice, 1n, 100n, "0x"]);
    await send(multiAddress, multi, "mintBatch", [bob, [1n, 2n], [5n, 7n], "0x"]);
    await send(multiAddress, multi, "safeTransferFrom", [alice, carol, 1n, 30n, "0x"], 1);
    await send(multiAddress, multi, "burn", [bob, 2n, 3n], 2);
    await send(multiAddress, multi, "pause", []);
    await send(multiAddress, multi, "unpause", []);
    await send(multiAddress, multi, "pause", []);
    await chain.synced();
  }, 600_000);

  afterAll(async () => {
    await chain?.close();
    if (build) rmSync(build, { recursive: true, force: true });
  });

  it("reads the token's name, symbol and decimals with ethereum.call and tracks balances and supply", async () => {
    const data = await query(`{
      erc20Contract(id: "${tokenAddress}") {
        name symbol decimals totalSupply { valueExact }
        balances(first: 100) { account { id } valueExact value }
        approvals { owner { id } spender { id } valueExact }
      }
    }`);
    const contract = data.erc20Contract;
    expect([contract.name, contract.symbol, contract.decimals]).toEqual([
      await read(tokenAddress, token, "name"),
      await read(tokenAddress, token, "symbol"),
      await read(tokenAddress, token, "decimals"),
    ]);
    expect(contract.totalSupply.valueExact).toBe(String(await read<bigint>(tokenAddress, token, "totalSupply")));
    const balances = contract.balances.filter((b: { account: unknown }) => b.account !== null);
    expect(balances.map((b: { account: { id: string } }) => b.account.id).sort()).toEqual([alice, bob, carol].sort());
    for (const balance of balances) {
      const onChain = await read<bigint>(tokenAddress, token, "balanceOf", [balance.account.id]);
      expect(balance.valueExact).toBe(String(onChain));
    }
    expect(balances.find((b: { account: { id: string } }) => b.account.id === alice).value).toBe("960");
    expect(contract.approvals).toEqual([
      { owner: { id: alice }, spender: { id: carol }, valueExact: String(await read<bigint>(tokenAddress, token, "allowance", [alice, carol])) },
    ]);
  });

  it("tracks the ERC-721's owners and URIs, detected with supportsInterface calls", async () => {
    const data = await query(`{
      erc721Contract(id: "${nftAddress}") {
        name symbol supportsMetadata
        tokens(orderBy: identifier) { identifier owner { id } uri }
      }
    }`);
    const contract = data.erc721Contract;
    expect([contract.name, contract.symbol, contract.supportsMetadata]).toEqual([
      await read(nftAddress, nft, "name"),
      await read(nftAddress, nft, "symbol"),
      true,
    ]);
    const zero = `0x${"00".repeat(20)}`;
    // The burned token stays, owned by the zero address; the others are owned as the chain says.
    expect(contract.tokens.map((t: { identifier: string }) => t.identifier)).toEqual(["0", "1", "2"]);
    for (const t of contract.tokens) {
      if (t.identifier === "1") {
        await expect(read(nftAddress, nft, "ownerOf", [1n])).rejects.toThrow();
        expect(t.owner.id).toBe(zero);
        continue;
      }
      expect(t.owner.id).toBe(((await read<Hex>(nftAddress, nft, "ownerOf", [BigInt(t.identifier)])) as string).toLowerCase());
      expect(t.uri).toBe(await read(nftAddress, nft, "tokenURI", [BigInt(t.identifier)]));
    }
  });

  it("tracks the ERC-1155's balances, supplies and URIs, and whether it is paused", async () => {
    const data = await query(`{
      erc1155Contract(id: "${multiAddress}") {
        tokens(orderBy: identifier) { identifier uri totalSupply { valueExact } balances(first: 100) { account { id } valueExact } }
      }
      pausable(id: "${multiAddress}") { isPaused paused(first: 10) { isPaused } }
    }`);
    const tokens = data.erc1155Contract.tokens as { identifier: string; uri: string; totalSupply: { valueExact: string }; balances: { account: { id: Hex } | null; valueExact: string }[] }[];
    expect(tokens.map((t) => t.identifier)).toEqual(["1", "2"]);
    for (const t of tokens) {
      const id = BigInt(t.identifier);
      // The mapping substitutes `{id}` as ERC-1155 clients do: 64 lower-case hex digits.
      expect(t.uri).toBe((await read<string>(multiAddress, multi, "uri", [id])).replace("{id}", id.toString(16).padStart(64, "0")));
      // The preset keeps no supply: every holder's balance, summed, is the supply.
      const holdings = await read<bigint[]>(multiAddress, multi, "balanceOfBatch", [[deployer, alice, bob, carol], [id, id, id, id]]);
      expect(t.totalSupply.valueExact).toBe(String(holdings.reduce((a, b) => a + b, 0n)));
      for (const balance of t.balances.filter((b) => b.account !== null)) {
        expect(balance.valueExact).toBe(String(await read<bigint>(multiAddress, multi, "balanceOf", [balance.account!.id, id])));
      }
    }
    expect(tokens[0]!.balances.filter((b) => b.account).map((b) => b.account!.id).sort()).toEqual([alice, bob, carol].sort());
    expect(data.pausable.isPaused).toBe(await read(multiAddress, multi, "paused"));
    expect(data.pausable.paused.map((p: { isPaused: boolean }) => p.isPaused).sort()).toEqual([false, true, true]);
  });

  it("tracks every role's members as hasRole says", async () => {
    for (const [address, contract] of [[tokenAddress, token], [nftAddress, nft], [multiAddress, multi]] as const) {
      const data = await query(`{
        accessControl(id: "${address}") { roles { role { id } admin { role { id } } members { account { id } } } }
      }`);
      const roles = data.accessControl.roles as { role: { id: Hex }; admin: { role: { id: Hex } }; members: { account: { id: Hex } }[] }[];
      expect(roles.map((r) => r.role.id).sort()).toEqual(Object.values(ROLE).sort());
      for (const role of roles) {
        expect(role.admin.role.id).toBe(await read(address, contract, "getRoleAdmin", [role.role.id]));
        const members = role.members.map((m) => m.account.id).sort();
        const count = await read<bigint>(address, contract, "getRoleMemberCount", [role.role.id]);
        const onChain = await Promise.all(Array.from({ length: Number(count) }, (_, i) => read<Hex>(address, contract, "getRoleMember", [role.role.id, BigInt(i)])));
        expect(members).toEqual(onChain.map((a) => a.toLowerCase()).sort());
      }
    }
  });

  it("serves the Event interface: each contract's events by type, as many as its logs", async () => {
    for (const [address, contract, transfer] of [[tokenAddress, token, "ERC20Transfer"], [nftAddress, nft, "ERC721Transfer"]] as const) {
      const data = await query(`{
        account(id: "${address}") { events(first: 1000) { __typename transaction { blockNumber } ... on RoleGranted { account { id } } } }
      }`);
      const indexed: Record<string, number> = {};
      for (const event of data.account.events) indexed[event.__typename] = (indexed[event.__typename] ?? 0) + 1;
      const logs = await chain.wallet.getLogs({ address, fromBlock: 0n });
      const expected: Record<string, number> = {};
      for (const log of logs) {
        const { eventName } = decodeEventLog({ abi: contract.abi, data: log.data, topics: log.topics });
        const type: string = eventName === "Transfer" ? transfer : String(eventName);
        if (["Approval", "ApprovalForAll"].includes(type)) continue; // kept as state, not as events
        expected[type] = (expected[type] ?? 0) + 1;
      }
      expect(indexed).toEqual(expected);
      const granted = data.account.events.filter((e: { __typename: string }) => e.__typename === "RoleGranted").map((e: { account: { id: string } }) => e.account.id);
      expect(granted).toContain(deployer);
      // The root collection of an interface, filtered on the interface's fields.
      const root = await query(`{ events(first: 1000, where: { emitter: "${address}" }) { __typename } }`);
      expect(root.events.length).toBe(Object.values(expected).reduce((a, b) => a + b, 0));
    }
  });
});
