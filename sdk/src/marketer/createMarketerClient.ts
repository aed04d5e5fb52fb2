import type { ResultOf, VariablesOf } from "gql.tada";

import * as queries from "../generated/marketerQueries.js";
import { type QuerySubgraphParameters, querySubgraph } from "./querySubgraph.js";

type Queries = typeof queries;
type QueryName<K> = K extends `${infer Name}Query` ? Name : never;

/** One method per marketer query of `subgraph/queries/`, each typed from the subgraph's schema, plus raw GraphQL. */
export type MarketerClient = {
  [K in keyof Queries as QueryName<K>]: keyof VariablesOf<Queries[K]> extends never
    ? () => Promise<ResultOf<Queries[K]>>
    : (variables: VariablesOf<Queries[K]>) => Promise<ResultOf<Queries[K]>>;
} & {
  /** Any GraphQL query against the endpoint; the result is untyped. */
  raw<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
  endpoint: string;
};

export type CreateMarketerClientParameters = Omit<QuerySubgraphParameters<never>, "variables">;

/**
 * A client for the marketer's questions against any graph-node-compatible endpoint (the local indexer or
 * The Graph): `storefrontStatsPerDay()`, `activeShoppersPerDay()`, `topShoppers()`, `redemptionRates()`,
 * `partnerLeaderboard({ token })`, `referralProgramsPerToken()`, `referralStatsPerDay()`, `consentOptInRates()`,
 * `consumerRevenuePerDay()`, `shopperHistory({ shopper })`, and `raw(query)`. Every amount is a raw integer
 * string in one token (see subgraph/REFERENCE.md): points, a referral budget's `token`, or the payment token.
 *
 * @example
 * const marketer = createMarketerClient({ endpoint: "http://127.0.0.1:8000/subgraphs/name/dcrm" });
 * const { shoppers } = await marketer.topShoppers();
 */
export function createMarketerClient(parameters: CreateMarketerClientParameters): MarketerClient {
  const client: Record<string, unknown> = {
    endpoint: parameters.endpoint,
    raw: (query: string, variables?: Record<string, unknown>) => querySubgraph(query, { ...parameters, variables }),
  };
  for (const [name, document] of Object.entries(queries)) {
    client[name.replace(/Query$/, "")] = (variables?: Record<string, unknown>) => querySubgraph(document as never, { ...parameters, variables: variables as never });
  }
  return client as MarketerClient;
}
