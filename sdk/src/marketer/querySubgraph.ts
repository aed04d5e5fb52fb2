import type { TadaDocumentNode } from "gql.tada";
import { print } from "@0no-co/graphql.web";

import { DcrmError } from "../errors/dcrmError.js";

/** The endpoint answered with an HTTP error, something that is not GraphQL, or GraphQL errors. */
export class SubgraphQueryError extends DcrmError {
  override name = "SubgraphQueryError";
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly errors: readonly { message: string }[];

  constructor(endpoint: string, status: number | undefined, errors: readonly { message: string }[]) {
    super(`The subgraph at ${endpoint} answered ${status === undefined ? "nothing" : `HTTP ${status}`}: ${errors.map((e) => e.message).join("; ")}`);
    this.endpoint = endpoint;
    this.status = status;
    this.errors = errors;
  }
}

export interface QuerySubgraphParameters<TVariables> {
  /** A graph-node-compatible query URL: the local indexer's `http://127.0.0.1:8000/subgraphs/name/dcrm`, or The Graph's. */
  endpoint: string;
  variables?: TVariables;
  /** Extra headers (e.g. an API key for a gateway). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/**
 * Sends a GraphQL query (a typed document from `graphql()` or a plain string) to a graph-node-compatible
 * endpoint and returns its `data`; HTTP and GraphQL errors throw {@link SubgraphQueryError}.
 *
 * @example
 * const data = await querySubgraph(topShoppersQuery, { endpoint });
 * data.shoppers[0]?.earned; // typed from the subgraph's schema
 */
export async function querySubgraph<TResult, TVariables>(
  query: TadaDocumentNode<TResult, TVariables> | string,
  parameters: QuerySubgraphParameters<TVariables>,
): Promise<TResult> {
  const { endpoint } = parameters;
  const body = JSON.stringify({ query: typeof query === "string" ? query : print(query), variables: parameters.variables ?? {} });
  let response: Response;
  try {
    response = await (parameters.fetch ?? fetch)(endpoint, { method: "POST", headers: { "content-type": "application/json", accept: "application/json", ...parameters.headers }, body });
  } catch (error) {
    throw new SubgraphQueryError(endpoint, undefined, [{ message: (error as Error).message }]);
  }
  let payload: { data?: TResult; errors?: { message: string }[] };
  try {
    payload = (await response.json()) as typeof payload;
  } catch {
    throw new SubgraphQueryError(endpoint, response.status, [{ message: "the answer is not JSON" }]);
  }
  if (!response.ok || payload.errors?.length || payload.data === undefined) {
    throw new SubgraphQueryError(endpoint, response.status, payload.errors?.length ? payload.errors : [{ message: response.ok ? "no data" : response.statusText }]);
  }
  return payload.data;
}
