/**
 * Every command a README shows refers to something that exists: `npm run X` to a script of package.json,
 * `node <file>` and `npx vitest run <path>` to files, each `--flag` to an option the command really takes
 * (read from the command's own `--help`, or from the script's source), and each relative link to a file.
 * A README that drifts from the code fails here instead of in a newcomer's terminal.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };

/** The README files of the repository (tracked by git), relative to the root. */
const readmes = execFileSync("git", ["ls-files", "*.md"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((file) => file !== "" && !file.startsWith("node_modules/") && existsSync(join(root, file)));

interface Command {
  readme: string;
  text: string;
}

/** Commands in a README: lines of shell code blocks, and inline code that starts with npm, npx or node. */
function commandsIn(readme: string): Command[] {
  const text = readFileSync(join(root, readme), "utf8");
  const found: string[] = [];
  for (const block of text.matchAll(/```(?:bash|sh|shell|console)\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? "").split("\n")) {
      const command = line.replace(/^\$\s*/, "").replace(/\s+#.*$/, "").trim();
      if (/^(npm|npx|node) /.test(command)) found.push(command);
    }
  }
  for (const span of text.matchAll(/`((?:npm|npx|node) [^`]+)`/g)) found.push(span[1]!);
  return [...new Set(found)].map((command) => ({ readme, text: command }));
}

/** Relative links `[text](path)` of a README, without anchors and URLs. */
function linksIn(readme: string): string[] {
  const text = readFileSync(join(root, readme), "utf8");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split("#")[0]!)
    .filter((target) => target !== "" && !/^[a-z]+:/.test(target));
}

/** `--flags` of a command line, without placeholders such as `<url>`. */
function flagsOf(words: string[]): string[] {
  return words.filter((word) => /^--[a-z][\w-]*/.test(word)).map((word) => word.split("=")[0]!.replace(/[\]\[]/g, ""));
}

const helpCache = new Map<string, string>();
/** The `--help` text of a Hardhat task (global options included). */
function hardhatHelp(task: string): string {
  if (!helpCache.has(task)) {
    const help = execFileSync(join(root, "node_modules", ".bin", "hardhat"), [task, "--help"], { cwd: root, encoding: "utf8", timeout: 120_000 });
    helpCache.set(task, help);
  }
  return helpCache.get(task)!;
}

/** The `--help` text of `dcrm <command>` (the root package's bin, cli/bin.mjs). */
function dcrmHelp(command: string | undefined): string {
  const key = `dcrm ${command ?? ""}`;
  if (!helpCache.has(key)) {
    const help = execFileSync(process.execPath, [join(root, "cli", "bin.mjs"), ...(command ? [command] : []), "--help"], { cwd: root, encoding: "utf8", timeout: 60_000 });
    helpCache.set(key, help);
  }
  return helpCache.get(key)!;
}

/** The problems with a `dcrm` command line's words (after `dcrm`): an unknown command or flag. */
function checkDcrm(words: string[]): string[] {
  const command = words.find((word) => !word.startsWith("-") && !word.startsWith("<"));
  let help: string;
  try {
    help = dcrmHelp(command);
  } catch {
    return [`dcrm has no command ${command}`];
  }
  return flagsOf(words)
    .filter((flag) => !help.includes(flag))
    .map((flag) => `\`dcrm ${command}\` takes no ${flag} (see its --help)`);
}

/**
 * The text that lists a Node script's options: its `--help` output when it has one (a wrapper's help is the
 * program's it starts), otherwise its source.
 */
function nodeScriptOptions(file: string): string {
  const source = readFileSync(join(root, file), "utf8");
  if (!source.includes('"--help"')) return source;
  return execFileSync(process.execPath, [join(root, file), "--help"], { cwd: root, encoding: "utf8", timeout: 60_000 });
}

/** What a command line runs after npm's own words: the words of the script it resolves to, plus its flags. */
function checkNpmRun(script: string, extra: string[]): string[] {
  const problems: string[] = [];
  const body = packageJson.scripts[script];
  if (body === undefined) return [`package.json has no script "${script}"`];
  const flags = flagsOf(extra);
  if (flags.length === 0) return problems;
  // The flags go to the last command of the script's chain.
  const last = body.split("&&").pop()!.trim().split(/\s+/);
  const [program = "", target = ""] = last;
  if (program === "hardhat") {
    const help = hardhatHelp(target);
    for (const flag of flags) if (!help.includes(flag)) problems.push(`\`hardhat ${target}\` takes no ${flag} (see its --help)`);
  } else if (program === "node" && target === "cli/bin.mjs") {
    problems.push(...checkDcrm([...last.slice(2), ...extra.filter((word) => word !== "--")]));
  } else if (program === "node") {
    const known = nodeScriptOptions(target);
    for (const flag of flags) if (!known.includes(flag)) problems.push(`${target} takes no ${flag}`);
  }
  return problems;
}

/** The problems with one README command, or none. */
function problemsOf(command: Command): string[] {
  const words = command.text.split(/\s+/);
  const [program, first = "", second = ""] = words;
  if (program === "npm") {
    if (first === "start" || first === "test") return checkNpmRun(first, words.slice(2));
    if (first === "install" || (first === "run" && words.length === 2)) return [];
    if (first === "run") {
      const separator = words.indexOf("--");
      return checkNpmRun(second, separator === -1 ? [] : words.slice(separator + 1));
    }
    return [`unknown npm command: ${command.text}`];
  }
  if (program === "npx") {
    if (first === "dcrm") return checkDcrm(words.slice(2));
    if (!existsSync(join(root, "node_modules", ".bin", first))) return [`npx ${first}: not a dependency of the project`];
    if (first === "hardhat") {
      const help = hardhatHelp(second);
      return flagsOf(words.slice(3))
        .filter((flag) => !help.includes(flag))
        .map((flag) => `\`hardhat ${second}\` takes no ${flag}`);
    }
    if (first === "vitest") {
      return words
        .slice(3)
        .filter((word) => !word.startsWith("-") && /[/.]/.test(word))
        .filter((path) => !existsSync(join(root, path)))
        .map((path) => `vitest: no such path ${path}`);
    }
    return [];
  }
  if (program === "node" && first === "cli/bin.mjs") return checkDcrm(words.slice(2));
  if (program === "node") return existsSync(join(root, first)) ? [] : [`node: no such file ${first}`];
  return [];
}

describe("README commands", () => {
  const commands = readmes.flatMap(commandsIn);

  it("finds the commands of the READMEs (the two commands first in the top-level README)", () => {
    const top = readFileSync(join(root, "README.md"), "utf8");
    const firstBlock = top.match(/```bash\n([\s\S]*?)```/)?.[1] ?? "";
    expect(firstBlock).toMatch(/^npm start\b/m);
    expect(firstBlock).toMatch(/^npm test\b/m);
    expect(commands.length).toBeGreaterThan(10);
  });

  it("refers only to scripts, files and flags that exist", () => {
    const problems = commands.flatMap((command) => problemsOf(command).map((problem) => `${command.readme}: \`${command.text}\`: ${problem}`));
    expect(problems).toEqual([]);
  }, 300_000);

  it("links only to files that exist", () => {
    const missing = readmes.flatMap((readme) =>
      linksIn(readme)
        .map((target) => join(root, dirname(readme), decodeURIComponent(target)))
        .filter((path) => !existsSync(path))
        .map((path) => `${readme} links to ${relative(root, path)}, which does not exist`),
    );
    expect(missing).toEqual([]);
  });

  it("catches a command that names a missing script or flag", () => {
    expect(problemsOf({ readme: "x", text: "npm run no-such-script" })).toEqual(['package.json has no script "no-such-script"']);
    expect(problemsOf({ readme: "x", text: "npm run deploy -- --netwrok localhost" })).toEqual(["`hardhat deploy` takes no --netwrok (see its --help)"]);
    expect(problemsOf({ readme: "x", text: "npm run indexer -- --subgraph x --rpcc y" })).toEqual(["scripts/indexer.mjs takes no --rpcc"]);
    expect(problemsOf({ readme: "x", text: "npm start -- --rest" })).toEqual(["`dcrm start` takes no --rest (see its --help)"]);
    expect(problemsOf({ readme: "x", text: "npx dcrm strat" })).toEqual(["dcrm has no command strat"]);
    expect(problemsOf({ readme: "x", text: "node scripts/no-such-file.mjs" })).toEqual(["node: no such file scripts/no-such-file.mjs"]);
  }, 120_000);
});
