/**
 * `npm run bench:checkout`: 5,000 checkouts through the SDK's checkout sender, then 5,000 as one transaction per
 * order, against one anvil node in one run, and writes `reports/checkout.json` (each figure beside its target).
 *
 * The node: anvil with the system deployed by `deploy/`; by default every transaction is mined as it arrives
 * (automine) under a 30,000,000 block gas limit. DCRM_BENCH_BLOCK_TIME=<seconds> mines on an interval instead,
 * DCRM_BENCH_GAS_LIMIT sets the block gas limit, DCRM_BENCH_CHECKOUTS the number of checkouts per side.
 * Every checkout rewards a shopper that holds no points yet (the costlier case, as in `reward.*.perNewHolder`).
 *
 * Batched: all checkouts are submitted at once (a burst, as on Black Friday); latency is submit → effects (the
 * order mined). Single: one `issue` transaction per order, signed locally with locally counted nonces,
 * `SINGLE_IN_FLIGHT` transactions in flight. (Sending them all without waiting does not finish on anvil's
 * automine: it leaves a burst of ready transactions in the pool unmined.)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { type Address, createPublicClient, createWalletClient, encodeFunctionData, getAddress, type Hash, http, keccak256, slice, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(root, "sdk", "src", "generated", "contracts.ts"))) {
  console.log("bench:checkout: generating the SDK's ABIs first (npm run sdk:generate)…");
  const generated = spawnSync(process.execPath, [join(root, "sdk", "scripts", "generate.mjs")], { cwd: root, stdio: "inherit" });
  if (generated.status !== 0) process.exit(generated.status ?? 1);
}
const { createCheckoutSender, createDcrmClient, fileJournal, rewardTokenAbi } = await import("../sdk/src/index.js");
const { startLocalChain } = await import("../sdk/src/testing/localChain.js");

const CHECKOUTS = Number(process.env.DCRM_BENCH_CHECKOUTS ?? 5_000);
const BLOCK_TIME = process.env.DCRM_BENCH_BLOCK_TIME ? Number(process.env.DCRM_BENCH_BLOCK_TIME) : undefined;
const GAS_LIMIT = Number(process.env.DCRM_BENCH_GAS_LIMIT ?? 30_000_000);
const MAX_BATCH = 500;
const SINGLE_IN_FLIGHT = 64;
const POINTS = 10n ** 18n;

const anvilArgs = ["--gas-limit", String(GAS_LIMIT), ...(BLOCK_TIME === undefined ? [] : ["--block-time", String(BLOCK_TIME)])];
console.log(`bench:checkout: anvil ${BLOCK_TIME === undefined ? "automine" : `block time ${BLOCK_TIME} s`}, block gas limit ${GAS_LIMIT}; deploying…`);
const chain = await startLocalChain({ anvilArgs });
const journalDir = await mkdtemp(join(tmpdir(), "dcrm-bench-checkout-"));
try {
  const transport = http(chain.url);
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 20 });
  const account = mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: 1 });
  const walletClient = createWalletClient({ account, chain: foundry, transport });
  const dcrm = await createDcrmClient({ publicClient, walletClient, deployment: chain.deployment });
  /** A shopper that holds nothing yet, one per order. */
  const shopperOf = (i: number): Address => getAddress(slice(keccak256(toHex(`dcrm-bench-shopper-${i}`)), 12));
  const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

  // Batched: every checkout submitted at once through the sender.
  console.log(`bench:checkout: ${CHECKOUTS} checkouts through the sender (maxBatch ${MAX_BATCH})…`);
  const sender = await createCheckoutSender(dcrm, { journal: fileJournal(join(journalDir, "checkout.jsonl")), maxBatch: MAX_BATCH, maxWaitMs: 20, maxInFlight: 2, pollingIntervalMs: 10 });
  const latencies: number[] = [];
  const batchedStart = performance.now();
  await Promise.all(
    Array.from({ length: CHECKOUTS }, async (_, i) => {
      const submitted = performance.now();
      await sender.submit({ orderId: BigInt(1 + i), shopper: shopperOf(i), points: POINTS });
      latencies.push(performance.now() - submitted);
    }),
  );
  const batchedSeconds = (performance.now() - batchedStart) / 1_000;
  const senderStatus = sender.status();
  await sender.close();
  latencies.sort((a, b) => a - b);

  // Single: one issue transaction per order.
  console.log(`bench:checkout: ${CHECKOUTS} single-order transactions (${SINGLE_IN_FLIGHT} in flight)…`);
  const rewardToken = dcrm.deployment.contracts.RewardToken.address;
  const fees = await publicClient.estimateFeesPerGas();
  let nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: "pending" });
  const singleStart = performance.now();
  // SINGLE_IN_FLIGHT senders, each signing its next order and waiting for that transaction's receipt.
  let next = 0;
  let singleGas = 0n;
  await Promise.all(
    Array.from({ length: SINGLE_IN_FLIGHT }, async () => {
      while (next < CHECKOUTS) {
        const i = next++;
        const data = encodeFunctionData({ abi: rewardTokenAbi, functionName: "issue", args: [shopperOf(CHECKOUTS + i), BigInt(1_000_000 + i), POINTS] });
        const serializedTransaction = await account.signTransaction({ chainId: foundry.id, type: "eip1559", to: rewardToken, data, gas: 150_000n, nonce: nonce++, maxFeePerGas: fees.maxFeePerGas * 2n, maxPriorityFeePerGas: fees.maxPriorityFeePerGas });
        const hash: Hash = await publicClient.sendRawTransaction({ serializedTransaction });
        const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10, timeout: 600_000 });
        if (receipt.status !== "success") throw new Error(`single issue ${i} reverted`);
        singleGas += receipt.gasUsed;
      }
    }),
  );
  const singleSeconds = (performance.now() - singleStart) / 1_000;

  const gasReport = JSON.parse(await readFile(join(root, "reports", "gas.json"), "utf8")) as Record<string, number>;
  const batchRow = gasReport["reward.issueBatch100.perNewHolder"]!;
  const singleRow = gasReport["reward.issue.newHolder"]!;
  const batchedPerSecond = Math.round(CHECKOUTS / batchedSeconds);
  const singlePerSecond = Math.round(CHECKOUTS / singleSeconds);
  const gasPerCheckoutBatched = senderStatus.gasPerOrder!.average;
  const gasPerCheckoutSingle = Math.round(Number(singleGas) / CHECKOUTS);
  const report = {
    node: { client: "anvil (npm @foundry-rs/anvil)", mining: BLOCK_TIME === undefined ? "automine (a block per transaction)" : `every ${BLOCK_TIME} s`, blockGasLimit: GAS_LIMIT },
    checkouts: CHECKOUTS,
    batched: { maxBatch: MAX_BATCH, maxWaitMs: 20, maxInFlight: 2, journal: "file, fdatasync per write", arrival: "all at once", batches: senderStatus.batches, seconds: Number(batchedSeconds.toFixed(2)) },
    single: { transactionsInFlight: SINGLE_IN_FLIGHT, function: "issue", seconds: Number(singleSeconds.toFixed(2)) },
    batchedPerSecond: { value: batchedPerSecond, target: Math.max(1_000, 10 * singlePerSecond), met: batchedPerSecond >= 1_000 && batchedPerSecond >= 10 * singlePerSecond, rule: "≥ 1,000/s and ≥ 10 × singlePerSecond" },
    singlePerSecond: { value: singlePerSecond, target: null, rule: "the baseline" },
    speedup: Number((batchedPerSecond / singlePerSecond).toFixed(1)),
    gasPerCheckoutBatched: { value: gasPerCheckoutBatched, target: Math.floor(batchRow * 1.05), met: gasPerCheckoutBatched <= batchRow * 1.05, rule: `within 5% of reward.issueBatch100.perNewHolder (${batchRow})` },
    gasPerCheckoutSingle: { value: gasPerCheckoutSingle, target: Math.floor(singleRow * 1.05), met: gasPerCheckoutSingle <= singleRow * 1.05, rule: `within 5% of reward.issue.newHolder (${singleRow})` },
    p50LatencyMs: { value: Math.round(percentile(latencies, 50)), target: null, rule: "submit → mined, in a burst of every checkout at once" },
    p99LatencyMs: { value: Math.round(percentile(latencies, 99)), target: null, rule: "submit → mined, in a burst of every checkout at once" },
  };
  console.table(
    Object.fromEntries(
      ["batchedPerSecond", "singlePerSecond", "gasPerCheckoutBatched", "gasPerCheckoutSingle", "p50LatencyMs", "p99LatencyMs"].map((key) => {
        const row = report[key as keyof typeof report] as { value: number; target: number | null; met?: boolean; rule: string };
        return [key, { value: row.value, target: row.target ?? "", met: row.met === undefined ? "" : row.met ? "yes" : "NO", rule: row.rule }];
      }),
    ),
  );
  await mkdir(join(root, "reports"), { recursive: true });
  await writeFile(join(root, "reports", "checkout.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`bench:checkout: wrote reports/checkout.json (batched ${batchedPerSecond}/s, single ${singlePerSecond}/s, ${report.speedup}×)`);
} finally {
  await chain.stop();
  await rm(journalDir, { recursive: true, force: true });
}
