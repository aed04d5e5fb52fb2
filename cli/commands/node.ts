/** `dcrm node`: the local chain alone (anvil), its state kept in `<data dir>/chain.json` across starts. */
import { CommandError, type Command } from "../command.ts";
import { onStopRequest } from "../lifecycle.ts";
import { chainStateFile, LOCAL_CHAIN_ID, startLocalNode } from "../localNode.ts";
import { dataDirOption, dataDirValue, portOption, portValue } from "../options.ts";
import { exitOf, stopChild } from "../processes.ts";
import { nodeAnswers, waitFor } from "../rpc.ts";

export const nodeCommand: Command = {
  name: "node",
  summary: "Run the local EVM node (anvil) on 127.0.0.1, resuming the chain kept in the data directory.",
  details: "The chain is written to <data dir>/chain.json every 2 s and on Ctrl-C, and loaded at the next start.",
  options: { "data-dir": dataDirOption, port: portOption },
  async run(values) {
    const port = portValue(values, "port");
    const dataDir = dataDirValue(values);
    const rpc = `http://127.0.0.1:${port}`;
    if (await nodeAnswers(rpc)) throw new CommandError(`something already answers at ${rpc}: stop it, or pass --port <port> (DCRM_PORT)`);
    const node = startLocalNode({ dataDir, port, output: "inherit" });
    const exit = exitOf(node);
    let stopping = false;
    onStopRequest(() => {
      stopping = true;
      void stopChild(node, "SIGINT");
    });
    if (!(await waitFor(() => nodeAnswers(rpc), 30_000, () => node.exitCode !== null))) {
      await stopChild(node, "SIGKILL");
      throw new CommandError(`the node did not answer at ${rpc} within 30 s`);
    }
    console.log(`node: JSON-RPC ${rpc} (chain id ${LOCAL_CHAIN_ID}); state in ${chainStateFile(dataDir)}. Ctrl-C stops and saves it.`);
    const code = await exit;
    return stopping ? 0 : typeof code === "number" ? code || 1 : 1;
  },
};
