/**
 * Every command a README shows refers to something that exists: `npm run X` to a script of package.json,
 * `node <file>` and `npx vitest run <path>` to files, each `--flag` to an option the command really takes
 * (read from the command's own `--help`, or from the script's source), and each relative link to a file.
 * A README that drifts from the code fails here instead of in a newcomer's terminal.
 *
 * Then every command is either run here, read from the README (those safe in a test: `--help`, `dcrm
 * status`, `npm run` listing the scripts), or named with the test that runs it instead: `npm start` and the
 * indexer run for as long as they are left to (cli/stack.test.ts starts, stops and kills the stack in child
 * processes), the build, generation, typecheck and test commands are the steps of `npm test` itself
 * (scripts/test.mjs), and the rest need a public network, a key, minutes of benchmarking or rewrite tracked
 * files. A command a README gains must land in one of these.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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
  // Every command takes --help (the tests below run each one shown).
  const flags = flagsOf(extra).filter((flag) => flag !== "--help");
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

/** Why a README command is not run here, by the pattern of its text; the commands matching none are run. */
const NOT_RUN_HERE: [RegExp, string][] = [
  [/<[^>]+>|\[[a-z-]+\]/, "a placeholder, filled in by the reader"],
  [/^npm start\b|^npx dcrm start(?! --help)|^npx hardhat node$|^npm run indexer -- --subgraph|^node indexer\/cli\.ts/, "runs until stopped: cli/stack.test.ts starts the stack as the README says, checks it and stops it"],
  [/^npm test$|^npx hardhat test\b|^npx vitest run\b|^npm run (build|typecheck|sdk:generate|subgraph:build|app:build)$/, "a step of npm test itself (scripts/test.mjs)"],
  [/^npm run bench:/, "a benchmark: minutes long, and it rewrites reports/"],
  [/^npm run subgraph:examples$/, "rewrites subgraph/README.md from a real run"],
  [/--network (baseSepolia|base|localhost)\b|^npx hardhat keystore\b|^npm run upgrade( -- --apply)?$/, "needs a running or public network and its keys"],
  [/^npm install\b/, "installs packages"],
];

const reasonNotRun = (command: string) => NOT_RUN_HERE.find(([pattern]) => pattern.test(command))?.[1];

/** A README command as this process runs it: `npx dcrm` through the bin, npm through npm. */
function argvOf(command: string): [string, string[]] {
  const words = command.split(/\s+/);
  if (words[0] === "npx" && words[1] === "dcrm") return [process.execPath, [join(root, "cli", "bin.mjs"), ...words.slice(2)]];
  if (words[0] === "npx") return [join(root, "node_modules", ".bin", words[1]!), words.slice(2)];
  return [words[0]!, words.slice(1)];
}

describe("README commands, run", () => {
  const commands = [...new Set(readmes.flatMap(commandsIn).map((command) => command.text))];
  const runnable = commands.filter((command) => reasonNotRun(command) === undefined);

  it("runs the safe ones: the --help of each command shown, dcrm status, npm run", () => {
    expect(runnable).toEqual(expect.arrayContaining(["npx dcrm --help", "npx dcrm status", "npm run indexer -- --help"]));
    for (const command of runnable) expect(command, `${command} is not safe to run in a test: name why in NOT_RUN_HERE`).toMatch(/--help$|^npx dcrm status$|^npm run$/);
  });

  it.each(commands.filter((command) => reasonNotRun(command) === undefined))("`%s` works as written", (command) => {
    // A data directory and ports of its own: nothing of a developer's running stack is touched.
    const folder = mkdtempSync(join(tmpdir(), "dcrm-readme-"));
    try {
      const env = { ...process.env, DCRM_DATA_DIR: join(folder, "data"), DCRM_DEPLOYMENTS_DIR: join(folder, "deployments"), DCRM_PORT: "18641", DCRM_GRAPHQL_PORT: "18642" };
      const [program, args] = argvOf(command);
      const result = spawnSync(program, args, { cwd: root, env, encoding: "utf8", timeout: 120_000 });
      const output = `${result.stdout}${result.stderr}`;
      if (command === "npx dcrm status") {
        // Nothing runs on these ports: status says so, says what to do, and exits 1 as its --help promises.
        expect(result.status, output).toBe(1);
        expect(output).toMatch(/nothing answers at .*npm start/);
      } else {
        expect(result.status, output).toBe(0);
        expect(output.length).toBeGreaterThan(20);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 180_000);

  it("names, for each command not run here, what runs it instead", () => {
    expect(reasonNotRun("npm start")).toMatch(/stack\.test\.ts/);
    expect(reasonNotRun("npm run bench:start")).toMatch(/benchmark/);
    expect(reasonNotRun("npx dcrm start --help")).toBeUndefined();
  });
});
