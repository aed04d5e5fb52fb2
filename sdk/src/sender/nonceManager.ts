import type { Address, PublicClient } from "viem";

/** Hands out an account's nonces one after another, without asking the node for each. */
export interface NonceManager {
  /** The next unused nonce of the account. */
  next(): Promise<number>;
  /** Forgets what was handed out: the next `next` reads the node's pending count again. */
  resync(): void;
}

/** One manager per (chain, account) in the process, whichever sender asks: two senders never get one nonce. */
const managers = new Map<string, NonceManager>();

/**
 * The process-wide nonce manager of `address` on the client's chain. The first `next` reads the account's
 * pending transaction count; later ones count up locally, so concurrent senders of one process never send
 * two transactions with one nonce. A sender holds each nonce it takes until a transaction with it is sent,
 * so no gap is left behind.
 *
 * @example
 * const nonces = await nonceManagerOf(publicClient, account.address);
 * const nonce = await nonces.next();
 */
export async function nonceManagerOf(publicClient: PublicClient, address: Address): Promise<NonceManager> {
  const key = `${await publicClient.getChainId()}:${address.toLowerCase()}`;
  let manager = managers.get(key);
  if (!manager) {
    manager = createNonceManager(() => publicClient.getTransactionCount({ address, blockTag: "pending" }));
    managers.set(key, manager);
  }
  return manager;
}

function createNonceManager(pendingCount: () => Promise<number>): NonceManager {
  // The nonce after the last one handed out; undefined: read the node's pending count.
  let after: Promise<number | undefined> = Promise.resolve(undefined);
  return {
    next() {
      const taken = after.then(async (known) => known ?? (await pendingCount()));
      // A failed read hands nothing out: the next call reads again.
      after = taken.then((nonce) => nonce + 1, () => undefined);
      return taken;
    },
    resync() {
      after = Promise.resolve(undefined);
    },
  };
}
