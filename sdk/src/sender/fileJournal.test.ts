import { type ChildProcess, spawn } from "node:child_process";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { CreateDcrmClientReturnType } from "../client/createDcrmClient.js";
import { read } from "../internal/transact.js";
import { dcrmAs, publicClientOf, snapshot, testAccount } from "../testing/clients.js";
import { unsettledOrders } from "./checkoutJournal.js";
import { createCheckoutSender } from "./createCheckoutSender.js";
import { fileJournal } from "./fileJournal.js";

const here = dirname(fileURLToPath(import.meta.url));
const rpc = (method: string, params: unknown[] = []) => publicClientOf().request({ method: method as never, params: params as never });

describe("fileJournal", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "dcrm-journal-"));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it("reads back what was appended, bigints included, and ignores a line torn by a crash", async () => {
    const path = join(folder, "nested", "journal.jsonl");
    const journal = fileJournal(path);
    const order = { storefront: testAccount(1).address, orderId: 2n ** 70n, shopper: testAccount(2).address, points: 5n, referral: undefined };
    await Promise.all([journal.append([{ kind: "accepted", order }]), journal.append([{ kind: "accepted", order: { ...order, orderId: 1n } }])]);
    await journal.append([{ kind: "settled", storefront: order.storefront, orderId: 1n, outcome: "confirmed" }]);
    await journal.close();
    await appendFile(path, '{"kind":"accepted","order":{"storef');
    const entries = await fileJournal(path).read();
    expect(entries).toHaveLength(3);
    expect(unsettledOrders(entries)).toEqual([{ storefront: order.storefront, orderId: 2n ** 70n, shopper: order.shopper, points: 5n }]);
    expect(await fileJournal(join(folder, "missing.jsonl")).read()).toEqual([]);
  });
});

describe("fileJournal compaction", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "dcrm-journal-compact-"));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));
  const storefront = testAccount(1).address;
  const accepted = (orderId: bigint) => ({ kind: "accepted" as const, order: { storefront, orderId, shopper: testAccount(2).address, points: orderId, referral: undefined } });
  const settled = (orderId: bigint) => ({ kind: "settled" as const, storefront, orderId, outcome: "confirmed" as const });
  const lineCount = async (path: string) => (await readFile(path, "utf8")).split("\n").filter((line) => line !== "").length;

  it("keeps only the open orders once settled ones dominate, so the file does not grow with every order", async () => {
    const path = join(folder, "journal.jsonl");
    const journal = fileJournal(path, { compactAfterLines: 100 });
    for (let round = 0n; round < 20n; round++) {
      const ids = Array.from({ length: 50 }, (_, i) => round * 1_000n + BigInt(i));
      await journal.append(ids.map(accepted));
      // All but the first order of each round settle.
      await journal.append(ids.slice(1).map(settled));
    }
    await journal.close();
    // 2,000 lines were appended; at most the open orders and what came after the last compaction remain.
    expect(await lineCount(path)).toBeLessThan(200);
    const open = unsettledOrders(await fileJournal(path).read());
    expect(open.map((order) => order.orderId)).toEqual(Array.from({ length: 20 }, (_, round) => BigInt(round) * 1_000n));
    expect(open[3]).toEqual({ storefront, orderId: 3_000n, shopper: testAccount(2).address, points: 3_000n });
  });

  it("learns the open orders of an existing file before compacting it, and never reads a leftover .compact file", async () => {
    const path = join(folder, "reopened.jsonl");
    const first = fileJournal(path);
    await first.append([accepted(1n), accepted(2n), settled(1n)]);
    await first.close();
    // A compaction that crashed before its rename leaves this behind.
    await writeFile(`${path}.compact`, `${JSON.stringify({ kind: "settled", storefront, orderId: "2n", outcome: "confirmed" })}\n`);
    const second = fileJournal(path, { compactAfterLines: 8 });
    await second.append([accepted(3n), accepted(4n), settled(3n), settled(4n), accepted(5n), settled(5n)]);
    await second.close();
    expect(await lineCount(path)).toBe(1);
    expect(unsettledOrders(await fileJournal(path).read()).map((order) => order.orderId)).toEqual([2n]);
  });
});

describe("a checkout sender killed mid-batch (kill -9) and restarted", () => {
  let store: CreateDcrmClientReturnType;
  let revert: () => Promise<void>;
  let folder: string;
  let child: ChildProcess | undefined;
  const shopper = testAccount(7).address;

  beforeAll(async () => {
    revert = await snapshot(publicClientOf());
    store = await dcrmAs(1);
    folder = await mkdtemp(join(tmpdir(), "dcrm-crash-"));
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    await rpc("evm_setAutomine", [true]);
    await revert();
    await rm(folder, { recursive: true, force: true });
  });

  it("sends again every accepted order the chain lacks, none twice, none lost", async () => {
    const deployment = join(folder, "deployment.json");
    const journalPath = join(folder, "checkout.jsonl");
    await writeFile(deployment, JSON.stringify(inject("deployment")));
    // tsx as a loader of this very process (its CLI would run the script in a grandchild that kill -9 misses).
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const count = 50;
    const first = 40_000n;
    const balanceBefore = await read(store, "RewardToken", "balanceOf", [shopper]);

    // Blocks are mined only when the test says so: the child's first batch stays in flight when it is killed.
    await rpc("evm_setAutomine", [false]);
    expect(await rpc("anvil_getAutomine")).toBe(false);
    const blockAtStart = await publicClientOf().getBlockNumber({ cacheTime: 0 });
    child = spawn(process.execPath, ["--import", tsx, join(here, "..", "testing", "acceptUntilKilled.ts")], {
      env: { ...process.env, RPC_URL: inject("rpcUrl"), DEPLOYMENT: deployment, JOURNAL: journalPath, FIRST_ORDER: String(first), COUNT: String(count), SHOPPER: shopper },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const deadline = Date.now() + 60_000;
    while (!(output.split("\n").filter((line) => line.startsWith("accepted ")).length === count && output.includes('"batch.sent"'))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the child did not accept and send in time:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect({ automine: await rpc("anvil_getAutomine"), blocks: (await publicClientOf().getBlockNumber({ cacheTime: 0 })) - blockAtStart }).toEqual({ automine: false, blocks: 0n });
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    const accepted = output.split("\n").filter((line) => line.startsWith("accepted ")).map((line) => BigInt(line.slice(9)));
    expect(accepted).toHaveLength(count);

    // The batch in flight lands after the crash; the journal never heard of it.
    await rpc("evm_mine");
    await rpc("evm_setAutomine", [true]);
    const onChainBefore = await Promise.all(accepted.map((orderId) => read(store, "RewardToken", "isOrderRewarded", [store.account!, orderId])));
    const landedInFlight = onChainBefore.filter(Boolean).length;
    expect(landedInFlight).toBeGreaterThan(0);
    expect(landedInFlight).toBeLessThan(count);
    const journalEntries = await fileJournal(journalPath).read();
    expect(journalEntries.filter((entry) => entry.kind === "settled"), output).toEqual([]);
    expect(unsettledOrders(journalEntries)).toHaveLength(count);

    const restarted = await createCheckoutSender(store, { journal: journalPath, maxWaitMs: 5 });
    expect(restarted.status().recovered).toBe(count - landedInFlight);
    await restarted.drain();
    await restarted.close();

    for (const orderId of accepted) expect(await read(store, "RewardToken", "isOrderRewarded", [store.account!, orderId])).toBe(true);
    const issued = accepted.reduce((sum, orderId) => sum + orderId, 0n);
    expect(await read(store, "RewardToken", "balanceOf", [shopper])).toBe(balanceBefore + issued);
    expect(unsettledOrders(await fileJournal(journalPath).read())).toEqual([]);
    expect(restarted.status()).toMatchObject({ confirmed: count - landedInFlight, failed: {} });
  });
});
