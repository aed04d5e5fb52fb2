/**
 * `ipfs.cat`, `ipfs.getBlock` and `ipfs.map`, from the IPFS node the indexer was given, as graph-node serves
 * them when it allows IPFS in mappings (`GRAPH_ALLOW_NON_DETERMINISTIC_IPFS`). `cat` and `getBlock` answer
 * null when the file cannot be had (missing, too slow, too large, not what its CID names), with the reason
 * logged. `map` reads a file of JSON values, one a line, and calls the mapping's exported callback on each
 * (with the user data) in a fresh instance, its writes going to the running trigger's block; a file it cannot
 * read or a line that is not JSON fails the handler.
 */
import type { HostFunctionGroup } from "../context.ts";
import { writeTagged } from "../dataSourceContext.ts";
import { MappingError } from "../errors.ts";
import { parseJsonText } from "../jsonText.ts";
import { readStoreValue } from "../storeValues.ts";
import type { IpfsReads } from "../types.ts";
import { writeJson } from "./json.ts";

const INFO = 3;

export const ipfsFunctions: HostFunctionGroup = (context) => {
  const node = (name: string, path: string): IpfsReads => {
    const ipfs = context.env.ipfs;
    if (!ipfs) throw new MappingError(`${name}(${JSON.stringify(path)}): this indexer was started without an IPFS node (--ipfs)`);
    return ipfs;
  };
  const read = (name: string, pathPtr: number, get: (ipfs: IpfsReads, path: string) => ReturnType<IpfsReads["cat"]>): number => {
    const path = context.heap.readString(pathPtr);
    const outcome = get(node(name, path), path);
    if (outcome.ok) return context.heap.writeBytes(outcome.bytes);
    context.env.log(INFO, `Failed ${name}, returning \`null\`: ${path}: ${outcome.reason}: ${outcome.message}`);
    return 0;
  };
  return {
    "ipfs.cat": (pathPtr: number) => read("ipfs.cat", pathPtr, (ipfs, path) => ipfs.cat(path)),
    "ipfs.getBlock": (pathPtr: number) => read("ipfs.getBlock", pathPtr, (ipfs, path) => ipfs.block(path)),
    "ipfs.map": (pathPtr: number, callbackPtr: number, userDataPtr: number, flagsPtr: number) => {
      const heap = context.heap;
      const path = heap.readString(pathPtr);
      const callback = heap.readString(callbackPtr);
      const userData = readStoreValue(heap, userDataPtr);
      const flags = heap.readPointerArray(flagsPtr).map((ptr) => heap.readString(ptr));
      if (!flags.includes("json")) throw new MappingError(`ipfs.map(${JSON.stringify(path)}): the flags must include "json", not ${JSON.stringify(flags)}`);
      const outcome = node("ipfs.map", path).cat(path);
      if (!outcome.ok) throw new MappingError(`ipfs.map(${JSON.stringify(path)}): ${outcome.reason}: ${outcome.message}`);
      const lines = new TextDecoder().decode(outcome.bytes).split("\n");
      for (const [index, line] of lines.entries()) {
        if (line.trim() === "") continue;
        let value;
        try {
          value = parseJsonText(line);
        } catch (error) {
          throw new MappingError(`ipfs.map(${JSON.stringify(path)}): line ${index + 1} is not JSON: ${(error as Error).message}`);
        }
        context.invoke!(callback, (inner) => [writeJson(inner, value), writeTagged(inner, userData)]);
      }
    },
  };
};
