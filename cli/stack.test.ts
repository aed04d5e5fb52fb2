/**
 * `dcrm start` end to end, as the README says: the stack in a child process, a checkout through the SDK seen
 * in GraphQL within a bounded wait; Ctrl-C (SIGINT) and a start again: the chain and the index are still
 * there and nothing is deployed twice; kill -9 of the supervisor, then of the node, and a start again: the
 * index serves only blocks the chain has, and every checkout the chain kept.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { createPublicClient, createWalletClient, http, type Address } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDcrmClient, rewardTokenAbi } from "../sdk/src/index.ts";
import { readProcesses } from "./processes.ts";
import { graphql, jsonRpc } from "./rpc.ts";
import { portOpen, runDcrm, stackDirs, type RunningCommand, type StackDirs } from "./testing/stack.ts";

const STOREFRONT = mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: 1 });
const READY = "start: ready";

let dirs: StackDirs;
let stack: RunningCommand | undefined;
const rpc = () => `http://127.0.0.1:${dirs.rpcPort}`;
const endpoint = () => `http://127.0.0.1:${dirs.graphqlPort}/subgraphs/name/dcrm`;
/** Shoppers checked out so far, with their points. */
const checkedOut = new Map<Address, bigint>();
let nextOrder = 1n;

async function start(): Promise<RunningCommand> {
  stack = runDcrm(dirs, ["start", "--no-seed"]);
  await stack.waitForOutput(READY, 280_000);
  return stack;
}

/** A checkout through the SDK, as a storefront's server sends it. */
async function checkout(): Promise<Address> {
  const deployment = JSON.parse(readFileSync(join(dirs.deploymentsDir, "localhost.json"), "utf8"));
  const transport = http(rpc());
  const dcrm = await createDcrmClient({
    publicClient: createPublicClient({ chain: foundry, transport }),
    walletClient: createWalletClient({ chain: foundry, transport, account: STOREFRONT }),
    deployment,
  });
  const shopper = privateKeyToAccount(`0x${(0xc0ffeen + nextOrder).toString(16).padStart(64, "0")}`).address;
  const points = nextOrder * 10n ** 18n;
  const effects = await dcrm.checkout({ orderId: nextOrder++, shopper, points });
  expect(effects.status).toBe("issued");
  checkedOut.set(shopper, points);
  return shopper;
}

type Meta = { _meta: { hasIndexingErrors: boolean; block: { number: number; hash: string } } };

/** The shopper's balance in GraphQL once it shows, waiting at most `timeoutMs`. */
async function indexedBalance(shopper: Address, timeoutMs = 30_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await graphql<{ shopper: { balance: string } | null }>(endpoint(), `{ shopper(id: "${shopper.toLowerCase()}") { balance } }`).catch(() => undefined);
    if (answer?.data?.shopper) return answer.data.shopper.balance;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function chainBalance(shopper: Address): Promise<bigint> {
  const deployment = JSON.parse(readFileSync(join(dirs.deploymentsDir, "localhost.json"), "utf8"));
  const client = createPublicClient({ chain: foundry, transport: http(rpc()) });
  return client.readContract({ address: deployment.contracts.RewardToken.proxy, abi: rewardTokenAbi, functionName: "balanceOf", args: [shopper] });
}

/** The index serves no block the chain lacks: its head is a block of the chain, hash for hash. */
async function expectIndexOnChain(): Promise<void> {
  const meta = (await graphql<Meta>(endpoint(), "{ _meta { hasIndexingErrors block { number hash } } }")).data!._meta;
  expect(meta.hasIndexingErrors).toBe(false);
  const block = await jsonRpc<{ hash: string } | null>(rpc(), "eth_getBlockByNumber", [`0x${meta.block.number.toString(16)}`, false]);
  expect(block?.hash).toBe(meta.block.hash);
}

/** Every shopper the chain holds points for shows in GraphQL with that balance; none the chain lacks. */
async function expectIndexMatchesChain(): Promise<void> {
  for (const shopper of checkedOut.keys()) {
    const onChain = await chainBalance(shopper);
    const indexed = await indexedBalance(shopper, onChain > 0n ? 30_000 : 0);
    expect(indexed ?? "0", `shopper ${shopper}`).toBe(String(onChain));
  }
  await expectIndexOnChain();
}

async function stop(signal: NodeJS.Signals): Promise<{ code: number | null }> {
  stack!.child.kill(signal);
  return stack!.exited;
}

beforeAll(async () => {
  dirs = await stackDirs();
});

afterAll(async () => {
  if (stack && stack.child.exitCode === null && stack.child.signalCode === null) await stop("SIGINT");
  const leftovers = dirs ? readProcesses(dirs.dataDir) : undefined;
  for (const pid of [leftovers?.node, leftovers?.indexer]) if (pid) try { process.kill(pid, "SIGKILL"); } catch {}
  await dirs?.remove();
}, 60_000);

describe("dcrm start", () => {
  it("deploys, indexes, and a checkout through the SDK shows in GraphQL", async () => {
    await start();
    expect(stack!.output()).toContain("deploying the contracts");
    const record = JSON.parse(readFileSync(join(dirs.deploymentsDir, "localhost.json"), "utf8")) as {
      chainId: number;
      contracts: Record<string, { proxy: string; implementation: string }>;
    };
    expect(record.chainId).toBe(31337);
    expect(Object.keys(record.contracts).sort()).toEqual(["ConsentRegistry", "DataAccessPayments", "ReferralEscrow", "RewardToken"]);
    for (const contract of Object.values(record.contracts)) {
      expect(await jsonRpc(rpc(), "eth_getCode", [contract.proxy, "latest"])).not.toBe("0x");
      expect(await jsonRpc(rpc(), "eth_getCode", [contract.implementation, "latest"])).not.toBe("0x");
    }
    const shopper = await checkout();
    expect(await indexedBalance(shopper)).toBe(String(10n ** 18n));
    await expectIndexOnChain();
  }, 400_000);

  it("stops cleanly on SIGINT (exit 0, ports closed) and resumes with the chain and the index, deploying nothing", async () => {
    expect((await stop("SIGINT")).code).toBe(0);
    expect(await portOpen(dirs.rpcPort)).toBe(false);
    expect(await portOpen(dirs.graphqlPort)).toBe(false);
    await start();
    expect(stack!.output()).toContain("the deployment is still on the chain; not deploying");
    await expectIndexMatchesChain();
    const shopper = await checkout();
    expect(await indexedBalance(shopper)).toBe(String(checkedOut.get(shopper)));
  }, 400_000);

  it("after kill -9 of the supervisor, the next start stops what it left and resumes", async () => {
    const shopper = await checkout();
    expect(await indexedBalance(shopper)).toBe(String(checkedOut.get(shopper)));
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // past one state dump of the node
    expect((await stop("SIGKILL")).code).toBe(null);
    await start();
    await expectIndexMatchesChain();
    expect(await indexedBalance(shopper)).toBe(String(checkedOut.get(shopper)));
  }, 400_000);

  it("after kill -9 of the node, the stack stops (exit 1) and the next start serves only what the chain kept", async () => {
    await checkout();
    const { node } = readProcesses(dirs.dataDir)!;
    process.kill(node!, "SIGKILL");
    expect((await stack!.exited).code).toBe(1);
    expect(stack!.output()).toContain("the node stopped");
    await start();
    await expectIndexMatchesChain();
    // The stack goes on from there.
    const shopper = await checkout();
    expect(await indexedBalance(shopper)).toBe(String(checkedOut.get(shopper)));
  }, 400_000);
});
