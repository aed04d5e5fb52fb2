/**
 * The query schema graph-node derives from a subgraph schema: per entity type an object type, a
 * `<Type>_filter` input, a `<Type>_orderBy` enum, and root fields `<type>(id)` and `<types>(…)`; the same
 * per interface, over every type that implements it; per aggregation `<types>(interval, …)`; and `_meta`. Resolvers read the SQL layout of `store/layout.ts`.
 */
import {
  GraphQLBoolean, GraphQLEnumType, GraphQLID, GraphQLInputObjectType, GraphQLInt, GraphQLInterfaceType, GraphQLList, GraphQLNonNull,
  GraphQLObjectType, GraphQLSchema, GraphQLString,
  type GraphQLFieldConfig, type GraphQLFieldConfigArgumentMap, type GraphQLInputFieldConfigMap, type GraphQLInputType,
  type GraphQLOutputType, type GraphQLScalarType,
} from "graphql/index.js";
import type { EntityModel, FieldModel, InterfaceModel, SchemaModel } from "../schema.ts";
import type { Db } from "../store/db.ts";
import { collectionFieldName, singleFieldName } from "./names.ts";
import { ENTITY_TYPE, type EntityRow, type PlannerSource } from "./planner.ts";
import {
  childrenResolver, collectionResolver, interfaceCollectionResolver, interfaceSingleResolver, metaResolver, referenceResolver, searchResolver,
  singleResolver,
} from "./resolvers.ts";
import { CUSTOM_SCALARS } from "./scalars.ts";

const BUILTIN_SCALARS: Record<string, GraphQLScalarType> = {
  ID: GraphQLID, String: GraphQLString, Int: GraphQLInt, Boolean: GraphQLBoolean, ...CUSTOM_SCALARS,
};

const COMPARISON = ["", "_not", "_gt", "_lt", "_gte", "_lte", "_in", "_not_in"];
const TEXT = [
  "_contains", "_contains_nocase", "_not_contains", "_not_contains_nocase",
  "_starts_with", "_starts_with_nocase", "_not_starts_with", "_not_starts_with_nocase",
  "_ends_with", "_ends_with_nocase", "_not_ends_with", "_not_ends_with_nocase",
];
const LIST_OPS = ["", "_not", "_contains", "_contains_nocase", "_not_contains", "_not_contains_nocase"];

/** Which filters an aggregation's numeric and Timestamp fields take (graph-node's `FilterOps::Aggregation`). */
const AGGREGATION_NUMERIC = ["", "_gt", "_lt", "_gte", "_lte", "_in"];
const NUMERIC_TYPES = ["Int", "Int8", "BigInt", "BigDecimal", "Timestamp"];
const ENUM_OPS = ["", "_not", "_in", "_not_in"];

/**
 * The filter suffixes of a single-valued field, by its type (`typeName`: a scalar, `ID`, or for a
 * reference the scalar its id is filtered as) as graph-node chooses them. An aggregation's fields take
 * fewer: numeric and Timestamp fields equality, comparisons and `_in`; others equality only.
 */
function filterSuffixes(field: FieldModel, typeName: string, aggregation: boolean): string[] {
  if (field.enumName) return ENUM_OPS;
  if (aggregation) return NUMERIC_TYPES.includes(typeName) ? AGGREGATION_NUMERIC : [""];
  if (typeName === "Boolean") return ENUM_OPS;
  if (typeName === "String") return [...COMPARISON, ...TEXT];
  if (typeName === "Bytes") return [...COMPARISON, "_contains", "_not_contains"];
  return COMPARISON;
}

/** Builds the GraphQL schema that serves `schema`'s entities from `db`'s tables in `namespace`. */
export function buildQuerySchema(options: { schema: SchemaModel; db: Db; namespace: string }): GraphQLSchema {
  const source: PlannerSource = options;
  const model = options.schema;

  const enums = new Map<string, GraphQLEnumType>();
  for (const [name, definition] of model.enums) {
    enums.set(name, new GraphQLEnumType({
      name,
      description: definition.description,
      values: Object.fromEntries(definition.values.map((value) => [value, { value }])),
    }));
  }
  const orderDirection = new GraphQLEnumType({ name: "OrderDirection", description: "Defines the order direction, either ascending or descending", values: { asc: {}, desc: {} } });
  const errorPolicy = new GraphQLEnumType({
    name: "_SubgraphErrorPolicy_",
    values: {
      allow: { description: "Data will be returned even if the subgraph has indexing errors" },
      deny: { description: "If the subgraph has indexing errors, data will be omitted. The default." },
    },
  });
  const blockHeight = new GraphQLInputObjectType({
    name: "Block_height",
    fields: { hash: { type: CUSTOM_SCALARS.Bytes! }, number: { type: GraphQLInt }, number_gte: { type: GraphQLInt } },
  });
  const blockChanged = new GraphQLInputObjectType({ name: "BlockChangedFilter", fields: { number_gte: { type: new GraphQLNonNull(GraphQLInt) } } });
  const interval = new GraphQLEnumType({ name: "Aggregation_interval", values: { hour: {}, day: {} } });
  const current = new GraphQLEnumType({
    name: "Aggregation_current",
    values: {
      ignore: { description: "Only closed buckets (the default)" },
      include: { description: "Also the bucket still being filled (not supported by this indexer)" },
    },
  });

  const objects = new Map<string, GraphQLObjectType | GraphQLInterfaceType>();
  const interfaceTypes = new Map<string, GraphQLInterfaceType>();
  const filters = new Map<string, GraphQLInputObjectType>();
  const orderBys = new Map<string, GraphQLEnumType>();

  const scalarType = (field: FieldModel): GraphQLScalarType | GraphQLEnumType =>
    field.enumName ? enums.get(field.enumName)! : BUILTIN_SCALARS[field.name === "id" && field.typeName === "ID" ? "ID" : field.typeName] ?? BUILTIN_SCALARS[field.scalar]!;

  const collectionArgs = (target: { name: string }): GraphQLFieldConfigArgumentMap => ({
    skip: { type: GraphQLInt, defaultValue: 0 },
    first: { type: GraphQLInt, defaultValue: 100 },
    orderBy: { type: orderBys.get(target.name)! },
    orderDirection: { type: orderDirection },
    where: { type: filters.get(target.name)! },
  });
  // Aggregations take an interval and are not ordered: they answer the newest bucket first.
  const aggregationArgs = (target: EntityModel): GraphQLFieldConfigArgumentMap => ({
    skip: { type: GraphQLInt, defaultValue: 0 },
    first: { type: GraphQLInt, defaultValue: 100 },
    interval: { type: new GraphQLNonNull(interval) },
    orderBy: { type: orderBys.get(target.name)! },
    orderDirection: { type: orderDirection },
    where: { type: filters.get(target.name)! },
    current: { type: current, defaultValue: "ignore" },
  });

  for (const iface of model.interfaces.values()) {
    orderBys.set(iface.name, new GraphQLEnumType({ name: `${iface.name}_orderBy`, values: orderByValues(model, iface) }));
    filters.set(iface.name, new GraphQLInputObjectType({ name: `${iface.name}_filter`, fields: () => filterFields(iface, false) }));
    const type = new GraphQLInterfaceType({
      name: iface.name,
      description: iface.description,
      fields: () => Object.fromEntries(iface.fields.map((field) => [field.name, interfaceField(field)])),
      resolveType: (row: EntityRow) => row[ENTITY_TYPE],
    });
    interfaceTypes.set(iface.name, type);
    objects.set(iface.name, type);
  }

  for (const entity of model.entities.values()) {
    orderBys.set(entity.name, new GraphQLEnumType({ name: `${entity.name}_orderBy`, values: orderByValues(model, entity) }));
    filters.set(entity.name, new GraphQLInputObjectType({
      name: `${entity.name}_filter`,
      fields: () => filterFields(entity, entity.kind === "aggregation"),
    }));
    objects.set(entity.name, new GraphQLObjectType({
      name: entity.name,
      description: entity.description,
      interfaces: () => entity.interfaces.map((name) => interfaceTypes.get(name)!),
      fields: () => Object.fromEntries(entity.fields.map((field) => [field.name, objectField(entity, field)])),
    }));
  }

  function outputType(field: FieldModel): GraphQLOutputType {
    let base: GraphQLOutputType = field.reference ? objects.get(field.reference)! : scalarType(field);
    if (field.list) base = new GraphQLList(field.reference ? new GraphQLNonNull(base) : base);
    return field.required ? new GraphQLNonNull(base) : base;
  }

  /** An interface's field: its type and arguments; the implementing type's own field resolves it. */
  function interfaceField(field: FieldModel): GraphQLFieldConfig<unknown, unknown> {
    const type = outputType(field);
    if (field.reference && field.list) return { type, description: field.description, args: collectionArgs({ name: field.reference }) };
    return { type, description: field.description };
  }

  function objectField(entity: EntityModel, field: FieldModel): GraphQLFieldConfig<unknown, unknown> {
    const type = outputType(field);
    if (!field.reference) return { type, description: field.description };
    if (field.list) return { type, description: field.description, args: collectionArgs({ name: field.reference }), resolve: childrenResolver(source, entity, field) };
    if (field.derivedFrom) return { type, description: field.description, resolve: childrenResolver(source, entity, field) };
    return { type, description: field.description, resolve: referenceResolver(source, field) };
  }

  function filterFields(entity: EntityModel | InterfaceModel, aggregation: boolean): GraphQLInputFieldConfigMap {
    const fields: GraphQLInputFieldConfigMap = {};
    const add = (name: string, suffixes: string[], type: GraphQLInputType, listType: GraphQLInputType) => {
      for (const suffix of suffixes) fields[`${name}${suffix}`] = { type: suffix === "_in" || suffix === "_not_in" ? listType : type };
    };
    for (const field of entity.fields) {
      // graph-node filters an aggregation on its id, timestamp and dimensions only, not on aggregated values.
      if (aggregation && field.aggregate) continue;
      if (field.reference) {
        if (!field.derivedFrom) {
          // References are filtered by the target's id: a String (hex for Bytes ids), or an Int for Int8 ids.
          const idInput = field.scalar === "Int8" ? GraphQLInt : GraphQLString;
          const idList = new GraphQLList(new GraphQLNonNull(idInput));
          if (field.list) add(field.name, LIST_OPS, idList, idList);
          // A reference to a Bytes id takes the Bytes operations (no text or `_nocase` ones), as in graph-node.
          else add(field.name, filterSuffixes(field, field.scalar === "Bytes" ? "Bytes" : idInput.name, aggregation), idInput, idList);
        }
        fields[`${field.name}_`] = { type: filters.get(field.reference)! };
        continue;
      }
      const base = scalarType(field);
      const list = new GraphQLList(new GraphQLNonNull(base));
      if (field.list) add(field.name, LIST_OPS, list, list);
      else add(field.name, filterSuffixes(field, field.typeName, aggregation), base, list);
    }
    fields._change_block = { type: blockChanged, description: "Filter for the block changed event." };
    fields.and = { type: new GraphQLList(filters.get(entity.name)!) };
    fields.or = { type: new GraphQLList(filters.get(entity.name)!) };
    return fields;
  }

  const queryFields: Record<string, GraphQLFieldConfig<unknown, unknown>> = {};
  const blockArgs: GraphQLFieldConfigArgumentMap = {
    block: { type: blockHeight, description: "The block at which the query should be executed. Can either be a `{ hash: Bytes }` value containing a block hash, a `{ number: Int }` containing the block number, or a `{ number_gte: Int }` containing the minimum block number. In the case of `number_gte`, the query will be executed on the latest block only if the subgraph has progressed to or past the minimum block number. Defaults to the latest block when omitted." },
    subgraphError: { type: new GraphQLNonNull(errorPolicy), defaultValue: "deny", description: "Set to `allow` to receive data even if the subgraph has skipped over errors while syncing." },
  };
  for (const entity of model.entities.values()) {
    const object = objects.get(entity.name)!;
    const list = new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(object)));
    if (entity.kind === "aggregation") {
      queryFields[collectionFieldName(entity.name)] = {
        type: list,
        args: { ...aggregationArgs(entity), ...blockArgs },
        resolve: collectionResolver(source, entity),
      };
      continue;
    }
    queryFields[singleFieldName(entity.name)] = {
      type: object,
      args: { id: { type: new GraphQLNonNull(GraphQLID) }, ...blockArgs },
      resolve: singleResolver(source, entity),
    };
    queryFields[collectionFieldName(entity.name)] = { type: list, args: { ...collectionArgs(entity), ...blockArgs }, resolve: collectionResolver(source, entity) };
  }

  for (const iface of model.interfaces.values()) {
    const type = interfaceTypes.get(iface.name)!;
    queryFields[singleFieldName(iface.name)] = {
      type,
      args: { id: { type: new GraphQLNonNull(GraphQLID) }, ...blockArgs },
      resolve: interfaceSingleResolver(source, iface),
    };
    queryFields[collectionFieldName(iface.name)] = {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type))),
      args: { ...collectionArgs(iface), ...blockArgs },
      resolve: interfaceCollectionResolver(source, iface),
    };
  }

  for (const search of model.fulltext) {
    queryFields[search.name] = {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(objects.get(search.entity)!))),
      args: {
        text: { type: new GraphQLNonNull(GraphQLString) },
        first: { type: GraphQLInt, defaultValue: 100 },
        skip: { type: GraphQLInt, defaultValue: 0 },
        where: { type: filters.get(search.entity)! },
        ...blockArgs,
      },
      resolve: searchResolver(source, search),
    };
  }

  const blockType = new GraphQLObjectType({
    name: "_Block_",
    fields: {
      hash: { type: CUSTOM_SCALARS.Bytes!, description: "The hash of the block" },
      number: { type: new GraphQLNonNull(GraphQLInt), description: "The block number" },
      timestamp: { type: GraphQLInt, description: "Integer representation of the timestamp stored in blocks for the chain" },
      parentHash: { type: CUSTOM_SCALARS.Bytes!, description: "The hash of the parent block" },
    },
  });
  const metaType = new GraphQLObjectType({
    name: "_Meta_",
    description: "The type for the top-level _meta field",
    fields: {
      block: { type: new GraphQLNonNull(blockType) },
      deployment: { type: new GraphQLNonNull(GraphQLString), description: "The deployment ID" },
      hasIndexingErrors: { type: new GraphQLNonNull(GraphQLBoolean), description: "If `true`, the subgraph encountered indexing errors at some past block" },
    },
  });
  queryFields._meta = { type: metaType, args: { block: { type: blockHeight } }, resolve: metaResolver(source) };

  // Every implementing type is part of the schema even when no field names it (for `... on Type` fragments).
  const types = [...objects.values()].filter((type) => type instanceof GraphQLObjectType);
  return new GraphQLSchema({ query: new GraphQLObjectType({ name: "Query", fields: queryFields }), types });
}

/**
 * Every field, and `reference__field` for the single-valued, non-reference fields of a to-one reference
 * (graph-node's enum; ordering by a derived field is refused when asked for).
 */
function orderByValues(model: SchemaModel, entity: EntityModel | InterfaceModel): Record<string, object> {
  const values: Record<string, object> = {};
  for (const field of entity.fields) {
    values[field.name] = {};
    if (field.reference && !field.list) {
      for (const child of (model.entities.get(field.reference) ?? model.interfaces.get(field.reference)!).fields) {
        if (!child.list && !child.reference) values[`${field.name}__${child.name}`] = {};
      }
    }
  }
  return values;
}
