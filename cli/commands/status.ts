/** `dcrm status`: what of the local stack runs, what it holds, and what to do about what does not. */
import { existsSync, statSync } from "node:fs";

import { type Command } from "../command.ts";
import { deploymentFile, deploymentOnChain, readDeployment } from "../deployment.ts";
import { chainStateFile } from "../localNode.ts";
import { dataDirOption, dataDirValue, graphqlPortOption, portOption, portValue, rpcOption, rpcValue } from "../options.ts";
import { graphql, jsonRpc } from "../rpc.ts";
import { SUBGRAPH_NAME } from "./index.ts";

export const statusCommand: Command = {
  name: "status",
  summary: "Say whether the node, the deployment and the GraphQL endpoint answer, and what is kept on disk.",
  details: "Exit code 0 when the node answers with the deployment on it and GraphQL answers without indexing errors; 1 otherwise.",
  options: { "data-dir": dataDirOption, port: portOption, rpc: rpcOption, "graphql-port": graphqlPortOption },
  async run(values) {
    const rpc = rpcValue(values);
    const endpoint = `http://127.0.0.1:${portValue(values, "graphql-port")}/subgraphs/name/${SUBGRAPH_NAME}`;
    const dataDir = dataDirValue(values);
    let healthy = true;

    const head = await jsonRpc<{ number: string; timestamp: string }>(rpc, "eth_getBlockByNumber", ["latest", false]).catch(() => undefined);
    if (head) {
      console.log(`node:       up at ${rpc}, block ${Number(head.number)} (${new Date(Number(head.timestamp) * 1000).toISOString()})`);
    } else {
      healthy = false;
      console.log(`node:       nothing answers at ${rpc}; start the stack with \`npm start\` (dcrm start)`);
    }

    const record = readDeployment();
    if (!record) {
      healthy = false;
      console.log(`deployment: none recorded in ${deploymentFile()}; \`dcrm start\` deploys`);
    } else if (head) {
      const onChain = await deploymentOnChain(rpc, record).catch(() => false);
      healthy &&= onChain;
      console.log(`deployment: ${onChain ? `on the chain (RewardToken ${record.contracts.RewardToken?.proxy})` : `recorded in ${deploymentFile()} but not on this chain; \`dcrm deploy\` deploys it`}`);
    }

    const meta = await graphql<{ _meta: { hasIndexingErrors: boolean; block: { number: number } } }>(endpoint, "{ _meta { hasIndexingErrors block { number } } }").catch(() => undefined);
    if (meta?.data) {
      const { hasIndexingErrors, block } = meta.data._meta;
      healthy &&= !hasIndexingErrors;
      const behind = head ? Number(head.number) - block.number : 0;
      console.log(`graphql:    up at ${endpoint}, indexed to block ${block.number}${behind > 0 ? ` (${behind} behind the node)` : ""}${hasIndexingErrors ? "; INDEXING ERRORS: see the indexer's output" : ""}`);
    } else {
      healthy = false;
      console.log(`graphql:    nothing answers at ${endpoint}; \`dcrm start\` runs the indexer (or \`dcrm index\` beside a running node)`);
    }

    const state = chainStateFile(dataDir);
    console.log(`data:       ${existsSync(state) ? `${state} (${(statSync(state).size / 1e6).toFixed(1)} MB)` : `no chain kept in ${dataDir} yet`}`);
    return healthy ? 0 : 1;
  },
};
