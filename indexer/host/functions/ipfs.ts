/**
 * `ipfs.cat` and `ipfs.getBlock`: a file's content or a block's raw bytes from the IPFS node the indexer was
 * given, or null when it cannot be had (missing, too slow, too large, not what its CID names), as graph-node
 * answers them when it allows IPFS in mappings (`GRAPH_ALLOW_NON_DETERMINISTIC_IPFS`); the reason is logged.
 * `ipfs.map` is refused at start (`host/imports.ts`), so it only fails here when a host runs a module unchecked.
 */
import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";
import type { IpfsReads } from "../types.ts";

const INFO = 3;

export const ipfsFunctions: HostFunctionGroup = (context) => {
  const read = (name: string, pathPtr: number, get: (ipfs: IpfsReads, path: string) => ReturnType<IpfsReads["cat"]>): number => {
    const path = context.heap.readString(pathPtr);
    const ipfs = context.env.ipfs;
    if (!ipfs) throw new MappingError(`${name}(${JSON.stringify(path)}): this indexer was started without an IPFS node (--ipfs)`);
    const outcome = get(ipfs, path);
    if (outcome.ok) return context.heap.writeBytes(outcome.bytes);
    context.env.log(INFO, `Failed ${name}, returning \`null\`: ${path}: ${outcome.reason}: ${outcome.message}`);
    return 0;
  };
  return {
    "ipfs.cat": (pathPtr: number) => read("ipfs.cat", pathPtr, (ipfs, path) => ipfs.cat(path)),
    "ipfs.getBlock": (pathPtr: number) => read("ipfs.getBlock", pathPtr, (ipfs, path) => ipfs.block(path)),
    "ipfs.map": () => {
      throw new MappingError("ipfs.map: this indexer does not run ipfs.map (graph-node deprecated it)");
    },
  };
};
