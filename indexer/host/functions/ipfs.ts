/** `ipfs.*`: the local indexer does not fetch IPFS content from mappings. */
import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";

const refuse = (name: string) => () => {
  throw new MappingError(`${name}: the local indexer does not read IPFS from mappings`);
};

export const ipfsFunctions: HostFunctionGroup = () => ({
  "ipfs.cat": refuse("ipfs.cat"),
  "ipfs.map": refuse("ipfs.map"),
  "ipfs.getBlock": refuse("ipfs.getBlock"),
});
