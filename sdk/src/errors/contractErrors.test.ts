import type { AbiError } from "abitype";
import { encodeErrorResult, toFunctionSelector } from "viem";
import { describe, expect, it } from "vitest";

import { consentRegistryAbi, dataAccessPaymentsAbi, referralEscrowAbi, rewardTokenAbi } from "../generated/contracts.js";
import { contractErrorClasses, contractErrorsAbi, OrderAlreadyRewardedError } from "../generated/errors.js";
import { ContractRevertError } from "./contractRevertError.js";
import { decodeRevert } from "./decodeRevert.js";
import { ContractFunctionExecutionError, ContractFunctionRevertedError } from "viem";

const abis = { RewardToken: rewardTokenAbi, ReferralEscrow: referralEscrowAbi, ConsentRegistry: consentRegistryAbi, DataAccessPayments: dataAccessPaymentsAbi };
const signatureOf = (item: AbiError) => `${item.name}(${item.inputs.map((input) => input.type).join(",")})`;

/** A value of each Solidity type, as viem decodes it. */
function sampleOf(type: string, i: number): unknown {
  if (type === "address") return `0x${(i + 1).toString(16).padStart(40, "0")}`;
  if (type === "bool") return true;
  if (type === "bytes32") return `0x${(i + 7).toString(16).padStart(64, "0")}`;
  const bits = Number(type.match(/^u?int(\d+)$/)?.[1] ?? 256);
  return bits <= 48 ? i + 3 : BigInt(i + 3) * 10n ** 20n;
}

describe("the generated error table", () => {
  const every = Object.entries(abis).flatMap(([contract, abi]) => (abi as readonly { type: string }[]).filter((item): item is AbiError => item.type === "error").map((item) => ({ contract, item })));

  it("has a class for every custom error of every contract", () => {
    expect(every.length).toBeGreaterThan(80);
    for (const { item } of every) expect(contractErrorClasses, signatureOf(item)).toHaveProperty([signatureOf(item)]);
    expect(Object.keys(contractErrorClasses).sort()).toEqual([...new Set(every.map(({ item }) => signatureOf(item)))].sort());
    expect(contractErrorsAbi).toHaveLength(Object.keys(contractErrorClasses).length);
  });

  it("decodes every error's revert data into its class, with its values and a readable message", () => {
    for (const { contract, item } of every) {
      const args = item.inputs.map((input, i) => sampleOf(input.type, i));
      const data = encodeErrorResult({ abi: [item], errorName: item.name, args });
      const reverted = new ContractFunctionRevertedError({ abi: abis[contract as keyof typeof abis], data, functionName: "f" });
      const thrown = new ContractFunctionExecutionError(reverted, { abi: abis[contract as keyof typeof abis], functionName: "f", contractAddress: "0x0000000000000000000000000000000000000001" });
      const error = decodeRevert(thrown, { contract, functionName: "f" });
      const ErrorClass = contractErrorClasses[signatureOf(item) as keyof typeof contractErrorClasses];
      expect(error, signatureOf(item)).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(ContractRevertError);
      expect(error!.errorName).toBe(item.name);
      expect(error!.name).toBe(ErrorClass.name);
      expect(error!.notice.length).toBeGreaterThan(5);
      expect(error!.message).toContain(error!.notice);
      expect(error!.message).toContain(`(${contract}.f)`);
      item.inputs.forEach((input, i) => {
        const name = input.name || `arg${i}`;
        expect((error!.values as Record<string, unknown>)[name], `${signatureOf(item)}.${name}`).toEqual(args[i]);
        expect(error!.message).toContain(`${name}: ${String(args[i])}`);
      });
      expect(toFunctionSelector(signatureOf(item))).toBe(data.slice(0, 10));
    }
  });

  it("decodes an error the called contract's ABI lacks from the table of every system error", () => {
    const item = rewardTokenAbi.find((entry) => entry.type === "error" && entry.name === "OrderAlreadyRewarded") as AbiError;
    const data = encodeErrorResult({ abi: [item], errorName: "OrderAlreadyRewarded", args: ["0x0000000000000000000000000000000000000002", 42n] });
    const reverted = new ContractFunctionRevertedError({ abi: [], data, functionName: "f" });
    const error = decodeRevert(new ContractFunctionExecutionError(reverted, { abi: [], functionName: "f" }));
    expect(error).toBeInstanceOf(OrderAlreadyRewardedError);
    expect(error).toMatchObject({ storefront: "0x0000000000000000000000000000000000000002", orderId: 42n });
    expect(error!.message).toBe("The storefront's order was already rewarded. OrderAlreadyRewarded(storefront: 0x0000000000000000000000000000000000000002, orderId: 42)");
  });

  it("leaves what is not a contract revert alone", () => {
    expect(decodeRevert(new Error("network down"))).toBeUndefined();
  });
});
