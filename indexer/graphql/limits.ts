/**
 * Query cost limits, so that one client cannot take the server down: how deep a query nests, how many
 * entities it may return (its complexity), and how large its answer may be. Each is read from the
 * environment variable graph-node reads for it, with graph-node's default, and a query over a limit is
 * refused with graph-node's message for it.
 */
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLList,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql/index.js";

/** The limits a query must keep; absent ones do not apply. */
export interface QueryLimits {
  /** Deepest nesting of fields, top-level fields being depth 1; graph-node's default 255. */
  maxDepth?: number;
  /** Most entities a query may potentially return, counting `first` (default 100) per collection. */
  maxComplexity?: number;
  /** Largest answer, in bytes of its JSON `data`. */
  maxResultBytes?: number;
}

/** graph-node's default depth limit; complexity and result size are unlimited by default, as there. */
export const DEFAULT_MAX_DEPTH = 255;

/**
 * Limits from `GRAPH_GRAPHQL_MAX_DEPTH`, `GRAPH_GRAPHQL_MAX_COMPLEXITY` and `GRAPH_GRAPHQL_ERROR_RESULT_SIZE`
 * (bytes), the variables graph-node reads.
 */
export function queryLimitsFromEnv(env: Record<string, string | undefined>): QueryLimits {
  return {
    maxDepth: positiveInteger(env, "GRAPH_GRAPHQL_MAX_DEPTH") ?? DEFAULT_MAX_DEPTH,
    maxComplexity: positiveInteger(env, "GRAPH_GRAPHQL_MAX_COMPLEXITY"),
    maxResultBytes: positiveInteger(env, "GRAPH_GRAPHQL_ERROR_RESULT_SIZE"),
  };
}

function positiveInteger(env: Record<string, string | undefined>, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, but is \`${text}\``);
  return value;
}

/** A query refused for its cost; reaches clients with HTTP 400, as other refused queries. */
export class QueryCostError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: "QUERY_TOO_COSTLY" } });
    this.name = "QueryCostError";
  }
}

export function tooDeep(maxDepth: number): QueryCostError {
  return new QueryCostError(`query has a depth that exceeds the limit of \`${maxDepth}\``);
}

export function tooComplex(complexity: number, maxComplexity: number): QueryCostError {
  return new QueryCostError(
    `query potentially returns \`${complexity}\` entities or more and thereby exceeds the limit of \`${maxComplexity}\` entities. ` +
      "Possible solutions are reducing the depth of the query, querying fewer relationships or using `first` to return smaller collections",
  );
}

export function resultTooBig(bytes: number, maxBytes: number): QueryCostError {
  return new QueryCostError(`the result size of ${bytes} is larger than the allowed limit of ${maxBytes}`);
}

/** What one operation costs: its depth and the entities it may potentially return. */
export interface QueryCost {
  depth: number;
  complexity: number;
}

/**
 * The cost of `operation`, fragments inlined. A collection field (one taking `first`) counts `first` entities,
 * each with the entities of its own selection; a single entity counts one. Stops counting once `limits` are
 * passed, so a hostile query costs little to refuse.
 */
export function measureCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): QueryCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const root = operation.operation === "query" ? schema.getQueryType() : undefined;
  const values = withDefaults(operation, variables);
  // A fragment's cost depends only on where it is spread (its depth and type): each is counted once per
  // place, so fragments that spread each other many times over cannot make the count itself explode.
  const fragmentCosts = new Map<string, number>();
  let deepest = 0;

  const walk = (selectionSet: SelectionSetNode, type: SelectableType | undefined, depth: number, spreads: Set<string>): number => {
    let entities = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || spreads.has(name)) continue; // graphql's own validation names these
        const fragmentType = typeNamed(schema, fragment.typeCondition.name.value) ?? type;
        const key = `${name}:${depth}:${fragmentType?.name ?? ""}`;
        let cost = fragmentCosts.get(key);
        if (cost === undefined) {
          cost = walk(fragment.selectionSet, fragmentType, depth, new Set(spreads).add(name));
          fragmentCosts.set(key, cost);
        }
        entities += cost;
        if (entities > (limits.maxComplexity ?? Infinity)) return entities;
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? typeNamed(schema, selection.typeCondition.name.value) : type;
        entities += walk(selection.selectionSet, condition ?? type, depth, spreads);
        continue;
      }
      deepest = Math.max(deepest, depth);
      if (!selection.selectionSet || depth > (limits.maxDepth ?? Infinity)) continue;
      const field = type?.getFields()[selection.name.value];
      const childType = field ? getNamedType(field.type) : undefined;
      const count = field ? entitiesPerParent(field, selection.arguments ?? [], values) : 1;
      entities += count * (1 + walk(selection.selectionSet, isSelectable(childType) ? childType : undefined, depth + 1, spreads));
      if (entities > (limits.maxComplexity ?? Infinity)) return entities;
    }
    return entities;
  };

  const complexity = walk(operation.selectionSet, root ?? undefined, 1, new Set());
  return { depth: deepest, complexity };
}

/** A type whose fields a selection picks: an entity type or an interface of entity types. */
type SelectableType = GraphQLObjectType | GraphQLInterfaceType;

function isSelectable(type: unknown): type is SelectableType {
  return isObjectType(type) || isInterfaceType(type);
}

function typeNamed(schema: GraphQLSchema, name: string): SelectableType | undefined {
  const type = schema.getType(name);
  return isSelectable(type) ? type : undefined;
}

/** The request's variables, with the operation's defaults for those it leaves out. */
function withDefaults(operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (values[name] === undefined && definition.defaultValue) values[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return values;
}

/** `first` (or its default) for a paged collection, 1 for anything else. */
function entitiesPerParent(field: GraphQLField<unknown, unknown>, args: readonly { name: { value: string }; value: ValueNode }[], variables: Record<string, unknown> | undefined): number {
  if (!(getNullableType(field.type) instanceof GraphQLList)) return 1;
  const first = field.args.find((arg) => arg.name === "first");
  if (!first) return 1;
  const given = args.find((arg) => arg.name.value === "first")?.value;
  const value =
    given?.kind === Kind.INT ? Number(given.value)
    : given?.kind === Kind.VARIABLE ? variables?.[given.name.value]
    : first.defaultValue;
  return typeof value === "number" && value > 0 ? value : 1;
}
