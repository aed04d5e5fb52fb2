import type { Address, Hash } from "viem";

import type { CheckoutOrder } from "./checkoutRequest.js";

/** An accepted order, written before its caller hears "accepted". */
export interface AcceptedEntry {
  kind: "accepted";
  order: CheckoutOrder;
}

/** How an accepted order ended. */
export interface SettledEntry {
  kind: "settled";
  storefront: Address;
  orderId: bigint;
  outcome: "confirmed" | "replayed" | "failed";
  /** The transaction that issued it (confirmed). */
  transaction?: Hash;
  /** The error's name (failed). */
  reason?: string;
}

export type JournalEntry = AcceptedEntry | SettledEntry;

/**
 * Where a checkout sender keeps what it accepted, so that a restart sends again what a crash left unsent.
 * `append` resolves once the entries are durable (they survive the process being killed); `read` returns every
 * entry appended before, in order. The file journal (`fileJournal`) is the default; a database or a queue
 * service can stand in for it through this interface.
 */
export interface CheckoutJournal {
  append(entries: readonly JournalEntry[]): Promise<void>;
  read(): Promise<JournalEntry[]>;
  close(): Promise<void>;
}

/**
 * A journal in memory: nothing survives the process. For tests, and for senders whose caller keeps its own
 * durable record of orders.
 *
 * @example
 * const sender = await createCheckoutSender(dcrm, { journal: memoryJournal() });
 */
export function memoryJournal(): CheckoutJournal {
  const entries: JournalEntry[] = [];
  return {
    append: async (added) => void entries.push(...added),
    read: async () => [...entries],
    close: async () => {},
  };
}

/** The orders accepted and never settled, in the order they were accepted (the last entry of an order wins). */
export function unsettledOrders(entries: readonly JournalEntry[]): CheckoutOrder[] {
  const open = new Map<string, CheckoutOrder>();
  for (const entry of entries) {
    if (entry.kind === "accepted") open.set(orderKey(entry.order.storefront, entry.order.orderId), entry.order);
    else open.delete(orderKey(entry.storefront, entry.orderId));
  }
  return [...open.values()];
}

/** One key per (storefront, order number). */
export const orderKey = (storefront: Address, orderId: bigint): string => `${storefront.toLowerCase()}:${orderId}`;
