/**
 * The dashboard in `dcrm start`: built when app/dist is missing or older than its sources (as
 * `npm run app:build` builds it), then served beside GraphQL with the local relayer.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import { getAddress } from "viem";

import { runScript } from "../builds.ts";
import type { DeploymentRecord } from "../deployment.ts";
import { root } from "../paths.ts";
import { loadSdk } from "../sdkBuild.ts";
import { DEV_ACCOUNT_ROLES } from "./devAccounts.ts";
import { createRelayer } from "./relayer.ts";
import { type AppServer, startAppServer } from "./server.ts";

const appDir = join(root, "app");
export const appDistDir = join(appDir, "dist");
/** The dashboard's port unless DCRM_APP_PORT names another. */
export const DEFAULT_APP_PORT = 5173;

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).filter((name) => !name.includes(".test.")).map((name) => newest(join(path, name))));
}

/** Whether app/dist is missing or older than the app's sources or the SDK's build. */
export function appStale(): boolean {
  const built = join(appDistDir, "index.html");
  if (!existsSync(built)) return true;
  const inputs = Math.max(newest(join(appDir, "src")), newest(join(appDir, "index.html")), newest(join(appDir, "vite.config.ts")), newest(join(root, "sdk", "dist")));
  return statSync(built).mtimeMs < inputs;
}

export function appPort(): number {
  const value = Number(process.env.DCRM_APP_PORT ?? DEFAULT_APP_PORT);
  if (!Number.isInteger(value) || value <= 0 || value > 65_535) throw new Error(`DCRM_APP_PORT must be a port number, not ${process.env.DCRM_APP_PORT}`);
  return value;
}

/** Builds the dashboard when stale, then serves it; resolves once it listens. */
export async function serveDashboard(options: { rpc: string; graphqlEndpoint: string; deployment: DeploymentRecord; accounts: string[]; log: (line: string) => void }): Promise<AppServer> {
  const sdk = await loadSdk(options.log);
  if (appStale()) {
    options.log("building the dashboard (as npm run app:build does)…");
    await runScript("building the dashboard", [join(root, "node_modules", "vite", "bin", "vite.js"), "build", appDir, "--logLevel", "warn"]);
  }
  const port = appPort();
  try {
    return await startAppServer({
      distDir: appDistDir,
      port,
      rpc: options.rpc,
      graphqlEndpoint: options.graphqlEndpoint,
      config: {
        chainId: options.deployment.chainId,
        deployment: options.deployment,
        accounts: options.accounts.slice(0, DEV_ACCOUNT_ROLES.length).map((address, i) => ({ address: getAddress(address), ...DEV_ACCOUNT_ROLES[i]! })),
      },
      relay: createRelayer(sdk, options.rpc, options.deployment as never),
    });
  } catch (error) {
    if (/EADDRINUSE/.test((error as Error).message)) throw new Error(`port ${port} is taken: stop what listens there, or set DCRM_APP_PORT to another port`);
    throw error;
  }
}
