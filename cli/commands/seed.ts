/** `dcrm seed`: the demo history (cli/demo/seed.ts) written through the SDK into a new local chain. */
import { CommandError, type Command } from "../command.ts";
import { runSeed } from "../demo/run.ts";
import { HISTORY_DAYS } from "../demo/seed.ts";
import { deploymentOnChain } from "../deployment.ts";
import { dataDirOption, dataDirValue, demoDaysOption, demoDaysValue, demoSeedOption, portOption, rpcOption, rpcValue } from "../options.ts";
import { nodeAnswers } from "../rpc.ts";

export const seedCommand: Command = {
  name: "seed",
  summary: `Write demo history through the SDK: storefronts, shoppers, partners, consents (${HISTORY_DAYS} days by default).`,
  details:
    "Needs a chain whose clock starts --demo-days back, as \`dcrm start\` makes on a new chain (it seeds by itself there).\n" +
    "The same --demo-seed writes the same history.",
  options: { "data-dir": dataDirOption, port: portOption, rpc: rpcOption, "demo-seed": demoSeedOption, "demo-days": demoDaysOption },
  async run(values) {
    const rpc = rpcValue(values);
    const days = demoDaysValue(values);
    if (!(await nodeAnswers(rpc))) throw new CommandError(`no JSON-RPC node answers at ${rpc}: start the stack first (\`dcrm start --no-seed --reset\`), or pass --rpc <url>`);
    if (!(await deploymentOnChain(rpc))) throw new CommandError(`the contracts are not deployed on the chain at ${rpc}: \`dcrm deploy\` first`);
    await runSeed({ rpc, dataDir: dataDirValue(values), seed: String(values["demo-seed"]), days, log: (line) => console.log(`seed: ${line}`) });
    return 0;
  },
};
