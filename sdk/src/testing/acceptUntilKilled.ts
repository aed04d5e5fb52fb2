/**
 * Test fixture: a storefront process that accepts checkouts through a checkout sender with a file journal and
 * prints one line per event (`accepted <orderId>`, and the sender's logs as JSON), until it is killed.
 * Environment: RPC_URL, DEPLOYMENT (a deployments/<network>.json path), JOURNAL, FIRST_ORDER, COUNT, SHOPPER.
 */
import { readFile } from "node:fs/promises";

import { createPublicClient, createWalletClient, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";

import { createDcrmClient } from "../client/createDcrmClient.js";
import { createCheckoutSender } from "../sender/createCheckoutSender.js";
import { fileJournal } from "../sender/fileJournal.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const transport = http(env("RPC_URL"));
const account = mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: 1 });
const dcrm = await createDcrmClient({
  publicClient: createPublicClient({ chain: foundry, transport, pollingInterval: 50 }),
  walletClient: createWalletClient({ account, chain: foundry, transport }),
  deployment: JSON.parse(await readFile(env("DEPLOYMENT"), "utf8")),
});
const sender = await createCheckoutSender(dcrm, {
  journal: fileJournal(env("JOURNAL")),
  maxBatch: 10,
  maxWaitMs: 5,
  pollingIntervalMs: 50,
  onLog: (log) => process.stdout.write(`${JSON.stringify(log, (_key, value) => (typeof value === "bigint" ? value.toString() : value))}\n`),
});
const first = BigInt(env("FIRST_ORDER"));
const shopper = env("SHOPPER") as `0x${string}`;
await Promise.all(
  Array.from({ length: Number(env("COUNT")) }, async (_, i) => {
    const orderId = first + BigInt(i);
    await sender.accept({ orderId, shopper, points: orderId });
    process.stdout.write(`accepted ${orderId}\n`);
  }),
);
// Waits to be killed.
setInterval(() => {}, 1_000);
