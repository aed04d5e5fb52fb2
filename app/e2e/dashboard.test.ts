/**
 * The dashboard end to end: `dcrm start` with a day of demo history, as a user runs it, and the built app
 * it serves driven in headless Chromium (Debian's `chromium`, playwright-core) through the dev accounts. A
 * shopper grants then revokes a consent (signed, relayed gasless) and both the registry and the subgraph
 * show it; a shopper redeems, once as a dev account and once through a browser wallet the page discovers by
 * EIP-6963; a partner claims a released commission and its payout balance moves; a
 * storefront refunds an order; the marketer's figures match GraphQL. axe-core finds no violation on any
 * page; every page is photographed at phone and desktop widths into app/test-artifacts/.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

import { chromium, type Browser, type Page } from "playwright-core";
import { createPublicClient, createWalletClient, erc20Abi, formatUnits, http, keccak256, toHex, type Address, type PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { readProcesses } from "../../cli/processes.ts";
import { jsonRpc } from "../../cli/rpc.ts";
import { runDcrm, stackDirs, type RunningCommand, type StackDirs } from "../../cli/testing/stack.ts";
import { consentRegistryAbi, createDcrmClient, createMarketerClient, rewardTokenAbi, type DeploymentRecord } from "../../sdk/src/index.ts";

const CHROMIUM = process.env.DCRM_CHROMIUM ?? "/usr/bin/chromium";
const MNEMONIC = "test test test test test test test test test test test junk";
const ARTIFACTS = join(import.meta.dirname, "..", "test-artifacts");
const POINT = 10n ** 18n;
const account = (index: number) => mnemonicToAccount(MNEMONIC, { addressIndex: index });
const STOREFRONT = 1;
const STOREFRONT_WITH_RETURNS = 2;
const PARTNER = 4;
const CONSUMER = 6;
const SHOPPER = 7;
const OTHER_SHOPPER = 8;
/** The account the injected browser wallet holds (a storefront's dev account has ether and no other use here). */
const WALLET_HOLDER = 3;
const WIDTHS = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 900 },
];

let dirs: StackDirs;
let stack: RunningCommand;
let browser: Browser;
let page: Page;
let deployment: DeploymentRecord;
let publicClient: PublicClient;
const rpc = () => `http://127.0.0.1:${dirs.rpcPort}`;
const endpoint = () => `http://127.0.0.1:${dirs.graphqlPort}/subgraphs/name/dcrm`;
const appUrl = () => `http://127.0.0.1:${dirs.appPort}/`;

/** The SDK as dev account `index`, for what the test sets up outside the page. */
async function sdkAs(index: number) {
  const transport = http(rpc());
  return createDcrmClient({ publicClient, walletClient: createWalletClient({ chain: foundry, transport, account: account(index), pollingInterval: 50 }), deployment });
}

/** Resolves once the subgraph has indexed the chain's head. */
async function indexed(): Promise<void> {
  const head = Number(await jsonRpc<string>(rpc(), "eth_blockNumber"));
  const marketer = createMarketerClient({ endpoint: endpoint() });
  await until(async () => ((await marketer.raw<{ _meta: { block: { number: number } } }>("{ _meta { block { number } } }"))._meta.block.number >= head), "the subgraph to index the head");
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const WALLET_NAME = "Test Wallet";

/**
 * A browser extension wallet as the page sees it: an EIP-1193 provider announced by EIP-6963 (at load and on
 * each `eip6963:requestProvider`), holding one account. It answers the account requests itself and forwards
 * everything else, the transactions it sends included, to the local node, which signs for its unlocked dev
 * accounts. Each method asked is kept in `window.walletRequests`. Runs in the page: self-contained.
 */
function announceWallet({ rpcUrl, account }: { rpcUrl: string; account: string }): void {
  const requests: string[] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  let id = 0;
  const provider = {
    async request({ method, params }: { method: string; params?: unknown[] }): Promise<unknown> {
      requests.push(method);
      if (method === "eth_requestAccounts" || method === "eth_accounts") return [account];
      if (method === "wallet_requestPermissions" || method === "wallet_getPermissions") return [{ parentCapability: "eth_accounts", caveats: [{ type: "restrictReturnedAccounts", value: [account] }] }];
      if (method === "wallet_revokePermissions") return null;
      const response = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }) });
      const answer = (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
      if (answer.error) throw Object.assign(new Error(answer.error.message), answer.error);
      return answer.result;
    },
    on(event: string, listener: (...args: unknown[]) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return provider;
    },
    removeListener(event: string, listener: (...args: unknown[]) => void) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  (window as unknown as { walletRequests: string[] }).walletRequests = requests;
  const info = { uuid: "0b6f5a52-8c8e-4c4a-9f1e-3f0f6a1d2c11", name: "Test Wallet", icon: "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>", rdns: "org.dcrm.test-wallet" };
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}

/** An amount of 18-decimal points as the dashboard writes its whole part ("1,234"). */
const formatAmountLike = (raw: bigint) => (raw / POINT).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** Opens a page of the dashboard acting as dev account `index`. */
async function open(path: string, index: number): Promise<void> {
  await page.goto(`${appUrl()}#/${path}`);
  await page.getByTestId("account-picker").selectOption(String(index));
  await page.locator("h1").waitFor();
}

/** axe-core's violations on the page as it is now. */
async function axeViolations(): Promise<{ id: string; nodes: string[] }[]> {
  const require = createRequire(import.meta.url);
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = await page.evaluate(async () => (await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run()).violations);
  return violations.map((violation) => ({ id: violation.id, nodes: violation.nodes.map((node) => node.target.join(" ")) }));
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set DCRM_CHROMIUM)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  dirs = await stackDirs();
  stack = runDcrm(dirs, ["start", "--demo-days", "1"]);
  await stack.waitForOutput("start: ready", 420_000);
  expect(stack.output()).toContain(`Dashboard          ${appUrl()}`);
  // A dashboard that was not built yet is built and served after `ready`.
  await stack.waitForOutput("start: dashboard up", 420_000);
  deployment = JSON.parse(readFileSync(join(dirs.deploymentsDir, "localhost.json"), "utf8"));
  publicClient = createPublicClient({ chain: foundry, transport: http(rpc()), pollingInterval: 50 }) as PublicClient;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
}, 480_000);

afterAll(async () => {
  await browser?.close();
  if (stack) {
    stack.child.kill("SIGINT");
    await stack.exited;
  }
  const leftovers = dirs && readProcesses(dirs.dataDir);
  for (const pid of [leftovers?.node, leftovers?.indexer]) if (pid) try { process.kill(pid, "SIGKILL"); } catch {}
  await dirs?.remove();
}, 90_000);

describe("dashboard on the local stack", () => {
  it("a shopper grants then revokes a consent, gasless, and the registry and the subgraph show each", async () => {
    const shopper = account(SHOPPER).address;
    const consumer = account(CONSUMER).address;
    const scope = keccak256(toHex("purchase-history"));
    const registry = deployment.contracts.ConsentRegistry!.proxy as Address;
    const gasBefore = await publicClient.getBalance({ address: shopper });
    const consentOf = () => publicClient.readContract({ address: registry, abi: consentRegistryAbi, functionName: "consentOf", args: [shopper, consumer, scope] });
    const marketer = createMarketerClient({ endpoint: endpoint() });
    const lastChange = async () => {
      const { shopper: entity } = await marketer.shopperHistory({ shopper: shopper.toLowerCase() });
      return entity?.consentChanges.filter((change) => change.consumer.toLowerCase() === consumer.toLowerCase() && change.scope.id === scope).pop()?.kind;
    };

    await open("shopper", SHOPPER);
    await expect.poll(() => page.getByTestId("consent-status-purchase-history").textContent(), { timeout: 30_000 }).toBe("not granted");
    await page.getByTestId("grant-purchase-history").click();
    await expect.poll(() => page.getByTestId("consent-status-purchase-history").textContent(), { timeout: 30_000 }).toBe("granted");
    expect((await consentOf()).granted).toBe(true);
    await indexed();
    expect(await lastChange()).toMatch(/grant/i);

    await page.getByTestId("revoke-purchase-history").click();
    await expect.poll(() => page.getByTestId("consent-status-purchase-history").textContent(), { timeout: 30_000 }).toBe("not granted");
    expect((await consentOf()).granted).toBe(false);
    await indexed();
    expect(await lastChange()).toMatch(/revok/i);
    // The relayer paid: the shopper's ether is untouched.
    expect(await publicClient.getBalance({ address: shopper })).toBe(gasBefore);
  });

  it("a shopper redeems points", async () => {
    const shopper = account(SHOPPER).address;
    const token = deployment.contracts.RewardToken!.proxy as Address;
    await (await sdkAs(STOREFRONT)).checkout({ orderId: 900_001n, shopper, points: 100n * POINT });
    const before = await publicClient.readContract({ address: token, abi: rewardTokenAbi, functionName: "balanceOf", args: [shopper] });
    await open("shopper", SHOPPER);
    await expect.poll(() => page.getByTestId("spendable").textContent(), { timeout: 30_000 }).toContain(formatUnits(before, 18).split(".")[0]!);
    await page.getByTestId("redeem-amount").fill("5");
    await page.getByTestId("redeem-submit").click();
    await page.getByText("Redeemed.").waitFor();
    expect(await publicClient.readContract({ address: token, abi: rewardTokenAbi, functionName: "balanceOf", args: [shopper] })).toBe(before - 5n * POINT);
  });

  it("a browser wallet announced by EIP-6963 is discovered, connects, and redeems through its provider", async () => {
    const holder = account(WALLET_HOLDER).address;
    const token = deployment.contracts.RewardToken!.proxy as Address;
    await (await sdkAs(STOREFRONT)).checkout({ orderId: 900_004n, shopper: holder, points: 20n * POINT });
    const before = await publicClient.readContract({ address: token, abi: rewardTokenAbi, functionName: "balanceOf", args: [holder] });
    // A fresh browser with the wallet "installed": its script runs before the app's, as an extension's would.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await context.addInitScript(announceWallet, { rpcUrl: `${appUrl()}rpc`, account: holder });
      const walletPage = await context.newPage();
      walletPage.setDefaultTimeout(30_000);
      await walletPage.goto(`${appUrl()}#/shopper`);
      await walletPage.getByTestId("account-picker").selectOption({ label: `${WALLET_NAME} (browser wallet)` });
      await expect.poll(() => walletPage.getByTestId("wallet-account").textContent()).toBe(`${holder.slice(0, 6)}…${holder.slice(-4)}`);
      await expect.poll(() => walletPage.getByTestId("spendable").textContent(), { timeout: 30_000 }).toContain(formatAmountLike(before));
      await walletPage.getByTestId("redeem-amount").fill("3");
      await walletPage.getByTestId("redeem-submit").click();
      await walletPage.getByText("Redeemed.").waitFor();
      expect(await publicClient.readContract({ address: token, abi: rewardTokenAbi, functionName: "balanceOf", args: [holder] })).toBe(before - 3n * POINT);
      // The transaction went through the announced provider, not a dev account's connector.
      const requests = await walletPage.evaluate(() => (window as unknown as { walletRequests: string[] }).walletRequests);
      expect(requests.filter((method) => method === "wallet_requestPermissions" || method === "eth_requestAccounts")).not.toHaveLength(0);
      expect(requests).toContain("eth_sendTransaction");
    } finally {
      await context.close();
    }
  });

  it("a partner claims a released commission and its payout balance moves", async () => {
    const storefront = await sdkAs(STOREFRONT);
    await storefront.checkout({ orderId: 900_002n, shopper: account(OTHER_SHOPPER).address, points: 10n * POINT, referral: { code: "ANNA-STYLE", saleAmount: 200n * POINT } });
    // Released now: early when the storefront holds referrals, or already when it has no hold period.
    await storefront.releaseReferralEarly({ orderId: 900_002n }).catch((error: Error) => {
      if (error.name !== "ReferralAlreadyReleasedError") throw error;
    });
    const partnerOwner = account(PARTNER).address;
    const dollar = deployment.tokens!.DemoDollar!.address as Address;
    const before = await publicClient.readContract({ address: dollar, abi: erc20Abi, functionName: "balanceOf", args: [partnerOwner] });

    await open("partner", PARTNER);
    await expect.poll(() => page.getByTestId("partner-code").inputValue()).toBe("ANNA-STYLE");
    const claim = page.getByTestId("claim-all");
    await expect.poll(() => claim.isEnabled(), { timeout: 30_000 }).toBe(true);
    await claim.click();
    await page.getByText("Claimed: paid to the payout address.").waitFor();
    const after = await publicClient.readContract({ address: dollar, abi: erc20Abi, functionName: "balanceOf", args: [partnerOwner] });
    // At least this sale's commission (5% of 200); anything else that was claimable comes with it.
    expect(after - before >= 10n * POINT).toBe(true);
  });

  it("a storefront sees what it issued today, as the chain counts it", async () => {
    const storefront = account(STOREFRONT).address;
    await (await sdkAs(STOREFRONT)).checkout({ orderId: 900_005n, shopper: account(SHOPPER).address, points: 7n * POINT });
    const issuance = await publicClient.readContract({ address: deployment.contracts.RewardToken!.proxy as Address, abi: rewardTokenAbi, functionName: "storefrontIssuance", args: [storefront] });
    expect(Number(issuance.capPeriod)).toBe(86_400);
    expect(issuance.issuedInPeriod >= 7n * POINT).toBe(true);
    await open("storefront", STOREFRONT);
    // A one-day cap period is the UTC day: today's issuance is the period's, to the unit.
    await expect.poll(() => page.getByTestId("issued-today").textContent(), { timeout: 30_000 }).toContain(formatAmountLike(issuance.issuedInPeriod));
    expect(await page.getByTestId("issued-today").textContent()).toBe(await page.getByTestId("issued-period").textContent());
  });

  it("a storefront refunds an order inside its return window: the pending points are voided", async () => {
    const shopper = account(OTHER_SHOPPER).address;
    await (await sdkAs(STOREFRONT_WITH_RETURNS)).checkout({ orderId: 900_003n, shopper, points: 40n * POINT });
    const pendingOrder = async () => (await (await sdkAs(OTHER_SHOPPER)).getBalances({ shopper })).pendingOrders.find((order) => order.orderId === 900_003n);
    expect((await pendingOrder())?.points).toBe(40n * POINT);

    await open("storefront", STOREFRONT_WITH_RETURNS);
    await page.getByTestId("refund-shopper").fill(shopper);
    await page.getByTestId("refund-order").fill("900003");
    await page.getByTestId("refund-submit").click();
    await page.getByText("Refunded.").waitFor();
    expect(await pendingOrder()).toBeUndefined();
  });

  it("the marketer's charts show the subgraph's numbers", async () => {
    await indexed();
    const marketer = createMarketerClient({ endpoint: endpoint() });
    const { storefrontStats } = await marketer.storefrontStatsPerDay();
    const today = new Date().toISOString().slice(0, 10);
    const dayOf = (timestamp: string | number) => new Date(Number(timestamp) / 1000).toISOString().slice(0, 10);
    const sum = (field: "issued" | "redeemed") => storefrontStats.filter((row) => dayOf(row.timestamp) <= today).reduce((total, row) => total + BigInt(row[field]), 0n);
    await open("marketer", 0);
    await page.getByTestId("filter-range").selectOption({ label: "All time" });
    const shown = async (id: string) => Number((await page.getByTestId(id).textContent())!.replace(/,/g, ""));
    expect(await shown("total-issued")).toBeCloseTo(Number(formatUnits(sum("issued"), 18)), 1);
    expect(await shown("total-redeemed")).toBeCloseTo(Number(formatUnits(sum("redeemed"), 18)), 1);
    const { storefronts } = await marketer.redemptionRates();
    const rates = (await page.getByTestId("summary-redemption-rate").textContent())!;
    for (const storefront of storefronts) expect(rates).toContain(`${(Number(storefront.redemptionRate) * 100).toFixed(1)}%`);
    for (const id of ["points-per-day", "active-shoppers", "redemption-rate", "top-shoppers", "partner-leaderboard", "consent-opt-in", "consumer-revenue"]) {
      await expect.poll(() => page.getByTestId(`chart-${id}`).locator("svg.recharts-surface").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    }
    // Each chart downloads as CSV.
    const download = page.waitForEvent("download");
    await page.getByTestId("csv-points-per-day").click();
    expect((await download).suggestedFilename()).toBe("points-per-day.csv");
    // A header naming the token of each amount column, then one row per day, in token units.
    const [header, ...days] = readFileSync((await (await download).path())!, "utf8").trim().split("\r\n");
    expect(header).toMatch(/^day \(UTC\),issued \(\w+\),redeemed \(\w+\)$/);
    const csvIssued = days.reduce((total, line) => total + Number(line.split(",")[1]), 0);
    expect(csvIssued).toBeCloseTo(Number(formatUnits(sum("issued"), 18)), 1);
  });

  it("axe-core finds no violation on any page; every page is photographed at phone and desktop widths", async () => {
    const pages = [
      { path: "shopper", as: SHOPPER, ready: "spendable" },
      { path: "partner", as: PARTNER, ready: "payout" },
      { path: "storefront", as: STOREFRONT, ready: "issued-period" },
      { path: "marketer", as: 0, ready: "total-issued" },
    ];
    for (const { name, width, height } of WIDTHS) {
      await page.setViewportSize({ width, height });
      for (const { path, as, ready } of pages) {
        await open(path, as);
        await page.getByTestId(ready).first().waitFor();
        await page.waitForLoadState("networkidle");
        expect({ page: path, width, violations: await axeViolations() }).toEqual({ page: path, width, violations: [] });
        await page.screenshot({ path: join(ARTIFACTS, `${path}-${name}.png`), fullPage: true });
      }
    }
    // Keyboard: the skip link is the first stop.
    await page.reload();
    await page.locator("h1").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    // Eight page loads, each waited on until the network is idle, then checked and photographed.
  }, 240_000);
});
