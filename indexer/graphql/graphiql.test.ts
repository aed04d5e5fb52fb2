/**
 * GraphiQL in a real browser with no network but 127.0.0.1: the page comes whole from the server (no CDN),
 * opens the example queries in its tabs, and a query typed into it answers. Headless Chromium (Debian's
 * `chromium`) driven by playwright-core; every request to another host is refused and counted.
 */
import { existsSync } from "node:fs";

import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Db } from "../store/db.ts";
import { startGraphQLServer, type GraphQLServer } from "./index.ts";
import { NAMESPACE, openFixture } from "./testFixture.ts";

const CHROMIUM = process.env.DCRM_CHROMIUM ?? "/usr/bin/chromium";

let db: Db;
let server: GraphQLServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set DCRM_CHROMIUM)`);
  const fixture = await openFixture();
  db = fixture.db;
  server = await startGraphQLServer({
    schema: fixture.schema,
    db,
    namespace: NAMESPACE,
    subgraphName: "test/fixture",
    port: 0,
    exampleQueries: [
      { name: "Shops by rank", query: "# Shops by rank\nquery ShopsByRank { shops(orderBy: rank) { name rank } }" },
      { name: "Owners", query: "query Owners { owners { name } }" },
    ],
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.close();
});

describe("GraphiQL", () => {
  it("loads with no network but the server's own, shows the example queries, and answers a query typed into it", async () => {
    const context = await browser.newContext();
    const refused: string[] = [];
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1") return route.continue();
      refused.push(url.href);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(server.url);

    // The example queries, each in its own tab, the first one open.
    const editor = page.locator(".graphiql-query-editor .monaco-editor").first();
    await editor.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator(".graphiql-tab").allInnerTexts(), { timeout: 15_000 }).toEqual(["ShopsByRank", "Owners"]);
    // Monaco draws spaces as no-break spaces: compare text with any whitespace.
    await expect.poll(() => editor.innerText(), { timeout: 15_000 }).toMatch(/#\s+Shops\s+by\s+rank\s+query\s+ShopsByRank/);

    // A query typed into the editor, run with Ctrl-Enter.
    await editor.click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText("query AlphaShops { shops(where: { name_starts_with: \"Alpha\" }) { name revenue } }");
    // The tab takes the typed operation's name once GraphiQL has parsed the edit.
    await expect.poll(() => page.locator(".graphiql-tab-active").innerText(), { timeout: 15_000 }).toContain("AlphaShops");
    await page.keyboard.press("Control+Enter");
    const result = page.locator(".graphiql-response");
    await expect.poll(() => result.innerText(), { timeout: 30_000 }).toMatch(/"name":\s+"Alpha\s+Shop"/);

    expect(refused, "requests to other hosts").toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);
});
