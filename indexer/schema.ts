/**
 * The subgraph's GraphQL schema (`schema.graphql`) read into the model every part of the indexer shares:
 * entity types, their fields and value types, timeseries and aggregations. Follows graph-node's rules for
 * what a subgraph schema may say; anything else is refused with a `SchemaError` naming the type and field.
 */
import { Kind, parse, type ConstDirectiveNode, type ConstValueNode, type TypeNode } from "graphql";

/** The value types a field can hold (an entity reference holds its target's id type). */
export type ScalarType = "String" | "Bytes" | "Int" | "Int8" | "BigInt" | "BigDecimal" | "Boolean" | "Timestamp";

export const SCALARS: readonly string[] = ["ID", "String", "Bytes", "Int", "Int8", "BigInt", "BigDecimal", "Boolean", "Timestamp"];

export type AggregateFunction = "sum" | "count" | "min" | "max" | "first" | "last";

export interface FieldModel {
  name: string;
  /** The type name as written: a scalar, an enum, or an entity type. */
  typeName: string;
  /** How the value is stored: the scalar, `String` for an enum, the target's id type for a reference. */
  scalar: ScalarType;
  /** The entity type a reference points to. */
  reference?: string;
  /** The enum a value belongs to. */
  enumName?: string;
  list: boolean;
  /** `!` on the field. */
  required: boolean;
  /** `@derivedFrom(field)`: no stored value; the entities of `reference` whose `derivedFrom` field points here. */
  derivedFrom?: string;
  /** `@aggregate` on an aggregation's field. */
  aggregate?: { fn: AggregateFunction; arg?: string; cumulative: boolean };
  description?: string;
}

export type EntityKind = "entity" | "timeseries" | "aggregation";

export interface EntityModel {
  name: string;
  kind: EntityKind;
  /** Immutable entities (and timeseries) are written once and never changed. */
  immutable: boolean;
  idType: "String" | "Bytes" | "Int8";
  fields: FieldModel[];
  field: Map<string, FieldModel>;
  /** For an `@aggregation`: its intervals and source timeseries. */
  aggregation?: { intervals: AggregationInterval[]; source: string };
  description?: string;
}

export type AggregationInterval = "hour" | "day";
export const INTERVAL_SECONDS: Record<AggregationInterval, number> = { hour: 3_600, day: 86_400 };

export interface SchemaModel {
  entities: Map<string, EntityModel>;
  enums: Map<string, { values: string[]; description?: string }>;
  /** The schema text it was read from. */
  source: string;
}

/** The columns every entity table has besides its fields (`store/layout.ts`): no field may take their names. */
export const SYSTEM_COLUMNS: readonly string[] = ["vid", "block_start", "block_end"];

/** A schema the indexer cannot serve, with where it is wrong. */
export class SchemaError extends Error {
  override name = "SchemaError";
}

/** Reads `schema.graphql` text into the model. */
export function parseSchema(source: string): SchemaModel {
  let document;
  try {
    document = parse(source);
  } catch (error) {
    throw new SchemaError(`schema.graphql does not parse: ${(error as Error).message}`);
  }
  const enums: SchemaModel["enums"] = new Map();
  const objects: { name: string; directives: readonly ConstDirectiveNode[]; fields: any[]; description?: string }[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      enums.set(definition.name.value, {
        values: (definition.values ?? []).map((v) => v.name.value),
        description: definition.description?.value,
      });
    } else if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) {
      objects.push({
        name: definition.name.value,
        directives: definition.directives ?? [],
        fields: [...(definition.fields ?? [])],
        description: definition.description?.value,
      });
    } else if (definition.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      throw new SchemaError(`interface ${definition.name.value}: interfaces are not supported by this indexer yet`);
    } else if (definition.kind === Kind.SCALAR_TYPE_DEFINITION) {
      throw new SchemaError(`scalar ${definition.name.value}: a subgraph cannot declare scalars`);
    }
  }
  const objectNames = new Set(objects.map((o) => o.name));
  const entities: SchemaModel["entities"] = new Map();

  for (const object of objects) {
    const entityDirective = object.directives.find((d) => d.name.value === "entity");
    const aggregationDirective = object.directives.find((d) => d.name.value === "aggregation");
    if (object.name === "_Schema_") {
      throw new SchemaError("type _Schema_: @fulltext search is not supported by this indexer yet");
    }
    if (!entityDirective && !aggregationDirective) {
      throw new SchemaError(`type ${object.name}: needs @entity or @aggregation`);
    }
    const args = directiveArgs(entityDirective ?? aggregationDirective!);
    const kind: EntityKind = aggregationDirective ? "aggregation" : args.timeseries === true ? "timeseries" : "entity";
    const fields: FieldModel[] = object.fields.map((node) => readField(object.name, node, enums, objectNames));
    const id = fields.find((f) => f.name === "id");
    if (!id || !id.required || id.list) throw new SchemaError(`type ${object.name}: needs a non-null field id`);
    const idType = id.typeName === "ID" || id.scalar === "String" ? "String" : id.scalar;
    if (idType !== "String" && idType !== "Bytes" && idType !== "Int8") {
      throw new SchemaError(`type ${object.name}: id must be ID, String, Bytes or Int8, not ${id.typeName}`);
    }
    const model: EntityModel = {
      name: object.name,
      kind,
      immutable: kind !== "entity" || args.immutable === true,
      idType,
      fields,
      field: new Map(fields.map((f) => [f.name, f])),
      description: object.description,
    };
    if (kind !== "entity") {
      const timestamp = model.field.get("timestamp");
      if (idType !== "Int8") throw new SchemaError(`type ${object.name}: a ${kind}'s id must be Int8`);
      if (!timestamp || timestamp.typeName !== "Timestamp" || !timestamp.required) {
        throw new SchemaError(`type ${object.name}: a ${kind} needs timestamp: Timestamp!`);
      }
    }
    if (kind === "aggregation") {
      const intervals = args.intervals;
      const sourceName = args.source;
      if (!Array.isArray(intervals) || intervals.length === 0 || intervals.some((i) => i !== "hour" && i !== "day")) {
        throw new SchemaError(`type ${object.name}: @aggregation intervals must be a list of "hour" and "day"`);
      }
      if (typeof sourceName !== "string") throw new SchemaError(`type ${object.name}: @aggregation needs source`);
      model.aggregation = { intervals: intervals as AggregationInterval[], source: sourceName };
    }
    entities.set(object.name, model);
  }

  // Cross-type checks: references, derivations, aggregation sources.
  for (const entity of entities.values()) {
    for (const field of entity.fields) {
      if (field.reference) {
        const target = entities.get(field.reference)!;
        field.scalar = target.idType;
        if (field.derivedFrom) {
          const back = target.field.get(field.derivedFrom);
          if (!back || back.reference !== entity.name) {
            throw new SchemaError(`${entity.name}.${field.name}: @derivedFrom(field: "${field.derivedFrom}") needs ${target.name}.${field.derivedFrom} referencing ${entity.name}`);
          }
        }
      } else if (field.derivedFrom) {
        throw new SchemaError(`${entity.name}.${field.name}: @derivedFrom needs an entity type`);
      }
    }
    if (entity.kind === "aggregation") {
      const source = entities.get(entity.aggregation!.source);
      if (!source || source.kind !== "timeseries") {
        throw new SchemaError(`type ${entity.name}: its source ${entity.aggregation!.source} is not a timeseries`);
      }
      for (const field of entity.fields) {
        if (field.name === "id" || field.name === "timestamp") continue;
        const arg = field.aggregate?.arg;
        if (field.aggregate && field.aggregate.fn !== "count" && (!arg || !source.field.has(arg))) {
          throw new SchemaError(`${entity.name}.${field.name}: @aggregate arg ${JSON.stringify(arg)} is not a field of ${source.name}`);
        }
        if (!field.aggregate && !source.field.has(field.name)) {
          throw new SchemaError(`${entity.name}.${field.name}: a dimension must be a field of ${source.name}`);
        }
      }
    } else {
      for (const field of entity.fields) {
        if (field.aggregate) throw new SchemaError(`${entity.name}.${field.name}: @aggregate belongs on an @aggregation`);
      }
    }
  }
  return { entities, enums, source };
}

function readField(
  typeName: string,
  node: { name: { value: string }; type: TypeNode; directives?: readonly ConstDirectiveNode[]; description?: { value: string } },
  enums: SchemaModel["enums"],
  objectNames: Set<string>,
): FieldModel {
  let type = node.type;
  const required = type.kind === Kind.NON_NULL_TYPE;
  if (type.kind === Kind.NON_NULL_TYPE) type = type.type;
  let list = false;
  if (type.kind === Kind.LIST_TYPE) {
    list = true;
    type = type.type;
    if (type.kind === Kind.NON_NULL_TYPE) type = type.type;
    if (type.kind !== Kind.NAMED_TYPE) throw new SchemaError(`${typeName}.${node.name.value}: nested lists are not supported`);
  }
  const named = (type as { name: { value: string } }).name.value;
  if (SYSTEM_COLUMNS.includes(node.name.value)) {
    throw new SchemaError(
      `${typeName}.${node.name.value}: the field name ${node.name.value} is reserved (every entity table has the columns ${SYSTEM_COLUMNS.join(", ")}); rename the field`,
    );
  }
  const field: FieldModel = {
    name: node.name.value,
    typeName: named,
    scalar: "String",
    list,
    required,
    description: node.description?.value,
  };
  if (SCALARS.includes(named)) field.scalar = named === "ID" ? "String" : (named as ScalarType);
  else if (enums.has(named)) field.enumName = named;
  else if (objectNames.has(named)) field.reference = named;
  else throw new SchemaError(`${typeName}.${field.name}: unknown type ${named}`);

  for (const directive of node.directives ?? []) {
    const args = directiveArgs(directive);
    if (directive.name.value === "derivedFrom") {
      if (typeof args.field !== "string") throw new SchemaError(`${typeName}.${field.name}: @derivedFrom needs field`);
      field.derivedFrom = args.field;
    } else if (directive.name.value === "aggregate") {
      const fn = args.fn;
      if (!["sum", "count", "min", "max", "first", "last"].includes(fn as string)) {
        throw new SchemaError(`${typeName}.${field.name}: @aggregate fn ${JSON.stringify(fn)} is not sum, count, min, max, first or last`);
      }
      field.aggregate = {
        fn: fn as AggregateFunction,
        arg: typeof args.arg === "string" ? args.arg : undefined,
        cumulative: args.cumulative === true,
      };
    }
  }
  return field;
}

function directiveArgs(directive: ConstDirectiveNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of directive.arguments ?? []) out[arg.name.value] = constValue(arg.value);
  return out;
}

function constValue(node: ConstValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map(constValue);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, constValue(f.value)]));
    default:
      return null;
  }
}

/** Fields that hold a stored value (not `@derivedFrom`). */
export function storedFields(entity: EntityModel): FieldModel[] {
  return entity.fields.filter((f) => !f.derivedFrom);
}
