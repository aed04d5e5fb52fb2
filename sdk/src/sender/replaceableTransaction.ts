import { type Address, BaseError, type Hash, type Hex, keccak256, type PublicClient, type TransactionReceipt, TransactionReceiptNotFoundError } from "viem";

import type { DcrmWalletClient } from "../client/createDcrmClient.js";
import { DcrmError } from "../errors/dcrmError.js";

/** The two fee fields of an EIP-1559 transaction. */
export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** The smallest fee bump nodes accept for a replacement (geth's default `--txpool.pricebump`). */
export const MIN_FEE_BUMP_PERCENT = 10;

/** A transaction with the nonce was mined, and it is none of the ones this sender signed. */
export class NonceTakenError extends DcrmError {
  override name = "NonceTakenError";
  readonly account: Address;
  readonly nonce: number;
  readonly hashes: readonly Hash[];

  constructor(account: Address, nonce: number, hashes: readonly Hash[]) {
    super(`Nonce ${nonce} of ${account} was used by a transaction this sender did not sign (it signed ${hashes.join(", ") || "none"}).`);
    this.account = account;
    this.nonce = nonce;
    this.hashes = hashes;
  }
}

export interface SendReplaceableParameters {
  publicClient: PublicClient;
  wallet: DcrmWalletClient;
  chainId: number;
  to: Address;
  data: Hex;
  gas: bigint;
  nonce: number;
  /** Sign again with raised fees when no transaction of the nonce is mined this long after the last one was sent. */
  replaceAfterMs: number;
  /** How much each replacement raises both fee fields, in percent (at least {@link MIN_FEE_BUMP_PERCENT}). */
  feeBumpPercent: number;
  pollingIntervalMs: number;
  /** The first transaction's fees; the node's estimate when not given. */
  fees?: Fees;
  /** Told of every transaction signed for the nonce (the first, then each replacement). */
  onSent?: (sent: { hash: Hash; fees: Fees; replacement: boolean }) => void;
}

/** What landed: its receipt, and every hash signed for the nonce (any of which could have been mined). */
export interface ReplaceableTransactionResult {
  receipt: TransactionReceipt;
  hashes: Hash[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `fee` raised by `percent`, rounded up. */
export const bumped = (fee: bigint, percent: number): bigint => (fee * BigInt(100 + percent) + 99n) / 100n;

/**
 * Sends a transaction with a fixed nonce and sees it mined: when none of the transactions signed for the nonce is
 * mined within `replaceAfterMs` (dropped from the pool, or priced under the market), it signs the same call again
 * with both `maxFeePerGas` and `maxPriorityFeePerGas` raised by `feeBumpPercent` (and at least to the node's
 * current estimate). Every hash is kept and watched, since any of them can land; the one mined is the result.
 *
 * @example
 * const { receipt, hashes } = await sendReplaceable({ publicClient, wallet, chainId, to, data, gas, nonce, replaceAfterMs: 30_000, feeBumpPercent: 12, pollingIntervalMs: 500 });
 */
export async function sendReplaceable(parameters: SendReplaceableParameters): Promise<ReplaceableTransactionResult> {
  const { publicClient, wallet, nonce, replaceAfterMs, feeBumpPercent, pollingIntervalMs } = parameters;
  const hashes: Hash[] = [];
  let fees = parameters.fees ?? (await currentFees(publicClient));
  let sentAt = 0;
  let nonceUsed = false;

  const send = async (replacement: boolean): Promise<void> => {
    for (;;) {
      try {
        const hash = await signAndSend(parameters, fees);
        if (!hashes.includes(hash)) hashes.push(hash);
        sentAt = Date.now();
        parameters.onSent?.({ hash, fees, replacement });
        return;
      } catch (error) {
        const message = error instanceof BaseError ? error.details + error.shortMessage : String(error);
        if (/nonce too low|nonce has already been used|already mined/i.test(message)) {
          // A transaction of the nonce was mined: ours (found by the receipts below) or someone else's.
          nonceUsed = true;
          return;
        }
        if (/underpriced|fee too low|replacement/i.test(message)) {
          fees = await raised(publicClient, fees, feeBumpPercent);
          continue;
        }
        throw error;
      }
    }
  };

  await send(false);
  // Taken before this sender signed anything (another program sent from the key): no receipt of ours to wait for.
  if (nonceUsed && hashes.length === 0) throw new NonceTakenError(wallet.account.address, nonce, hashes);
  for (let checksAfterNonceUsed = 0; ; ) {
    for (const hash of hashes) {
      const receipt = await receiptOf(publicClient, hash);
      if (receipt) return { receipt, hashes };
    }
    if (nonceUsed && ++checksAfterNonceUsed > 3) throw new NonceTakenError(wallet.account.address, nonce, hashes);
    if (!nonceUsed && Date.now() - sentAt >= replaceAfterMs) {
      fees = await raised(publicClient, fees, feeBumpPercent);
      await send(true);
      continue;
    }
    await sleep(pollingIntervalMs);
  }
}

async function currentFees(publicClient: PublicClient): Promise<Fees> {
  const { maxFeePerGas, maxPriorityFeePerGas } = await publicClient.estimateFeesPerGas();
  return { maxFeePerGas, maxPriorityFeePerGas };
}

/** Both fields raised by `percent`, and at least to the node's estimate; the fee cap never under the tip. */
async function raised(publicClient: PublicClient, fees: Fees, percent: number): Promise<Fees> {
  const now = await currentFees(publicClient);
  const maxPriorityFeePerGas = max(bumped(fees.maxPriorityFeePerGas, percent), now.maxPriorityFeePerGas);
  const maxFeePerGas = max(max(bumped(fees.maxFeePerGas, percent), now.maxFeePerGas), maxPriorityFeePerGas);
  return { maxFeePerGas, maxPriorityFeePerGas };
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

async function receiptOf(publicClient: PublicClient, hash: Hash): Promise<TransactionReceipt | undefined> {
  try {
    return await publicClient.getTransactionReceipt({ hash });
  } catch (error) {
    if (error instanceof TransactionReceiptNotFoundError) return undefined;
    throw error;
  }
}

/** Signs locally when the account can (its hash known before the node answers), else through the wallet. */
async function signAndSend(parameters: SendReplaceableParameters, fees: Fees): Promise<Hash> {
  const { publicClient, wallet, chainId, to, data, gas, nonce } = parameters;
  const request = { to, data, gas, nonce, ...fees, value: 0n };
  const account = wallet.account;
  if (account.signTransaction) {
    const serializedTransaction = await account.signTransaction({ ...request, chainId, type: "eip1559" });
    const hash = keccak256(serializedTransaction);
    try {
      await publicClient.sendRawTransaction({ serializedTransaction });
    } catch (error) {
      const message = error instanceof BaseError ? error.details + error.shortMessage : String(error);
      if (!/already known|known transaction|already imported/i.test(message)) throw error;
    }
    return hash;
  }
  return wallet.sendTransaction({ ...request, account, chain: wallet.chain ?? null });
}
