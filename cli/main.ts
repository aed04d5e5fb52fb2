/** The `dcrm` command: its subcommands, and the overview that `dcrm --help` prints. */
import { runCommand, type Command } from "./command.ts";
import { deployCommand } from "./commands/deploy.ts";
import { indexCommand } from "./commands/index.ts";
import { nodeCommand } from "./commands/node.ts";
import { seedCommand } from "./commands/seed.ts";
import { serveCommand } from "./commands/serve.ts";
import { startCommand } from "./commands/start.ts";
import { statusCommand } from "./commands/status.ts";

export const commands: Command[] = [startCommand, nodeCommand, deployCommand, indexCommand, serveCommand, seedCommand, statusCommand];

export function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    "usage: dcrm <command> [options]",
    "",
    "The local dCRM stack: an EVM node, the contracts, the indexer and GraphQL, kept in a data directory across starts.",
    "",
    "commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "`dcrm <command> --help` lists a command's options. Exit codes: 0 done, 1 failed, 2 bad usage.",
  ].join("\n");
}

export async function main(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(overview());
    process.exitCode = name === undefined ? 2 : 0;
    return;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`dcrm: no command ${JSON.stringify(name)}\n\n${overview()}`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = await runCommand(command, rest);
  // Every handle a command opened is closed when it returns; leave nothing to keep the process alive.
  process.exit();
}
