/**
 * What a `dcrm` command is: a name, a summary, its options (each with an environment variable and a default
 * where it has one) and what it runs. Parsing, `--help` and exit codes are the same for every command:
 * 0 done, 1 failed (the message says what to do next), 2 bad usage (the message names the option).
 */
import { parseArgs } from "node:util";

export interface OptionSpec {
  type: "string" | "boolean";
  /** What the option sets, for `--help`. */
  description: string;
  /** The placeholder of a string option's value in `--help`, e.g. `<dir>`. */
  value?: string;
  /** The environment variable read when the option is not given. */
  env?: string;
  default?: string | boolean;
  /** A boolean option that defaults to true also takes `--no-<name>`. */
  negatable?: boolean;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface Command {
  name: string;
  summary: string;
  /** Longer text for `--help`, after the usage line. */
  details?: string;
  options: Record<string, OptionSpec>;
  run(values: OptionValues): Promise<number>;
}

/** Bad usage: an unknown option, a missing or malformed value. Exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure the user can act on; the message says what happened and what to do next. Exit code 1. */
export class CommandError extends Error {
  override name = "CommandError";
}

/** The `--help` text of a command. */
export function helpOf(command: Command): string {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const flag = spec.type === "boolean" ? (spec.negatable ? `--${name}, --no-${name}` : `--${name}`) : `--${name} ${spec.value ?? "<value>"}`;
    const extras = [spec.env ? `env ${spec.env}` : "", spec.default !== undefined && spec.default !== false ? `default ${spec.default}` : ""].filter(Boolean);
    return [flag, `${spec.description}${extras.length ? ` (${extras.join(", ")})` : ""}`];
  });
  rows.push(["--help", "this text"]);
  const width = Math.max(...rows.map(([flag]) => flag!.length));
  return [
    `usage: dcrm ${command.name} [options]`,
    "",
    command.summary,
    ...(command.details ? ["", command.details] : []),
    "",
    "options:",
    ...rows.map(([flag, text]) => `  ${flag!.padEnd(width)}  ${text}`),
  ].join("\n");
}

/** The command's option values: the command line first, then the environment, then the defaults. */
export function parseOptions(command: Command, args: string[]): OptionValues | "help" {
  const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
  for (const [name, spec] of Object.entries(command.options)) options[name] = { type: spec.type };
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false, allowNegative: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  if (parsed.values.help) return "help";
  const values: OptionValues = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const given = (parsed.values as OptionValues)[name];
    const fromEnv = spec.env ? process.env[spec.env] : undefined;
    if (given !== undefined) values[name] = given;
    else if (fromEnv !== undefined && fromEnv !== "") values[name] = spec.type === "boolean" ? !/^(0|false|no)$/i.test(fromEnv) : fromEnv;
    else values[name] = spec.default;
    if (spec.type === "boolean" && !spec.negatable && (parsed.values as OptionValues)[name] === false) throw new UsageError(`--no-${name} is not an option; leave out --${name}`);
  }
  return values;
}

/** Runs a command on its arguments and returns the process's exit code. */
export async function runCommand(command: Command, args: string[]): Promise<number> {
  try {
    const values = parseOptions(command, args);
    if (values === "help") {
      console.log(helpOf(command));
      return 0;
    }
    return await command.run(values);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`dcrm ${command.name}: ${error.message}\nSee \`dcrm ${command.name} --help\`.`);
      return 2;
    }
    if (error instanceof CommandError) {
      console.error(`dcrm ${command.name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
