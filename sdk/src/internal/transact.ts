import type { Abi, ContractFunctionArgs, ContractFunctionName, ContractFunctionReturnType, Hash, TransactionReceipt } from "viem";

import type { DcrmClient, DcrmWalletClient } from "../client/createDcrmClient.js";
import type { DeployedContractName } from "../client/deployment.js";
import { AccountRequiredError, TransactionRevertedError } from "../errors/clientErrors.js";
import { decodeRevert } from "../errors/decodeRevert.js";
import { type Abis, abis, addressOf } from "./contracts.js";
import { gasLimitFor } from "./gasLimit.js";

type Writable<C extends DeployedContractName> = ContractFunctionName<Abis[C], "nonpayable" | "payable">;
type Readable<C extends DeployedContractName> = ContractFunctionName<Abis[C], "view" | "pure">;

/** A sent and mined transaction. */
export interface Transaction<TResult = unknown> {
  hash: Hash;
  receipt: TransactionReceipt;
  /** What the simulation returned (the function's return value). */
  result: TResult;
}

/** The wallet of a client, or {@link AccountRequiredError} naming the action. */
export function walletOf(client: DcrmClient, action: string): DcrmWalletClient {
  if (!client.walletClient) throw new AccountRequiredError(action);
  return client.walletClient;
}

/** Rethrows a contract revert as its typed error. */
function rethrow(error: unknown, contract: string, functionName: string): never {
  throw decodeRevert(error, { contract, functionName }) ?? error;
}

/**
 * Simulates `contract.functionName(args)` from the client's account: a revert throws its typed error and
 * nothing is sent. Returns the function's return value.
 */
export async function simulate<C extends DeployedContractName, F extends Writable<C>>(
  client: DcrmClient,
  contract: C,
  functionName: F,
  args: ContractFunctionArgs<Abis[C], "nonpayable" | "payable", F>,
  action: string = functionName,
): Promise<ContractFunctionReturnType<Abis[C], "nonpayable" | "payable", F>> {
  const wallet = walletOf(client, action);
  try {
    const { result } = await client.publicClient.simulateContract({
      abi: abis[contract] as Abi,
      address: addressOf(client, contract),
      functionName,
      args: args as readonly unknown[],
      account: wallet.account,
    });
    return result as ContractFunctionReturnType<Abis[C], "nonpayable" | "payable", F>;
  } catch (error) {
    rethrow(error, contract, functionName);
  }
}

/**
 * Simulates, then sends `contract.functionName(args)` from the client's account and waits for its receipt.
 * A revert in simulation throws the contract error's typed class without spending gas. The gas limit keeps a
 * margin over the estimate (see {@link gasLimitFor}).
 */
export async function transact<C extends DeployedContractName, F extends Writable<C>>(
  client: DcrmClient,
  contract: C,
  functionName: F,
  args: ContractFunctionArgs<Abis[C], "nonpayable" | "payable", F>,
  action: string = functionName,
): Promise<Transaction<ContractFunctionReturnType<Abis[C], "nonpayable" | "payable", F>>> {
  const wallet = walletOf(client, action);
  let request: unknown;
  let result: unknown;
  try {
    ({ request, result } = await client.publicClient.simulateContract({
      abi: abis[contract] as Abi,
      address: addressOf(client, contract),
      functionName,
      args: args as readonly unknown[],
      account: wallet.account,
    }));
  } catch (error) {
    rethrow(error, contract, functionName);
  }
  const gas = await client.publicClient.estimateContractGas(request as Parameters<DcrmClient["publicClient"]["estimateContractGas"]>[0]).catch((error: unknown) => rethrow(error, contract, functionName));
  const hash = await wallet.writeContract({ ...(request as Parameters<DcrmWalletClient["writeContract"]>[0]), gas: gasLimitFor(gas) });
  const receipt = await client.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new TransactionRevertedError(hash, contract, functionName);
  return { hash, receipt, result: result as ContractFunctionReturnType<Abis[C], "nonpayable" | "payable", F> };
}

/** Reads `contract.functionName(args)`. */
export async function read<C extends DeployedContractName, F extends Readable<C>>(
  client: DcrmClient,
  contract: C,
  functionName: F,
  args: ContractFunctionArgs<Abis[C], "view" | "pure", F>,
): Promise<ContractFunctionReturnType<Abis[C], "view" | "pure", F>> {
  try {
    return (await client.publicClient.readContract({
      abi: abis[contract] as Abi,
      address: addressOf(client, contract),
      functionName,
      args: args as readonly unknown[],
    })) as ContractFunctionReturnType<Abis[C], "view" | "pure", F>;
  } catch (error) {
    rethrow(error, contract, functionName);
  }
}
