/**
 * The demo history: `dcrm start` on a new chain writes it through the SDK into the past, ending at the wall
 * clock, and the indexer serves it; the same seed writes the same entities (two stacks from nothing, compared
 * entity by entity, times and transaction hashes aside, since the history ends at a different now).
 */
import { afterAll, describe, expect, it } from "vitest";

import { readProcesses } from "./processes.ts";
import { graphql, jsonRpc } from "./rpc.ts";
import { runDcrm, stackDirs, type StackDirs } from "./testing/stack.ts";

const DAYS = 2;
const made: StackDirs[] = [];

const ENTITIES = `{
  storefronts(orderBy: id) { id returnWindow clawbackAllowed issued pending voided clawedBack redeemed issuanceCount redemptionCount budgets { token referredRevenue } }
  shoppers(first: 1000, orderBy: id) { id balance earned pending redeemed clawedBack dataEarnings dataAccessCount activeConsents }
  partners(orderBy: id) { id }
  consentScopes(orderBy: id) { id grants revocations activeConsents }
  budgets(orderBy: id) { id token funded }
  referrals(first: 1000, orderBy: id) { id token status refundedBps }
  expiries(first: 1000, orderBy: id) { shopper { id } amount }
  dataRecordAnchors(first: 1000, orderBy: id) { shopper { id } scope { id } }
  dataRecordErasures(first: 1000, orderBy: id) { shopper { id } scope { id } }
  payouts(first: 1000, orderBy: id) { token amount }
}`;

interface Entities {
  storefronts: { id: string; returnWindow: string; clawbackAllowed: boolean; issuanceCount: string; voided: string; clawedBack: string; redemptionCount: string; budgets: { token: string; referredRevenue: string }[] }[];
  shoppers: { id: string; dataAccessCount: string }[];
  partners: { id: string }[];
  consentScopes: { id: string; grants: string; revocations: string }[];
  budgets: { id: string; token: string }[];
  referrals: { id: string; token: string; status: string }[];
  expiries: { shopper: { id: string }; amount: string }[];
  dataRecordAnchors: { shopper: { id: string } }[];
  dataRecordErasures: { shopper: { id: string } }[];
  payouts: { token: string; amount: string }[];
}

/** Immutable entities' ids hold transaction hashes, which differ with the time: compare them in a fixed order without ids. */
const comparable = (entities: Entities) => ({
  ...entities,
  expiries: entities.expiries.map((row) => JSON.stringify(row)).sort(),
  dataRecordAnchors: entities.dataRecordAnchors.map((row) => JSON.stringify(row)).sort(),
  dataRecordErasures: entities.dataRecordErasures.map((row) => JSON.stringify(row)).sort(),
  payouts: entities.payouts.map((row) => JSON.stringify(row)).sort(),
});

/** A stack started from nothing with the demo seed `seed`, stopped once its entities are read. */
async function seededEntities(seed: string): Promise<{ entities: Entities; chainTime: number; output: string }> {
  const dirs = await stackDirs();
  made.push(dirs);
  const stack = runDcrm(dirs, ["start", "--demo-seed", seed, "--demo-days", String(DAYS)]);
  try {
    await stack.waitForOutput("start: ready", 400_000);
    const answer = await graphql<Entities>(`http://127.0.0.1:${dirs.graphqlPort}/subgraphs/name/dcrm`, ENTITIES, 30_000);
    expect(answer.errors).toBeUndefined();
    const head = await jsonRpc<{ timestamp: string }>(`http://127.0.0.1:${dirs.rpcPort}`, "eth_getBlockByNumber", ["latest", false]);
    return { entities: answer.data!, chainTime: Number(head.timestamp), output: stack.output() };
  } finally {
    stack.child.kill("SIGINT");
    expect((await stack.exited).code).toBe(0);
  }
}

afterAll(async () => {
  for (const dirs of made) {
    const leftovers = readProcesses(dirs.dataDir);
    for (const pid of [leftovers?.node, leftovers?.indexer]) if (pid) try { process.kill(pid, "SIGKILL"); } catch {}
    await dirs.remove();
  }
}, 60_000);

describe("demo history", () => {
  it("is written into the past up to now, with every kind of activity, and the same seed writes the same entities", async () => {
    const first = await seededEntities("same seed");
    const { entities } = first;
    // The chain's clock ends at the wall clock.
    expect(Math.abs(first.chainTime - Date.now() / 1000)).toBeLessThan(120);
    expect(first.output).toMatch(new RegExp(`writing ${DAYS} days of demo history`));
    // Three storefronts with different policies, every one selling.
    expect(entities.storefronts).toHaveLength(3);
    expect(new Set(entities.storefronts.map((storefront) => `${storefront.returnWindow}/${storefront.clawbackAllowed}`)).size).toBe(3);
    for (const storefront of entities.storefronts) expect(BigInt(storefront.issuanceCount)).toBeGreaterThan(0n);
    expect(entities.storefronts.some((storefront) => BigInt(storefront.redemptionCount) > 0n)).toBe(true);
    expect(entities.storefronts.some((storefront) => BigInt(storefront.voided) > 0n || BigInt(storefront.clawedBack) > 0n)).toBe(true);
    expect(entities.storefronts.some((storefront) => storefront.budgets.some((budget) => BigInt(budget.referredRevenue) > 0n))).toBe(true);
    expect(entities.shoppers.length).toBeGreaterThan(40);
    expect(entities.partners).toHaveLength(2);
    expect(entities.consentScopes.reduce((sum, scope) => sum + BigInt(scope.grants), 0n)).toBeGreaterThan(0n);
    expect(entities.shoppers.some((shopper) => BigInt(shopper.dataAccessCount) > 0n)).toBe(true);
    // Through the storefronts' checkout senders: referrals batched per budget token, in two tokens.
    expect(first.output).toMatch(/in \d+ checkout-sender batches/);
    expect(new Set(entities.budgets.map((budget) => budget.token)).size).toBe(2);
    expect(new Set(entities.referrals.map((referral) => referral.token)).size).toBe(2);
    // Referred sales held through the return window, verified early, and claimed.
    expect(first.output).toMatch(/, [1-9]\d* early referral releases/);
    const statuses = new Set(entities.referrals.map((referral) => referral.status));
    expect(["Pending", "Claimed"].filter((status) => statuses.has(status))).toEqual(["Pending", "Claimed"]);
    expect(entities.payouts.length).toBeGreaterThan(0);
    // Points of inactive shoppers expired; data records anchored and one erased.
    expect(entities.expiries.length).toBeGreaterThan(0);
    expect(entities.dataRecordAnchors.length).toBeGreaterThan(0);
    expect(entities.dataRecordErasures.length).toBeGreaterThan(0);

    const second = await seededEntities("same seed");
    expect(comparable(second.entities)).toEqual(comparable(entities));
  }, 900_000);
});
