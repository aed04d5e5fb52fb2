/** `dcrm deploy`: the contracts on the local chain, unless the recorded deployment is still there. */
import { buildContracts } from "../builds.ts";
import { CommandError, type Command } from "../command.ts";
import { deploy, deploymentFile, deploymentOnChain } from "../deployment.ts";
import { portOption, rpcOption, rpcValue } from "../options.ts";
import { nodeAnswers } from "../rpc.ts";

export const deployCommand: Command = {
  name: "deploy",
  summary: "Deploy the contracts to the local chain (deploy/config/localhost.json), unless already there.",
  details: "Compiles first when the contracts are missing or stale. The record goes to deployments/localhost.json (DCRM_DEPLOYMENTS_DIR).",
  options: {
    port: portOption,
    rpc: rpcOption,
    force: { type: "boolean", description: "run `hardhat deploy` even when the recorded deployment is on the chain" },
  },
  async run(values) {
    const rpc = rpcValue(values);
    if (!(await nodeAnswers(rpc))) throw new CommandError(`no JSON-RPC node answers at ${rpc}: start one first (\`dcrm node\`), or pass --rpc <url>`);
    if (!values.force && (await deploymentOnChain(rpc))) {
      console.log(`deploy: the deployment in ${deploymentFile()} is on the chain at ${rpc}; nothing to do (--force runs hardhat deploy anyway)`);
      return 0;
    }
    await buildContracts();
    await deploy(rpc);
    return 0;
  },
};
