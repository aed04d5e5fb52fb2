/**
 * Test support: compiles Solidity test contracts with solc-js (the npm package `solc`), so that fixtures are
 * written as readable source instead of bytecode; and deploys them on a test chain.
 */
import { createRequire } from "node:module";

import type { Abi, Hex, PublicClient, WalletClient } from "viem";

export interface CompiledContract {
  abi: Abi;
  bytecode: Hex;
}

/** Compiles `source` (one file) and returns its contracts by name; throws with solc's errors. */
export function compileSolidity(source: string): Record<string, CompiledContract> {
  const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { "Fixture.sol": { content: source } },
    settings: { optimizer: { enabled: false }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length) throw new Error(`solc: ${errors.map((e: { formattedMessage: string }) => e.formattedMessage).join("\n")}`);
  const contracts: Record<string, CompiledContract> = {};
  for (const [name, contract] of Object.entries(output.contracts["Fixture.sol"] as Record<string, any>)) {
    contracts[name] = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  }
  return contracts;
}

/** Deploys `contract` from `wallet` and returns its address and the block it was deployed in. */
export async function deploy(wallet: WalletClient & PublicClient, contract: CompiledContract, args: unknown[] = []): Promise<{ address: Hex; block: number }> {
  const hash = await wallet.deployContract({ abi: contract.abi, bytecode: contract.bytecode, args, account: wallet.account!, chain: wallet.chain });
  const receipt = await wallet.waitForTransactionReceipt({ hash });
  return { address: receipt.contractAddress!.toLowerCase() as Hex, block: Number(receipt.blockNumber) };
}
