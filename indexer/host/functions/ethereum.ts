/**
 * `ethereum.*`: ABI encoding and decoding (null when they fail, as in graph-node). Calls to the chain
 * (`ethereum.call`, `getBalance`, `hasCode`) are refused: the local indexer does not call the chain from mappings.
 */
import { decodeAbiParameters, encodeAbiParameters, parseAbiParameter, type AbiParameter } from "viem";
import { bytesToHex, hexToBytes } from "../../store/layout.ts";
import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";
import { readEthereumValue, writeEthereumValue } from "../ethereumValues.ts";

const refuse = (name: string) => () => {
  throw new MappingError(`${name}: the local indexer does not call the chain from mappings`);
};

export const ethereumFunctions: HostFunctionGroup = (context) => ({
  "ethereum.call": refuse("ethereum.call"),
  "ethereum.getBalance": refuse("ethereum.getBalance"),
  "ethereum.hasCode": refuse("ethereum.hasCode"),
  "ethereum.encode": (valuePtr: number) => {
    let encoded: string;
    try {
      const { param, value } = readEthereumValue(context.heap, valuePtr);
      encoded = encodeAbiParameters([param], [value]);
    } catch {
      return 0;
    }
    return context.heap.writeBytes(hexToBytes(encoded));
  },
  "ethereum.decode": (typesPtr: number, dataPtr: number) => {
    let param: AbiParameter;
    let value: unknown;
    try {
      param = parseAbiParameter(context.heap.readString(typesPtr)) as AbiParameter;
      [value] = decodeAbiParameters([param], bytesToHex(context.heap.readBytes(dataPtr)) as `0x${string}`);
    } catch {
      return 0;
    }
    return writeEthereumValue(context.heap, param, value);
  },
});
