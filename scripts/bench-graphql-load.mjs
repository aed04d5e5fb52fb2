/**
 * The load generator of `npm run bench:graphql`, in a process of its own so that it does not share the
 * server's event loop: autocannon sends the given requests to `url` over `connections` connections for
 * `seconds`, each connection cycling through them, and prints one JSON line of figures. A request fails
 * when it times out, answers other than 200, or answers GraphQL `errors`.
 *
 *   node scripts/bench-graphql-load.mjs <plan.json>
 *   plan: { url, connections, seconds, requests: [{ query, variables? }] }
 */
import { readFile } from "node:fs/promises";

import autocannon from "autocannon";

const plan = JSON.parse(await readFile(process.argv[2], "utf8"));
let graphqlErrors = 0;
const result = await autocannon({
  url: plan.url,
  connections: plan.connections,
  duration: plan.seconds,
  timeout: 10,
  requests: plan.requests.map(({ query, variables }) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
    onResponse: (status, body) => {
      if (status === 200 && body.includes('"errors"')) graphqlErrors++;
    },
  })),
});
console.log(
  JSON.stringify({
    requests: result.requests.total,
    requestsPerSecond: Math.round((result.requests.total / result.duration) * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    // autocannon counts a timeout among its errors too.
    errors: result.errors + result.non2xx + graphqlErrors,
    errorSplit: { connection: result.errors - result.timeouts, timeouts: result.timeouts, non2xx: result.non2xx, graphql: graphqlErrors },
    seconds: result.duration,
  }),
);
