/**
 * The GraphQL API of the local indexer: graph-node's query schema over the SQL layout, served over HTTP.
 *
 * Every file here imports graphql's CommonJS entry (`graphql/index.js`), the one graphql-yoga loads under
 * Node. The bare "graphql" resolves to its ESM copy under a bundler (vitest), and objects of two copies fail
 * graphql's instanceof checks ("Cannot use GraphQLSchema from another module or realm").
 */
export { buildQuerySchema } from "./schemaBuilder.ts";
export { startGraphQLServer, type ExampleQuery, type GraphQLServer, type GraphQLServerOptions } from "./server.ts";
export { collectionFieldName, singleFieldName, pluralize } from "./names.ts";
export { QueryError } from "./errors.ts";
export { DEFAULT_MAX_DEPTH, QueryCostError, measureCost, queryLimitsFromEnv, type QueryCost, type QueryLimits } from "./limits.ts";
export { watchWrites, type WatchedDb } from "./storeVersion.ts";
export { AnswerCache, type AnswerCacheLimits } from "./answerCache.ts";
