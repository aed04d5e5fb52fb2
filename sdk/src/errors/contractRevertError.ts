import { DcrmError } from "./dcrmError.js";

/** Where a revert happened: which contract and function, when known. */
export interface RevertContext {
  contract?: string;
  functionName?: string;
  cause?: unknown;
}

function formatValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return String(value);
}

/**
 * A contract call reverted with one of the contracts' custom errors. Each custom error has its own generated
 * subclass (`OrderAlreadyRewardedError`, …) carrying the error's values as fields and in `values`.
 *
 * @example
 * try {
 *   await dcrm.refundOrder({ shopper, orderId });
 * } catch (error) {
 *   if (error instanceof OrderNotPendingError) return; // narrowed to one error: its fields are typed
 *   if (error instanceof ContractRevertError) console.error(error.errorName, error.values); // any other revert
 *   throw error;
 * }
 */
export class ContractRevertError<TErrorName extends string = string, TValues extends object = Record<string, unknown>> extends DcrmError {
  override name = "ContractRevertError";
  /** The Solidity error's name, e.g. `OrderAlreadyRewarded`. */
  readonly errorName: TErrorName;
  /** The Solidity error's signature, e.g. `OrderAlreadyRewarded(address,uint256)`. */
  readonly signature: string;
  /** The error's NatSpec notice. */
  readonly notice: string;
  /** The error's values, by parameter name. */
  readonly values: TValues;
  readonly contract: string | undefined;
  readonly functionName: string | undefined;

  constructor(parameters: { errorName: TErrorName; signature: string; notice: string; values: TValues; context: RevertContext }) {
    const { errorName, signature, notice, values, context } = parameters;
    const shown = Object.entries(values).map(([key, value]) => `${key}: ${formatValue(value)}`).join(", ");
    const where = context.contract ? ` (${context.contract}${context.functionName ? `.${context.functionName}` : ""})` : "";
    super(`${notice} ${errorName}(${shown})${where}`, { cause: context.cause });
    this.errorName = errorName;
    this.signature = signature;
    this.notice = notice;
    this.values = values;
    this.contract = context.contract;
    this.functionName = context.functionName;
  }
}
