/**
 * `ethereum.call` as graph-node answers it: the graph-ts `SmartContractCall` names a contract by its ABI's name in
 * `mapping.abis`, a function by name and signature (`name(inputs):(outputs)`, which picks among overloads), and
 * its arguments as `ethereum.Value`s. The call is encoded with that ABI, sent as `eth_call` at the trigger's block
 * (by hash), and its output decoded; a revert, an empty answer or an output that does not decode is `null`.
 */
import { decodeAbiParameters, encodeFunctionData, type Abi, type AbiFunction, type AbiParameter } from "viem";

import { bytesToHex } from "../store/layout.ts";
import { apiVersionAtLeast, type HostContext } from "./context.ts";
import { ChainCallError, MappingError } from "./errors.ts";
import { readEthereumValue, writeEthereumValue } from "./ethereumValues.ts";

/** The fields of graph-ts `SmartContractCall` (apiVersion 0.0.4 on). */
interface ContractCall {
  contractName: string;
  address: `0x${string}`;
  functionName: string;
  signature: string;
  args: { param: AbiParameter; value: unknown }[];
}

function readCall(context: HostContext, ptr: number): ContractCall {
  const heap = context.heap;
  if (ptr === 0) throw new MappingError("ethereum.call: the call is null");
  const [namePtr, addressPtr, functionPtr, signaturePtr, paramsPtr] = [0, 1, 2, 3, 4].map((index) => heap.field(ptr, index)) as [number, number, number, number, number];
  return {
    contractName: heap.readString(namePtr),
    address: bytesToHex(heap.readBytes(addressPtr)) as `0x${string}`,
    functionName: heap.readString(functionPtr),
    signature: heap.readString(signaturePtr),
    args: paramsPtr === 0 ? [] : heap.readPointerArray(paramsPtr).map((p) => readEthereumValue(heap, p)),
  };
}

/** A parameter type as ABI signatures write it: tuples spelled out as `(a,b)`. */
function typeOf(parameter: AbiParameter): string {
  const components = (parameter as { components?: readonly AbiParameter[] }).components;
  return parameter.type.startsWith("tuple") ? `(${components!.map(typeOf).join(",")})${parameter.type.slice(5)}` : parameter.type;
}

/** `name(inputs):(outputs)`, the signature graph-cli's generated bindings pass. */
export function callSignature(fn: AbiFunction): string {
  return `${fn.name}(${fn.inputs.map(typeOf).join(",")}):(${fn.outputs.map(typeOf).join(",")})`;
}

function resolveFunction(abis: ReadonlyMap<string, Abi>, call: ContractCall): AbiFunction {
  const abi = abis.get(call.contractName);
  if (!abi) throw new MappingError(`Could not find ABI for contract "${call.contractName}", try adding it to the 'abis' section of the subgraph manifest`);
  const named = abi.filter((item): item is AbiFunction => item.type === "function" && item.name === call.functionName);
  if (named.length === 0) throw new MappingError(`Unknown function "${call.contractName}::${call.functionName}" called from WASM runtime`);
  const fn = named.find((item) => callSignature(item) === call.signature);
  if (!fn) throw new MappingError(`Unknown function "${call.contractName}::${call.functionName}" with signature \`${call.signature}\` called from WASM runtime`);
  return fn;
}

/** Whether a value of graph-ts kind `given` (as read) may stand for an ABI parameter of type `wanted`. */
function fits(given: AbiParameter, wanted: AbiParameter): boolean {
  const a = typeOf(given);
  const b = typeOf(wanted);
  if (a === b) return true;
  const base = (type: string) => type.replace(/\d+$/, "");
  if (/^u?int\d*$/.test(a) && /^u?int\d*$/.test(b)) return base(a) === base(b);
  const arrayOf = (type: string) => /^(.*)\[(\d*)\]$/.exec(type);
  const [ga, wa] = [arrayOf(given.type), arrayOf(wanted.type)];
  if (ga && wa) return ga[2] === wa[2] || ga[2] === "" || wa[2] === "";
  return given.type === "tuple" && wanted.type === "tuple";
}

/** Runs `ethereum.call` for the struct at `ptr`; returns the outputs as an `Array<ethereum.Value>`, or 0 (null) on a revert. */
export function ethereumCall(context: HostContext, ptr: number): number {
  const call = readCall(context, ptr);
  const fn = resolveFunction(context.abis, call);
  const failed = (why: string) => new MappingError(`Failed to call function "${call.functionName}" of contract "${call.contractName}": ${why}`);
  if (call.args.length !== fn.inputs.length) throw failed(`expected ${fn.inputs.length} arguments, got ${call.args.length}`);
  call.args.forEach((arg, i) => {
    if (!fits(arg.param, fn.inputs[i]!)) throw failed(`type mismatch: ${typeOf(arg.param)} given for ${typeOf(fn.inputs[i]!)}`);
  });
  let data: `0x${string}`;
  try {
    data = encodeFunctionData({ abi: [fn], functionName: fn.name, args: call.args.map((a) => a.value) });
  } catch (error) {
    throw failed(`the arguments do not encode: ${(error as Error).message.split("\n")[0]}`);
  }
  const chain = context.env.chain;
  if (!chain) throw new MappingError(`ethereum.call ${call.contractName}.${call.functionName}: this indexer reads the chain through a provider it cannot call from a handler`);
  let outcome;
  try {
    outcome = chain.call(call.address, data, context.block.hash);
  } catch (error) {
    throw new ChainCallError(`Ethereum node returned an error when calling function "${call.functionName}" of contract "${call.contractName}": ${(error as Error).message}`, { cause: error });
  }
  if ("reverted" in outcome) {
    context.env.log(4, `Contract call reverted: ${call.contractName}.${call.functionName} at ${call.address}: ${outcome.reverted}`);
    return 0;
  }
  // graph-node: an empty answer from a view function, or one that does not decode, is a revert.
  if (outcome.output === "0x" && fn.outputs.length > 0) return 0;
  let values: readonly unknown[];
  try {
    values = decodeAbiParameters(fn.outputs, outcome.output);
  } catch {
    return 0;
  }
  const heap = context.heap;
  return heap.writePointerArray(
    fn.outputs.map((output, i) => writeEthereumValue(heap, output, values[i])),
    "ArrayEthereumValue",
  );
}

/** The chain read behind getBalance and hasCode, with graph-node's version rule and errors. */
export function chainRead<T>(context: HostContext, name: string, read: (chain: NonNullable<HostContext["env"]["chain"]>) => T): T {
  if (!apiVersionAtLeast(context.apiVersion, "0.0.9")) throw new MappingError(`${name} call is not supported before API version 0.0.9`);
  const chain = context.env.chain;
  if (!chain) throw new MappingError(`${name}: this indexer reads the chain through a provider it cannot call from a handler`);
  try {
    return read(chain);
  } catch (error) {
    throw new ChainCallError(`${name}: the Ethereum node returned an error: ${(error as Error).message}`, { cause: error });
  }
}
