/**
 * `dataSource.*`: the running data source's address, network and context, and `create` / `createWithContext`,
 * which hand a template's name, its parameters (the address first) and a context to the indexer; the new data
 * source takes effect once the block's triggers have run, as in graph-node.
 */
import { hexToBytes } from "../../store/layout.ts";
import type { HostFunctionGroup } from "../context.ts";
import { writeContext } from "../dataSourceContext.ts";
import { MappingError } from "../errors.ts";
import { readEntityEntries } from "../storeValues.ts";

export const dataSourceFunctions: HostFunctionGroup = (context) => {
  const create = (namePtr: number, paramsPtr: number, contextPtr: number | null) => {
    const heap = context.heap;
    const name = heap.readString(namePtr);
    const params = heap.readPointerArray(paramsPtr).map((ptr) => heap.readString(ptr));
    const created = contextPtr === null ? null : readEntityEntries(heap, contextPtr);
    if (!context.env.createDataSource) {
      throw new MappingError(`dataSource.create(${JSON.stringify(name)}): this host runs no indexer that could create data sources`);
    }
    context.env.createDataSource(name, params, created);
  };
  return {
    "dataSource.address": () => {
      const { file, address } = context.env.dataSource;
      return context.heap.writeBytes(file === undefined ? hexToBytes(address) : new TextEncoder().encode(file));
    },
    "dataSource.network": () => context.heap.writeString(context.env.dataSource.network),
    "dataSource.context": () => writeContext(context.heap, context.env.dataSource.context),
    "dataSource.create": (namePtr: number, paramsPtr: number) => create(namePtr, paramsPtr, null),
    "dataSource.createWithContext": (namePtr: number, paramsPtr: number, contextPtr: number) => create(namePtr, paramsPtr, contextPtr),
  };
};
