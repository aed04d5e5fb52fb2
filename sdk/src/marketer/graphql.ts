import { initGraphQLTada } from "gql.tada";

import type { introspection } from "../generated/graphql-env.js";

/**
 * `graphql()` typed against the subgraph's query API (gql.tada): a query written with it has its result and
 * variables types inferred from the schema. Subgraph scalars arrive as JSON strings (BigInt, BigDecimal,
 * Bytes, Int8, Timestamp).
 *
 * @example
 * const query = graphql(`query { storefronts(first: 5) { id issued } }`);
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { BigInt: string; BigDecimal: string; Bytes: string; Int8: string; Timestamp: string; ID: string };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from "gql.tada";
