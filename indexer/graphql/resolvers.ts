/**
 * Resolvers of the query schema: root fields read at the block their `block` argument names; references
 * and child lists of an entity read at the block the entity was read at, batched per request so that a
 * list of N entities costs one query per field, not N.
 */
import type { GraphQLFieldResolver } from "graphql/index.js";
import { implementersOf, type AggregationInterval, type EntityModel, type FieldModel, type FulltextModel, type InterfaceModel } from "../schema.ts";
import { batchesOf } from "./batches.ts";
import { resolveReadPoint, storeMetaOf, type BlockHeight } from "./block.ts";
import { QueryError } from "./errors.ts";
import {
  idKey, loadByIds, loadByIdsTogether, loadChildren, loadChildrenTogether, queryById, queryCollection, readBlock, READ_AT_BLOCK,
  type CollectionArgs, type EntityRow, type PlannerSource,
} from "./planner.ts";
import { querySearch } from "./fulltext.ts";
import { loadAnyByIds, loadInterfaceChildren, queryInterfaceCollection } from "./interfacePlanner.ts";
import { normaliseHex } from "./scalars.ts";

type Resolver = GraphQLFieldResolver<any, unknown, any>;

interface RootArgs extends CollectionArgs {
  block?: BlockHeight | null;
  subgraphError?: string | null;
  id?: string;
  interval?: AggregationInterval;
  current?: "ignore" | "include";
}

/** The `id` argument (always an `ID` string) as the entity's id type. */
function entityId(entity: Pick<EntityModel, "name" | "idType">, id: string): unknown {
  if (entity.idType === "Bytes") {
    const hex = normaliseHex(id);
    if (hex === undefined) throw new QueryError(`argument \`id\`: ${JSON.stringify(id)} is not a hex id of ${entity.name}`);
    return hex;
  }
  if (entity.idType === "Int8") {
    if (!/^-?[0-9]+$/.test(id)) throw new QueryError(`argument \`id\`: ${JSON.stringify(id)} is not an Int8 id of ${entity.name}`);
    return BigInt(id);
  }
  return id;
}

/** `<entity>(id, block, subgraphError)`. */
export function singleResolver(source: PlannerSource, entity: EntityModel): Resolver {
  return async (_root, args: RootArgs, context) => {
    const { block } = await resolveReadPoint(source, args.block, args.subgraphError, storeMetaOf(context));
    return queryById(source, entity, entityId(entity, args.id!), block);
  };
}

/** `<entities>(first, skip, orderBy, orderDirection, where, block, subgraphError)`, and aggregations with `interval`. */
export function collectionResolver(source: PlannerSource, entity: EntityModel): Resolver {
  return async (_root, args: RootArgs, context) => {
    if (args.interval && !entity.aggregation?.intervals.includes(args.interval)) {
      throw new QueryError(`${entity.name} is not aggregated by ${args.interval}: its intervals are ${entity.aggregation?.intervals.join(", ")}`);
    }
    if (args.current === "include") throw new QueryError("`current: include` is not supported: aggregations answer closed buckets only");
    const { block } = await resolveReadPoint(source, args.block, args.subgraphError, storeMetaOf(context));
    return queryCollection(source, { entity, interval: args.interval }, block, args);
  };
}

/** `<interface>(id, block, subgraphError)`: the entity of whichever type implements it. */
export function interfaceSingleResolver(source: PlannerSource, iface: InterfaceModel): Resolver {
  return async (_root, args: RootArgs, context) => {
    const { block } = await resolveReadPoint(source, args.block, args.subgraphError, storeMetaOf(context));
    const id = entityId(iface, args.id!);
    const found = await loadAnyByIds(source, implementersOf(source.schema, iface.name), [id], block);
    return found.get(idKey(id)) ?? null;
  };
}

/** `<interfaces>(first, skip, orderBy, orderDirection, where, block, subgraphError)` over every implementer. */
export function interfaceCollectionResolver(source: PlannerSource, iface: InterfaceModel): Resolver {
  return async (_root, args: RootArgs, context) => {
    const { block } = await resolveReadPoint(source, args.block, args.subgraphError, storeMetaOf(context));
    return queryInterfaceCollection(source, iface.name, block, args);
  };
}

/** `<search>(text, first, skip, where, block, subgraphError)` of a `@fulltext` directive. */
export function searchResolver(source: PlannerSource, search: FulltextModel): Resolver {
  return async (_root, args: RootArgs & { text: string }, context) => {
    const { block } = await resolveReadPoint(source, args.block, args.subgraphError, storeMetaOf(context));
    return querySearch(source, search, block, args.text, args);
  };
}

const blockOf = (row: EntityRow): number | null => row[READ_AT_BLOCK] ?? null;

/** A stored reference: the referenced entity at the parent's block, batched over siblings. */
export function referenceResolver(source: PlannerSource, field: FieldModel): Resolver {
  const targets = implementersOf(source.schema, field.reference!);
  return (parent: EntityRow, _args, context) => {
    const id = parent[field.name];
    if (id === null || id === undefined) return null;
    const block = blockOf(parent);
    const batches = batchesOf(context);
    return batches.load(`ref:${field.reference}:${block}`, id, async (ids) => {
      // References to entity types (not interfaces) asked for in the same turn go to the database together.
      const found = targets.length === 1 && !source.schema.interfaces.has(field.reference!)
        ? await batches.load(`refs:${block}`, { entity: targets[0]!, ids }, (requests) => loadByIdsTogether(source, requests, block))
        : await loadAnyByIds(source, targets, ids, block);
      return ids.map((one) => found.get(idKey(one)) ?? null);
    });
  };
}

/** A derived field or a stored list of references: a page of children per parent, batched over siblings. */
export function childrenResolver(source: PlannerSource, parentEntity: EntityModel, field: FieldModel): Resolver {
  return async (parent: EntityRow, args: CollectionArgs, context) => {
    const key = field.derivedFrom ? parent.id : parent[field.name];
    if (!field.derivedFrom && (key === null || key === undefined)) return null;
    const block = blockOf(parent);
    const batchKey = `children:${parentEntity.name}.${field.name}:${block}:${JSON.stringify(args)}`;
    const pageArgs = field.list ? args : { first: 1 };
    const batches = batchesOf(context);
    let load: (parents: unknown[]) => Promise<EntityRow[][]>;
    if (source.schema.interfaces.has(field.reference!)) {
      load = (parents) => loadInterfaceChildren(source, parentEntity, field, parents, block, pageArgs);
    } else if (field.derivedFrom) {
      // The parent type's derived lists asked for in the same turn go to the database together.
      const groupKey = `derived:${parentEntity.name}:${block}`;
      load = (parents) => batches.load(groupKey, { field, parents, args: pageArgs }, (requests) => loadChildrenTogether(source, parentEntity, requests, block));
    } else {
      load = (parents) => loadChildren(source, parentEntity, field, parents, block, pageArgs);
    }
    const children = await batches.load(batchKey, key, load);
    return field.list ? children : (children[0] ?? null);
  };
}

/** `_meta(block)`: the block a query at that height reads, the deployment, and whether indexing failed. */
export function metaResolver(source: PlannerSource): Resolver {
  return async (_root, args: { block?: BlockHeight | null }, context) => {
    const { block, meta } = await resolveReadPoint(source, args.block, "allow", storeMetaOf(context));
    // Asked for a block by number, graph-node answers its number alone: hash and timestamp are null.
    const byNumber = args.block?.number !== undefined && args.block.number !== null;
    const isHead = !byNumber && block !== null && block === meta?.headNumber;
    // The block's row is read only when a selected field needs more than `_meta` holds (graphql calls a function-valued field).
    let row: ReturnType<typeof readBlock> | undefined;
    const known = () => (row ??= block === null || byNumber ? Promise.resolve(null) : readBlock(source, { number: block }));
    const headTimestamp = isHead && meta?.headTimestamp !== null && meta?.headTimestamp !== undefined ? Number(meta.headTimestamp) : null;
    return {
      block: {
        number: block ?? 0,
        hash: async () => (isHead && meta?.headHash ? meta.headHash : ((await known())?.hash ?? null)),
        parentHash: async () => (await known())?.parentHash ?? null,
        timestamp: async () => {
          if (headTimestamp !== null) return headTimestamp;
          const found = await known();
          return found ? Number(found.timestamp) : null;
        },
      },
      deployment: meta?.deployment ?? "",
      hasIndexingErrors: meta ? meta.hasErrors || meta.fatalError !== null : false,
    };
  };
}
