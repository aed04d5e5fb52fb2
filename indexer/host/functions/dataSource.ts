/** `dataSource.*`: the running data source's address, network and context; templates are not supported yet. */
import { hexToBytes } from "../../store/layout.ts";
import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";
import { writeEntity } from "../storeValues.ts";

export const dataSourceFunctions: HostFunctionGroup = (context) => {
  const create = (namePtr: number) => {
    const name = context.heap.readString(namePtr);
    throw new MappingError(`dataSource.create(${JSON.stringify(name)}): data source templates are not supported by the local indexer yet`);
  };
  return {
    "dataSource.address": () => context.heap.writeBytes(hexToBytes(context.env.dataSource.address)),
    "dataSource.network": () => context.heap.writeString(context.env.dataSource.network),
    "dataSource.context": () => writeEntity(context.heap, context.env.dataSource.context ?? {}, () => undefined),
    "dataSource.create": create,
    "dataSource.createWithContext": create,
  };
};
