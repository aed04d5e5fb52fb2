import { type Address, erc20Abi } from "viem";

import type { DcrmClient } from "../client/createDcrmClient.js";
import { TransactionRevertedError } from "../errors/clientErrors.js";
import { decodeRevert } from "../errors/decodeRevert.js";
import { walletOf } from "./transact.js";

/** Approves `spender` for `amount` of `token` from the client's account, unless the allowance already covers it. */
export async function approveIfNeeded(client: DcrmClient, token: Address, spender: Address, amount: bigint, action: string): Promise<void> {
  const wallet = walletOf(client, action);
  const allowance = await client.publicClient.readContract({ abi: erc20Abi, address: token, functionName: "allowance", args: [wallet.account.address, spender] });
  if (allowance >= amount) return;
  try {
    const { request } = await client.publicClient.simulateContract({ abi: erc20Abi, address: token, functionName: "approve", args: [spender, amount], account: wallet.account });
    const hash = await wallet.writeContract(request);
    const receipt = await client.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new TransactionRevertedError(hash, "ERC20", "approve");
  } catch (error) {
    throw decodeRevert(error, { contract: "ERC20", functionName: "approve" }) ?? error;
  }
}
