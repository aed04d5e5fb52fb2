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
  /** The interfaces the type `implements`. */
  interfaces: string[];
  description?: string;
}

/**
 * An `interface`: fields every implementing entity type has, with the same types. It has no table of its own;
 * a query of it reads the tables of the types that implement it, and a reference to it names an entity of any
 * of them (all share one id type, as graph-node requires).
 */
export interface InterfaceModel {
  name: string;
  fields: FieldModel[];
  field: Map<string, FieldModel>;
  /** The entity types that implement it, in schema order. */
  implementers: string[];
  idType: EntityModel["idType"];
  description?: string;
}

export type AggregationInterval = "hour" | "day";
export const INTERVAL_SECONDS: Record<AggregationInterval, number> = { hour: 3_600, day: 86_400 };

/** The text search configurations graph-node's `@fulltext(language)` names, as PostgreSQL calls them. */
export const FULLTEXT_LANGUAGES: Record<string, string> = {
  simple: "simple", da: "danish", nl: "dutch", en: "english", fi: "finnish", fr: "french", de: "german", hu: "hungarian",
  it: "italian", no: "norwegian", pt: "portuguese", ro: "romanian", ru: "russian", es: "spanish", sv: "swedish", tr: "turkish",
};

/** A `@fulltext` search on `_Schema_`: a root field `name(text)` over the String `fields` of one entity type. */
export interface FulltextModel {
  name: string;
  /** The PostgreSQL text search configuration (`english` for `en`). */
  config: string;
  /** `rank` ranks by `ts_rank`, `proximityRank` by `ts_rank_cd`. */
  algorithm: "rank" | "proximityRank";
  entity: string;
  fields: string[];
}

export interface SchemaModel {
  entities: Map<string, EntityModel>;
  interfaces: Map<string, InterfaceModel>;
  fulltext: FulltextModel[];
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
  const objects: { name: string; directives: readonly ConstDirectiveNode[]; fields: any[]; interfaces: string[]; description?: string }[] = [];
  const interfaceNodes: { name: string; fields: any[]; description?: string }[] = [];
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
        interfaces: (definition.interfaces ?? []).map((i) => i.name.value),
        description: definition.description?.value,
      });
    } else if (definition.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      if ((definition.directives ?? []).length > 0) {
        throw new SchemaError(`interface ${definition.name.value}: an interface takes no directives (@entity belongs on the types that implement it)`);
      }
      interfaceNodes.push({ name: definition.name.value, fields: [...(definition.fields ?? [])], description: definition.description?.value });
    } else if (definition.kind === Kind.SCALAR_TYPE_DEFINITION) {
      throw new SchemaError(`scalar ${definition.name.value}: a subgraph cannot declare scalars`);
    }
  }
  const objectNames = new Set([...objects.map((o) => o.name), ...interfaceNodes.map((i) => i.name)]);
  const entities: SchemaModel["entities"] = new Map();

  for (const object of objects) {
    const entityDirective = object.directives.find((d) => d.name.value === "entity");
    const aggregationDirective = object.directives.find((d) => d.name.value === "aggregation");
    if (object.name === "_Schema_") continue;
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
      interfaces: object.interfaces,
      description: object.description,
    };
    if (kind !== "entity" && object.interfaces.length > 0) {
      throw new SchemaError(`type ${object.name}: a ${kind} cannot implement an interface`);
    }
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

  const interfaces = readInterfaces(interfaceNodes, entities, enums, objectNames);
  const schemaType = objects.find((o) => o.name === "_Schema_");
  const fulltext = schemaType ? readFulltext(schemaType.directives, entities) : [];
  const model: SchemaModel = { entities, interfaces, fulltext, enums, source };

  // Cross-type checks: references, derivations, aggregation sources.
  for (const owner of [...entities.values(), ...interfaces.values()]) {
    for (const field of owner.fields) {
      if (field.reference) {
        const target = entities.get(field.reference) ?? interfaces.get(field.reference)!;
        field.scalar = target.idType;
        if (field.derivedFrom) checkDerivation(model, owner, field);
      } else if (field.derivedFrom) {
        throw new SchemaError(`${owner.name}.${field.name}: @derivedFrom needs an entity type`);
      }
    }
  }
  for (const entity of entities.values()) {
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
  return model;
}

/**
 * The interfaces, each checked as graph-node checks them: implemented by at least one entity type, every
 * implementer has each of its fields with the same type, and all implementers have the same id type.
 */
function readInterfaces(
  nodes: { name: string; fields: any[]; description?: string }[],
  entities: Map<string, EntityModel>,
  enums: SchemaModel["enums"],
  objectNames: Set<string>,
): Map<string, InterfaceModel> {
  const interfaces = new Map<string, InterfaceModel>();
  const names = new Set(nodes.map((n) => n.name));
  for (const entity of entities.values()) {
    for (const name of entity.interfaces) {
      if (!names.has(name)) throw new SchemaError(`type ${entity.name}: implements ${name}, which is not an interface of the schema`);
    }
  }
  for (const node of nodes) {
    const fields: FieldModel[] = node.fields.map((f) => readField(node.name, f, enums, objectNames));
    const implementers = [...entities.values()].filter((e) => e.interfaces.includes(node.name));
    if (implementers.length === 0) throw new SchemaError(`interface ${node.name}: no entity type implements it`);
    const id = fields.find((f) => f.name === "id");
    if (!id || !id.required || id.list) throw new SchemaError(`interface ${node.name}: needs a non-null field id`);
    for (const entity of implementers) {
      for (const field of fields) {
        const own = entity.field.get(field.name);
        // Ids are checked together below: all implementers share one id type.
        const sameType = own && (field.name === "id" || own.typeName === field.typeName) && own.list === field.list && own.required === field.required;
        if (!sameType) {
          throw new SchemaError(`type ${entity.name}: implements ${node.name}, so it needs the field ${field.name} with the interface's type ${typeText(field)}`);
        }
      }
    }
    const idTypes = [...new Set(implementers.map((e) => e.idType))];
    if (idTypes.length > 1) {
      throw new SchemaError(`interface ${node.name}: the types that implement it must all have the same id type, but they use ${idTypes.join(" and ")}`);
    }
    interfaces.set(node.name, {
      name: node.name,
      fields,
      field: new Map(fields.map((f) => [f.name, f])),
      implementers: implementers.map((e) => e.name),
      idType: idTypes[0]!,
      description: node.description,
    });
  }
  return interfaces;
}

function typeText(field: FieldModel): string {
  const named = field.list ? `[${field.typeName}!]` : field.typeName;
  return field.required ? `${named}!` : named;
}

/**
 * `@derivedFrom(field)` on `owner.field`: every entity type the field names (the implementers, for an interface)
 * has the back reference `field`, pointing at `owner` or at an interface `owner` implements.
 */
function checkDerivation(schema: SchemaModel, owner: EntityModel | InterfaceModel, field: FieldModel): void {
  const ownerNames = new Set([owner.name, ...("interfaces" in owner ? owner.interfaces : [])]);
  for (const target of implementersOf(schema, field.reference!)) {
    const back = target.field.get(field.derivedFrom!);
    if (back?.reference === undefined || !ownerNames.has(back.reference)) {
      throw new SchemaError(`${owner.name}.${field.name}: @derivedFrom(field: "${field.derivedFrom}") needs ${target.name}.${field.derivedFrom} referencing ${owner.name}`);
    }
  }
}

/** The `@fulltext` directives of `_Schema_`, checked as graph-node checks them. */
function readFulltext(directives: readonly ConstDirectiveNode[], entities: Map<string, EntityModel>): FulltextModel[] {
  const out: FulltextModel[] = [];
  for (const directive of directives) {
    if (directive.name.value !== "fulltext") throw new SchemaError(`type _Schema_: unknown directive @${directive.name.value}`);
    const args = directiveArgs(directive);
    const name = args.name;
    if (typeof name !== "string" || !/^[a-z][A-Za-z0-9_]*$/.test(name)) {
      throw new SchemaError(`@fulltext: name ${JSON.stringify(name)} must be a field name starting with a lowercase letter`);
    }
    if (out.some((f) => f.name === name)) throw new SchemaError(`@fulltext(name: "${name}"): the name is used twice`);
    const config = FULLTEXT_LANGUAGES[args.language as string];
    if (!config) throw new SchemaError(`@fulltext(name: "${name}"): language ${JSON.stringify(args.language)} is not one of ${Object.keys(FULLTEXT_LANGUAGES).join(", ")}`);
    if (args.algorithm !== "rank" && args.algorithm !== "proximityRank") {
      throw new SchemaError(`@fulltext(name: "${name}"): algorithm ${JSON.stringify(args.algorithm)} is not rank or proximityRank`);
    }
    const include = args.include as { entity?: unknown; fields?: { name?: unknown }[] }[] | undefined;
    if (!Array.isArray(include) || include.length !== 1) throw new SchemaError(`@fulltext(name: "${name}"): include must name exactly one entity`);
    const entity = entities.get(include[0]!.entity as string);
    if (!entity || entity.kind !== "entity") throw new SchemaError(`@fulltext(name: "${name}"): ${JSON.stringify(include[0]!.entity)} is not an entity type`);
    const fields = (include[0]!.fields ?? []).map((f) => f.name as string);
    if (fields.length === 0) throw new SchemaError(`@fulltext(name: "${name}"): include needs at least one field`);
    for (const field of fields) {
      const model = entity.field.get(field);
      if (!model || model.typeName !== "String" || model.list) throw new SchemaError(`@fulltext(name: "${name}"): ${entity.name}.${field} is not a String field`);
    }
    out.push({ name, config, algorithm: args.algorithm, entity: entity.name, fields });
  }
  return out;
}

/** The entity types a type name stands for: the entity itself, or every implementer of an interface. */
export function implementersOf(schema: SchemaModel, typeName: string): EntityModel[] {
  const entity = schema.entities.get(typeName);
  if (entity) return [entity];
  return (schema.interfaces.get(typeName)?.implementers ?? []).map((name) => schema.entities.get(name)!);
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
  let fields = STORED_FIELDS.get(entity);
  if (!fields) STORED_FIELDS.set(entity, (fields = entity.fields.filter((f) => !f.derivedFrom)));
  return fields;
}

/** `storedFields` of each model, computed once (the store and the host ask for them on every write). */
const STORED_FIELDS = new WeakMap<EntityModel, FieldModel[]>();
