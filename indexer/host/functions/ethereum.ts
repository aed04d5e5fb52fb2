/**
 * `ethereum.*`: ABI encoding and decoding (null when they fail, as in graph-node), and reads of the chain at the
 * trigger's block: `ethereum.call` (contractCall.ts), `getBalance` and `hasCode` (apiVersion 0.0.9 on).
 */
import { decodeAbiParameters, encodeAbiParameters, parseAbiParameter, type AbiParameter } from "viem";
import { bytesToHex, hexToBytes } from "../../store/layout.ts";
import type { HostContext, HostFunctionGroup } from "../context.ts";
import { chainRead, ethereumCall } from "../contractCall.ts";
import { MappingError } from "../errors.ts";
import { readEthereumValue, writeEthereumValue } from "../ethereumValues.ts";

export const ethereumFunctions: HostFunctionGroup = (context) => ({
  "ethereum.call": (callPtr: number) => ethereumCall(context, callPtr),
  "ethereum.getBalance": (addressPtr: number) => {
    const address = addressOf(context, addressPtr);
    return context.heap.writeBigInt(chainRead(context, "ethereum.getBalance", (chain) => chain.balance(address, context.block.hash)));
  },
  "ethereum.hasCode": (addressPtr: number) => {
    const address = addressOf(context, addressPtr);
    return context.heap.writeWrappedBool(chainRead(context, "ethereum.hasCode", (chain) => chain.code(address, context.block.hash)) !== "0x");
  },
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

function addressOf(context: HostContext, ptr: number): string {
  if (ptr === 0) throw new MappingError("the address is null");
  return bytesToHex(context.heap.readBytes(ptr));
}
