import type { ContractTransactionResponse } from "ethers";

/** One measured operation: full transaction gas, as the sender pays it (intrinsic, calldata, execution). */
export interface GasRow {
  /** Stable id, the key in `reports/gas.json`, e.g. `reward.issue.newHolder`. */
  id: string;
  gas: number;
  /** The design floor for the operation (../shared/DESIGN.md), when it has one. */
  floor?: number;
  /** The id of the baseline row measured in the same run that this row compares with. */
  baseline?: string;
  /** The most gas the operation may cost (the target). */
  target?: number;
}

/** Sends a transaction, waits for it, and returns its full gas used. */
export async function gasOf(sent: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await sent).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("bench: transaction failed");
  return Number(receipt.gasUsed);
}

/** The marginal gas of one more item: (gas of n items − gas of 1 item) / (n − 1), rounded. */
export function marginal(gasOfOne: number, gasOfMany: number, many: number): number {
  return Math.round((gasOfMany - gasOfOne) / (many - 1));
}
