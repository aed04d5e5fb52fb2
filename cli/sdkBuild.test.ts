/**
 * The SDK as the commands use it for seeding: its sources transpiled without a type check into a folder named
 * by their hash, loaded with the project's own viem; the generated part redone when older than its inputs.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type Abi, ContractFunctionRevertedError, encodeErrorResult } from "viem";
import { beforeAll, describe, expect, it } from "vitest";

import { generateSdk, loadSdkRuntime, sdkGeneratedStale, sdkGenerateInputs, sdkRuntimeDir, transpileSdk } from "./sdkBuild.ts";
import { root } from "./paths.ts";

const log: string[] = [];

beforeAll(async () => {
  // Generated from the contracts' artifacts when missing (npm test generates it before this project runs).
  await generateSdk((line) => log.push(line));
}, 300_000);

describe("the SDK for the commands", () => {
  it("transpiles the sources once into a folder named by their hash, with every source as a module", async () => {
    const dir = await transpileSdk();
    expect(dir.startsWith(sdkRuntimeDir)).toBe(true);
    expect(await transpileSdk()).toBe(dir);
    expect(existsSync(join(dir, "index.js"))).toBe(true);
    expect(existsSync(join(dir, "generated", "errors.js"))).toBe(true);
    // No tests and no test support.
    const files = readdirSync(dir, { recursive: true }).map(String);
    expect(files.some((file) => file.includes(".test."))).toBe(false);
    expect(files.some((file) => file.startsWith("testing"))).toBe(false);
    expect(readdirSync(sdkRuntimeDir).filter((name) => !name.endsWith(".tmp"))).toEqual([dir.slice(sdkRuntimeDir.length + 1)]);
  });

  it("loads the SDK with the project's own viem: it decodes a revert that the commands' viem raised", async () => {
    const sdk = await loadSdkRuntime((line) => log.push(line));
    expect(typeof sdk.createCheckoutSender).toBe("function");
    const item = sdk.contractErrorsAbi.find((candidate) => candidate.inputs.length === 0)!;
    const abi = [item] as Abi;
    const reverted = new ContractFunctionRevertedError({ abi, data: encodeErrorResult({ abi, errorName: item.name }), functionName: "issue" });
    // decodeRevert checks `instanceof` viem's error classes: a second copy of viem would not know this one.
    expect(sdk.decodeRevert(reverted)?.errorName).toBe(item.name);
  });

  it("finds the generated part stale when one of its inputs is newer", () => {
    expect(sdkGenerateInputs()).toEqual(expect.arrayContaining([join(root, "subgraph", "schema.graphql"), join(root, "sdk", "wagmi.config.ts"), join(root, "artifacts", ".dcrm-build-stamp-deployed")]));
    expect(sdkGeneratedStale()).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), "dcrm-sdk-inputs-"));
    try {
      const input = join(dir, "schema.graphql");
      writeFileSync(input, "type A { id: ID! }\n");
      const earlier = new Date("2020-01-01T00:00:00Z");
      utimesSync(input, earlier, earlier);
      expect(sdkGeneratedStale([input])).toBe(false);
      const later = new Date(Date.now() + 60_000);
      utimesSync(input, later, later);
      expect(sdkGeneratedStale([input])).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
