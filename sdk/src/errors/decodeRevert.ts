import { type Abi, BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from "viem";

import { contractErrorClasses, contractErrorsAbi } from "../generated/errors.js";
import type { ContractRevertError, RevertContext } from "./contractRevertError.js";

type ErrorClass = new (values: never, context: RevertContext) => ContractRevertError;

/** The class of each custom error, by signature; and the parameters of each, by signature. */
const classes = contractErrorClasses as unknown as Record<string, ErrorClass>;

function signatureOf(item: { name: string; inputs: readonly { type: string }[] }): string {
  return `${item.name}(${item.inputs.map((input) => input.type).join(",")})`;
}

/**
 * The typed error of a reverted contract call: the generated class of the custom error it reverted with,
 * carrying its values; `undefined` when `error` is not a revert with a known custom error.
 *
 * @example
 * try { await simulateContract(client, request) } catch (error) { throw decodeRevert(error, { contract: "RewardToken" }) ?? error }
 */
export function decodeRevert(error: unknown, context: Omit<RevertContext, "cause"> = {}): ContractRevertError | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return undefined;
  let errorName = reverted.data?.errorName;
  let args = reverted.data?.args;
  let item = reverted.data?.abiItem as { name: string; inputs: readonly { name?: string; type: string }[] } | undefined;
  // A revert the called contract's ABI does not know (e.g. from a token it called): try every system error.
  if (!item && reverted.raw) {
    try {
      const decoded = decodeErrorResult({ abi: contractErrorsAbi as unknown as Abi, data: reverted.raw as Hex });
      errorName = decoded.errorName;
      args = decoded.args;
      item = decoded.abiItem as unknown as typeof item;
    } catch {
      return undefined;
    }
  }
  if (!item || !errorName) return undefined;
  const ErrorClass = classes[signatureOf(item)];
  if (!ErrorClass) return undefined;
  const values = Object.fromEntries(item.inputs.map((input, i) => [input.name || `arg${i}`, args?.[i]]));
  return new ErrorClass(values as never, { ...context, cause: error });
}
