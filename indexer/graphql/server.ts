/**
 * graph-node's query endpoint over HTTP: `POST /subgraphs/name/<name>` (GET in a browser opens GraphiQL, served
 * whole from the npm package `@graphql-yoga/render-graphiql`, so it works offline, with any example queries
 * given open in its tabs). Queries the
 * API refuses (bad syntax, unknown fields, bad arguments) answer 400 with `{ errors: [{ message }] }`;
 * other paths answer 404; internal failures reach clients as a bare message, never a stack trace.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getOperationAST, type ExecutionResult } from "graphql/index.js";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { createYoga, maskError, type Plugin } from "graphql-yoga";
import type { SchemaModel } from "../schema.ts";
import type { Db } from "../store/db.ts";
import { AnswerCache, type Answer, type AnswerCacheLimits } from "./answerCache.ts";
import type { RequestContext } from "./block.ts";
import { measureCost, queryLimitsFromEnv, resultTooBig, tooComplex, tooDeep, type QueryLimits } from "./limits.ts";
import { readMeta, type MetaState } from "./planner.ts";
import { buildQuerySchema } from "./schemaBuilder.ts";
import { metaReader } from "./storeVersion.ts";

/** A running GraphQL endpoint. */
export interface GraphQLServer {
  /** `http://host:port/subgraphs/name/<name>`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A query shown in GraphiQL: its text, and the tab's name as a leading comment. */
export interface ExampleQuery {
  name: string;
  query: string;
}

/** What to serve, and where. */
export interface GraphQLServerOptions {
  schema: SchemaModel;
  db: Db;
  namespace: string;
  subgraphName: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8000; 0 picks any free port. */
  port?: number;
  /** Queries GraphiQL opens in its tabs, in this order (e.g. the subgraph's documented queries). */
  exampleQueries?: ExampleQuery[];
  /** Told of every internal failure that clients see only as "Unexpected error."; default: stderr. */
  onInternalError?: (error: unknown) => void;
  /** Query cost limits; default: from graph-node's environment variables (see `queryLimitsFromEnv`). */
  limits?: QueryLimits;
  /**
   * The answer cache per block (`answerCache.ts`): its limits, or false to answer every request afresh.
   * Default: 10,000 answers, 64 MiB.
   */
  answerCache?: AnswerCacheLimits | false;
  /**
   * The count of the store's ended writes (`watchWrites(db).version` when the store writes through the
   * watched `db`): `_meta` is then read again only when it moves. Default: `_meta` is read for every request.
   */
  storeVersion?: () => number;
}

/**
 * A query with errors answers 400 (a refused query: bad syntax, unknown field, bad argument, block not yet
 * indexed), or 500 when the cause was internal; yoga would answer 200 to `application/json` clients.
 */
const refusedQueriesAre400: Plugin = {
  onResultProcess({ result, setResult }) {
    if (Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
    const single = result as ExecutionResult;
    if (!single.errors?.length) return;
    const internal = single.errors.some((error) => error.extensions?.unexpected === true || error.extensions?.code === "INTERNAL_SERVER_ERROR");
    setResult({ ...single, extensions: { ...single.extensions, http: { status: internal ? 500 : 400 } } });
  },
};

/** Refuses, before it runs, a query deeper or more complex than `limits`, and after, an answer too large. */
function costLimits(limits: QueryLimits): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation && (limits.maxDepth !== undefined || limits.maxComplexity !== undefined)) {
        const cost = measureCost(args.schema, args.document, operation, args.variableValues ?? undefined, limits);
        if (limits.maxDepth !== undefined && cost.depth > limits.maxDepth) return setResultAndStopExecution({ data: null, errors: [tooDeep(limits.maxDepth)] });
        if (limits.maxComplexity !== undefined && cost.complexity > limits.maxComplexity) {
          return setResultAndStopExecution({ data: null, errors: [tooComplex(cost.complexity, limits.maxComplexity)] });
        }
      }
      const maxBytes = limits.maxResultBytes;
      if (maxBytes === undefined) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in (result as object)) return;
          const single = result as ExecutionResult;
          const bytes = Buffer.byteLength(JSON.stringify(single.data ?? null));
          if (bytes > maxBytes) setResult({ data: null, errors: [resultTooBig(bytes, maxBytes)] });
        },
      };
    },
  };
}

/** Starts the endpoint; resolves once it listens. */
export async function startGraphQLServer(options: GraphQLServerOptions): Promise<GraphQLServer> {
  const host = options.host ?? "127.0.0.1";
  const endpoint = `/subgraphs/name/${options.subgraphName}`;
  const reportInternal = options.onInternalError ?? ((error: unknown) => console.error(`GraphQL ${endpoint}: internal error:`, error));
  const yoga = createYoga({
    schema: buildQuerySchema(options),
    graphqlEndpoint: endpoint,
    graphiql: {
      title: options.subgraphName,
      defaultTabs: (options.exampleQueries ?? []).map(({ name, query }) => ({ query: query.startsWith("#") ? query : `# ${name}\n${query}` })),
    },
    renderGraphiQL,
    landingPage: false,
    maskedErrors: {
      isDev: false,
      maskError: (error, message) => {
        const masked = maskError(error, message, false);
        if (masked !== error) reportInternal(error);
        return masked;
      },
    },
    logging: false,
    plugins: [costLimits(options.limits ?? queryLimitsFromEnv(process.env)), refusedQueriesAre400],
  });

  const cache = options.answerCache === false ? undefined : new AnswerCache(options.answerCache);
  // Requests being answered: `close` lets them finish before the caller closes the database under them.
  const inFlight = new Set<Promise<void>>();
  const source = { db: options.db, namespace: options.namespace };
  const currentMeta = metaReader(() => readMeta(source), options.storeVersion);

  /** A POST: `_meta` read once for the whole request, and the answer kept for the block it was read at. */
  async function answerPost(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const storeMeta = await currentMeta();
    const compute = async (): Promise<Answer> => {
      const context: RequestContext = { storeMeta };
      const answer = await yoga.fetch(`http://${host}${request.url ?? endpoint}`, { method: "POST", headers: headersOf(request), body }, context);
      const headers: [string, string][] = [];
      answer.headers.forEach((value, name) => {
        if (name !== "content-length") headers.push([name, value]);
      });
      return { status: answer.status, headers, body: Buffer.from(await answer.arrayBuffer()) };
    };
    // What else yoga's answer depends on: its format (accept, content-type) and CORS (origin).
    const key = [request.headers.accept, request.headers["content-type"], request.headers.origin, body.toString("utf8")].join("\n");
    const answer = cache ? await cache.answer(storeState(storeMeta), key, compute) : await compute();
    response.writeHead(answer.status, [...answer.headers.flat(), "content-length", String(answer.body.length)]);
    response.end(answer.body);
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? "/").split("?")[0]!.replace(/\/+$/, "");
    if (path !== endpoint) {
      response.writeHead(404, { "content-type": "application/json" });
      const name = path.startsWith("/subgraphs/name/") ? path.slice("/subgraphs/name/".length) : undefined;
      response.end(JSON.stringify({ errors: [{ message: name ? `subgraph \`${name}\` not found` : `no endpoint at ${path || "/"}` }] }));
      return;
    }
    if (request.method !== "POST") {
      void yoga.handle(request, response);
      return;
    }
    const answering = answerPost(request, response).catch((error: unknown) => {
      reportInternal(error);
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ errors: [{ message: "Unexpected error." }] }));
    });
    inFlight.add(answering);
    void answering.finally(() => inFlight.delete(answering));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8000, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}${endpoint}`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await Promise.allSettled(inFlight);
      server.closeAllConnections();
      await closed;
    },
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function headersOf(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === "content-length" || name === "transfer-encoding") continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/**
 * The store's state as far as answers go: a new head, a reorged head, a revert, an error or a deployment
 * change each make another state, under which no answer is kept yet.
 */
function storeState(meta: MetaState | null): string {
  if (!meta) return "empty";
  return JSON.stringify([meta.deployment, meta.headNumber, meta.headHash, String(meta.headTimestamp), meta.earliestBlock, meta.hasErrors, meta.fatalError]);
}
