/** `crypto.keccak256`. */
import { keccak256 } from "viem";
import type { HostFunctionGroup } from "../context.ts";

export const cryptoFunctions: HostFunctionGroup = (context) => ({
  "crypto.keccak256": (ptr: number) => context.heap.writeBytes(keccak256(context.heap.readBytes(ptr), "bytes")),
});
