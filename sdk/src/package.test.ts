// The package as an application gets it: the SDK built with its own build config into a plain Node ESM
// project's node_modules/@dcrm/sdk (package.json and dist/ only, no sources), then imported by name from a
// script that Node runs as it is: the exports of `@dcrm/sdk` and `@dcrm/sdk/react`, and a checkout dry run on
// the test chain through the built client.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { toHex } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { testAccount } from "./testing/clients.js";

const run = promisify(execFile);
const sdk = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = resolve(sdk, "..");

/** The consumer's script: what an application written in plain JavaScript would do with the package. */
const script = `
import * as dcrm from "@dcrm/sdk";
import * as react from "@dcrm/sdk/react";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";

const transport = http(process.env.RPC_URL);
const client = await dcrm.createDcrmClient({
  publicClient: createPublicClient({ transport }),
  walletClient: createWalletClient({ account: privateKeyToAccount(process.env.STOREFRONT_KEY), transport }),
  deployment: process.env.DEPLOYMENT,
});
const shopper = privateKeyToAccount(process.env.STOREFRONT_KEY).address;
const effects = await dcrm.checkout(client, { orderId: 7_000_001n, shopper, points: 25n, dryRun: true });
let refused;
try {
  await client.issuePoints({ shopper, orderId: 7_000_002n, points: 0n });
} catch (error) {
  refused = { invalidParameter: error instanceof dcrm.InvalidParameterError, dcrmError: error instanceof dcrm.DcrmError, parameter: error.parameter };
}
console.log(JSON.stringify({
  sdk: Object.keys(dcrm).sort(),
  react: Object.keys(react).sort(),
  orderAlreadyRewarded: new dcrm.OrderAlreadyRewardedError({ storefront: shopper, orderId: 1n }) instanceof dcrm.ContractRevertError,
  effects: { points: String(effects.points), dryRun: effects.dryRun, replayed: effects.replayed, transactions: effects.transactions.length },
  refused,
}));
`;

/** Where a dependency of the SDK is installed in the repository (the SDK's own node_modules, then the root's). */
function installed(name: string): string {
  const found = [join(sdk, "node_modules", name), join(root, "node_modules", name)].find((path) => existsSync(path));
  if (!found) throw new Error(`${name} is not installed`);
  return found;
}

describe("@dcrm/sdk as a built package, imported by a plain Node ESM project", () => {
  let project: string;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), "dcrm-sdk-consumer-"));
    const pkg = join(project, "node_modules", "@dcrm", "sdk");
    await mkdir(pkg, { recursive: true });
    const tsc = join(installed("typescript"), "bin", "tsc");
    await run(process.execPath, [tsc, "-p", join(sdk, "tsconfig.build.json"), "--outDir", join(pkg, "dist")], { cwd: root });
    await copyFile(join(sdk, "package.json"), join(pkg, "package.json"));
    // The application installs the SDK's dependencies and the peers it uses beside it.
    const manifest = JSON.parse(await readFile(join(sdk, "package.json"), "utf8")) as { dependencies: object; peerDependencies: object };
    for (const name of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]) {
      const link = join(project, "node_modules", name);
      await mkdir(dirname(link), { recursive: true });
      await symlink(installed(name), link, "dir");
    }
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "shop", private: true, type: "module", dependencies: { "@dcrm/sdk": "0.1.0" } }));
    await writeFile(join(project, "main.js"), script);
  }, 300_000);
  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  it("exports the client, actions, errors and hooks, and runs an action on the chain", async () => {
    const { stdout } = await run(process.execPath, ["main.js"], {
      cwd: project,
      env: {
        ...process.env,
        RPC_URL: inject("rpcUrl"),
        DEPLOYMENT: JSON.stringify(inject("deployment")),
        STOREFRONT_KEY: toHex(testAccount(1).getHdKey().privateKey!),
      },
    });
    const result = JSON.parse(stdout);
    expect(result.sdk).toEqual(
      expect.arrayContaining(["createDcrmClient", "checkout", "createMarketerClient", "createCheckoutSender", "decodeRevert", "DcrmError", "OrderAlreadyRewardedError", "rewardTokenAbi"]),
    );
    expect(result.react).toEqual(expect.arrayContaining(["useReadRewardTokenBalanceOf", "useWriteRewardTokenRedeem", "decodeRevert"]));
    expect(result.orderAlreadyRewarded).toBe(true);
    expect(result.effects).toEqual({ points: "25", dryRun: true, replayed: false, transactions: 0 });
    expect(result.refused).toEqual({ invalidParameter: true, dcrmError: true, parameter: "points" });
  });
});
