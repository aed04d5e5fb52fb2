/**
 * Test support: a real local chain (anvil from npm) on a free port, and a tiny contract that emits
 * `Ping(address indexed sender, uint256 value)` with the calldata's first word on every call.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { keccak256, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import { freePort } from "./freePort.ts";

export interface Anvil {
  url: string;
  stop(): Promise<void>;
}

/** Starts anvil (the platform binary directly: killing the npm wrapper would leave anvil running). */
export async function startAnvil(): Promise<Anvil> {
  const require = createRequire(import.meta.url);
  const binary = join(dirname(require.resolve(`@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}/package.json`)), "bin", "anvil");
  const port = await freePort();
  const child = spawn(binary, ["--port", String(port), "--host", "127.0.0.1", "--silent"], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not answer at ${url} within 20 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** anvil's funded account `index` (its default mnemonic). */
export const anvilAccount = (index: number) =>
  mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: index });

/** topic0 of `Ping(address,uint256)`. */
export const PING_TOPIC = keccak256(toHex("Ping(address,uint256)"));

/** Creation code of the Ping contract: its runtime copies calldata word 0 to memory and logs it with LOG2(Ping, caller). */
export const PING_CREATION_CODE = (() => {
  const runtime = `600035600052337f${PING_TOPIC.slice(2)}60206000a200`;
  const length = (runtime.length / 2).toString(16).padStart(2, "0");
  const init = `60${length}600c60003960${length}6000f3`;
  return `0x${init}${runtime}` as `0x${string}`;
})();

export const PING_ABI = [
  {
    type: "event",
    name: "Ping",
    anonymous: false,
    inputs: [
      { name: "sender", type: "address", indexed: true },
      { name: "value", type: "uint256", indexed: false },
    ],
  },
] as const;
