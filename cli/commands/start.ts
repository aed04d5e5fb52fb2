/**
 * `dcrm start` (`npm start`): the whole stack on this machine, each phase timed: the contracts compiled when
 * missing or stale, the local node (anvil) resuming the chain kept in the data directory, the contracts
 * deployed unless the recorded deployment is still on it, the subgraph built for it, and the indexer
 * (`dcrm index`, a child process) serving GraphQL. Runs until Ctrl-C or SIGTERM, then stops the indexer and
 * the node (which writes its state) and exits 0; a part that stops by itself stops the rest, exit 1.
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

import { appPort, appStale, serveDashboard } from "../app/index.ts";
import type { AppServer } from "../app/server.ts";
import { buildContracts, buildSubgraph, superviseScripts } from "../builds.ts";
import { CommandError, UsageError, type Command } from "../command.ts";
import { readSeedMarker, seedMarkerFile } from "../demo/marker.ts";
import { runSeed } from "../demo/run.ts";
import { prepareSdkRuntime, sdkStale } from "../sdkBuild.ts";
import { HISTORY_DAYS, historyStart } from "../demo/seed.ts";
import { deploy, deploymentOnChain, readDeployment } from "../deployment.ts";
import { onStopRequest } from "../lifecycle.ts";
import { chainStateFile, LOCAL_CHAIN_ID, nodeLogFile, startLocalNode } from "../localNode.ts";
import { dataDirOption, dataDirValue, demoDaysOption, demoDaysValue, demoSeedOption, graphqlPortOption, portOption, portValue } from "../options.ts";
import { root } from "../paths.ts";
import { exitOf, forgetProcesses, recordProcesses, stopChild, takeOver, type StackProcesses } from "../processes.ts";
import { graphql, jsonRpc, nodeAnswers, waitFor } from "../rpc.ts";
import { indexerDir, SUBGRAPH_NAME } from "./index.ts";

const say = (line: string) => console.log(`start: ${line}`);
const dashboardUrl = () => `http://127.0.0.1:${appPort()}/`;
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
/** Resolves, once `work` has, with the time it took. */
const timed = async (work: Promise<unknown>) => {
  const began = Date.now();
  await work;
  return seconds(began);
};

export const startCommand: Command = {
  name: "start",
  summary: "Run the whole stack: node, contracts, indexer and GraphQL, resuming what the data directory keeps.",
  details:
    "Ctrl-C stops everything and keeps the chain (<data dir>/chain.json) and the index (<data dir>/indexer);\n" +
    "the next start resumes them and skips the deployment when it is still on the chain. --reset starts over.",
  options: {
    "data-dir": dataDirOption,
    port: portOption,
    "graphql-port": graphqlPortOption,
    reset: { type: "boolean", description: "delete the kept chain and index first, and start from a new chain" },
    seed: {
      type: "boolean",
      negatable: true,
      default: true,
      description: `on a new chain, write demo history (${HISTORY_DAYS} days by default) through the SDK before saying ready (\`dcrm seed --help\`)`,
    },
    "demo-seed": demoSeedOption,
    "demo-days": demoDaysOption,
  },
  async run(values) {
    const port = portValue(values, "port");
    const graphqlPort = portValue(values, "graphql-port");
    if (port === graphqlPort) throw new UsageError(`--port and --graphql-port must differ (both ${port})`);
    const dataDir = dataDirValue(values);
    const days = demoDaysValue(values);
    const rpc = `http://127.0.0.1:${port}`;
    const endpoint = `http://127.0.0.1:${graphqlPort}/subgraphs/name/${SUBGRAPH_NAME}`;
    const began = Date.now();

    mkdirSync(dataDir, { recursive: true });
    await takeOver(dataDir, say);
    if (await nodeAnswers(rpc)) {
      throw new CommandError(`something already answers at ${rpc}; stop it first (another \`npm start\`?), or use another port: DCRM_PORT=8546 npm start`);
    }
    if (values.reset) {
      rmSync(chainStateFile(dataDir), { force: true });
      rmSync(indexerDir(dataDir), { recursive: true, force: true });
      rmSync(seedMarkerFile(dataDir), { force: true });
      say(`--reset: deleted the kept chain and index in ${dataDir}`);
    }

    const processes: StackProcesses = { supervisor: process.pid };
    recordProcesses(dataDir, processes);
    let node: ChildProcess | undefined;
    let indexer: ChildProcess | undefined;
    let dashboard: AppServer | undefined;
    let stopping = false;
    const stopBuilds = superviseScripts();
    let finish!: (code: number) => void;
    const finished = new Promise<number>((resolve) => (finish = resolve));
    const shutdown = async (code: number) => {
      if (stopping) return;
      stopping = true;
      await stopBuilds();
      await dashboard?.close();
      await stopChild(indexer, "SIGINT");
      await stopChild(node, "SIGINT");
      forgetProcesses(dataDir);
      say(code === 0 ? `stopped; the chain and the index are kept in ${dataDir}` : "stopped");
      finish(code);
    };
    onStopRequest(() => void shutdown(0));
    /** A part that ends while the stack runs ends the stack. */
    const supervise = (child: ChildProcess, name: string, hint: string) =>
      void exitOf(child).then((code) => {
        if (stopping) return;
        console.error(`start: the ${name} stopped (${code}); stopping the rest. ${hint}`);
        void shutdown(1);
      });

    const phases = (async () => {
      const newChain = !existsSync(chainStateFile(dataDir));
      const seeding = newChain && values.seed === true;
      // The node needs no build: it comes up while the contracts compile.
      const contractsReady = timed(buildContracts()).then((took) => say(`contracts ready (${took})`));
      contractsReady.catch(() => {}); // awaited below, after the node is up
      let phase = Date.now();
      say(`starting the local node (anvil) on ${rpc}, chain in ${chainStateFile(dataDir)}…`);
      // A chain to be seeded starts in the past: its history then runs up to the wall clock.
      node = startLocalNode({ dataDir, port, genesisTimestamp: seeding ? historyStart(Math.floor(Date.now() / 1000), days) : undefined });
      processes.node = node.pid;
      recordProcesses(dataDir, processes);
      supervise(node, "node", `Its log: ${nodeLogFile(dataDir)}.`);
      if (!(await waitFor(() => nodeAnswers(rpc), 60_000, () => stopping))) throw new CommandError(`the node did not answer at ${rpc} within 60 s; its log: ${nodeLogFile(dataDir)}`);
      const head = Number(await jsonRpc<string>(rpc, "eth_blockNumber"));
      say(`node up at block ${head} (${seconds(phase)})`);
      await contractsReady;
      if (stopping) return;
      // The SDK the seeding writes through is made from the artifacts alone (generated, then transpiled
      // without a type check): beside the deployment. Awaited (and its failure reported) before seeding.
      const sdkReady = seeding ? timed(prepareSdkRuntime(say)) : undefined;
      sdkReady?.catch(() => {});

      phase = Date.now();
      if (await deploymentOnChain(rpc)) {
        say(`the deployment is still on the chain; not deploying (${seconds(phase)})`);
      } else {
        say("deploying the contracts (deploy/config/localhost.json)…");
        await deploy(rpc);
        say(`deployed (${seconds(phase)})`);
      }
      if (stopping) return;

      // The subgraph build and the indexer's start need no demo history: they run beside the seeding, and the
      // indexer catches up with the history as it is written.
      const indexing = (async () => {
        let step = Date.now();
        say("building the subgraph for this deployment (subgraph/build/)…");
        await buildSubgraph();
        say(`subgraph ready (${seconds(step)})`);
        if (stopping) return;

        step = Date.now();
        say(`starting the indexer (index in ${indexerDir(dataDir)})…`);
        indexer = spawn(process.execPath, [join(root, "cli", "bin.mjs"), "index", "--data-dir", dataDir, "--port", String(port), "--graphql-port", String(graphqlPort), "--no-build"], {
          cwd: root,
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        processes.indexer = indexer.pid;
        recordProcesses(dataDir, processes);
        supervise(indexer, "indexer", "Its output is above.");
        let caughtUp = false;
        indexer.on("message", (message: { caughtUp?: boolean }) => (caughtUp ||= message.caughtUp === true));
        const answers = async () => caughtUp && (await graphql(endpoint, "{ _meta { block { number } } }").then((answer) => answer.data !== undefined, () => false));
        if (!(await waitFor(answers, 300_000, () => stopping))) throw new CommandError(`the indexer did not catch up with the chain and answer at ${endpoint} within 300 s`);
        say(`indexer up and caught up (${seconds(step)})`);
      })();
      indexing.catch(() => {}); // awaited below, after the seeding

      if (seeding) {
        phase = Date.now();
        const sdkTook = await sdkReady;
        say(`SDK generated and transpiled beside the deployment in ${sdkTook}; seeding waited for it (${seconds(phase)})`);
        if (stopping) return;
        phase = Date.now();
        say(`writing ${days} days of demo history through the SDK (--no-seed skips this)…`);
        await runSeed({ rpc, dataDir, seed: String(values["demo-seed"]), days, log: say });
        say(`demo history written (${seconds(phase)})`);
      }
      await indexing;
      if (stopping) return;
      if (seeding) {
        phase = Date.now();
        const chainHead = Number(await jsonRpc<string>(rpc, "eth_blockNumber"));
        const indexed = () =>
          graphql<{ _meta: { block: { number: number } } }>(endpoint, "{ _meta { block { number } } }").then((answer) => (answer.data?._meta.block.number ?? -1) >= chainHead, () => false);
        if (!(await waitFor(indexed, 600_000, () => stopping))) throw new CommandError(`the indexer did not index the demo history (to block ${chainHead}) within 600 s`);
        say(`demo history indexed (${seconds(phase)})`);
      } else if (values.seed && !readSeedMarker(dataDir)) {
        say("this chain holds no demo history (started with --no-seed, or seeding was interrupted); `npm start -- --reset` starts a new one with it");
      }

      const record = readDeployment();
      const accounts = await jsonRpc<string[]>(rpc, "eth_accounts");
      if (stopping) return;
      const serve = async () => {
        const step = Date.now();
        // The dashboard is a view over the stack: when it cannot be served, the stack still runs.
        dashboard = await serveDashboard({ rpc, graphqlEndpoint: endpoint, deployment: record!, accounts, log: say }).catch((error: Error) => {
          if (!stopping) console.error(`start: the dashboard is not served: ${error.message}`);
          return undefined;
        });
        if (stopping) await dashboard?.close();
        else if (dashboard) say(`dashboard up (${seconds(step)})`);
      };
      // A dashboard built already is served at once; one to build is built once GraphQL answers, after `ready`.
      const dashboardBuilt = !sdkStale() && !appStale();
      if (dashboardBuilt) await serve();
      if (stopping) return;
      say(`ready in ${seconds(began)}.`);
      const dashboardLine = dashboard
        ? `  Dashboard          ${dashboard.url} (act as any dev account; DCRM_APP_PORT changes the port)`
        : dashboardBuilt
          ? undefined
          : `  Dashboard          ${dashboardUrl()} (being built: \`start: dashboard up\` says when it is served)`;
      console.log(
        [
          "",
          `  JSON-RPC           ${rpc} (chain id ${LOCAL_CHAIN_ID})`,
          `  GraphQL            ${endpoint} (open it in a browser for GraphiQL)`,
          ...(dashboardLine ? [dashboardLine] : []),
          ...Object.entries(record?.contracts ?? {}).map(([name, contract]) => `  ${name.padEnd(18)} ${contract.proxy}`),
          `  accounts           admin ${accounts[0]}, demo storefront ${accounts[1]} (mnemonic "test test test test test test test test test test test junk")`,
          `  data               ${dataDir} (kept across starts; --reset starts over)`,
          "",
          "  Ctrl-C stops. `dcrm status` tells what runs.",
          "",
        ].join("\n"),
      );
      if (!dashboardBuilt) {
        say("building the dashboard (the SDK's dist/ and app/dist/) beside the running stack…");
        await serve();
      }
    })();
    phases.catch((error: Error) => {
      if (stopping) return;
      console.error(`start: ${error.message}`);
      void shutdown(1);
    });
    return finished;
  },
};
