/** The `dcrm` command's surface: help, bad usage, exit codes, and the messages that say what to do next. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { describe, expect, it } from "vitest";

import { commands } from "./main.ts";
import { root } from "./paths.ts";
import { freePort } from "../test/support/freePort.ts";

function dcrm(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [join(root, "cli", "bin.mjs"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, ...env }, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("dcrm", () => {
  it("loads what `dcrm index` and `dcrm serve` run (the indexer) under Node's own type stripping", () => {
    // bin.mjs runs TypeScript by stripping types only: syntax that needs a transform (parameter properties,
    // enums) would stop the indexer at its start, which vitest, compiling on its own, never shows.
    const modules = ["cli/main.ts", "indexer/service.ts", "indexer/indexer.ts", "indexer/graphql/index.ts"].map((file) => JSON.stringify(pathToFileURL(join(root, file)).href));
    const result = spawnSync(join(root, "node_modules", ".bin", "node"), ["--input-type=module", "-e", `for (const url of [${modules.join(", ")}]) await import(url);`], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(result.stderr).not.toMatch(/ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX/);
    expect(result.status, result.stderr).toBe(0);
  }, 90_000);

  it("lists every command, and exits 2 without one", () => {
    const help = dcrm(["--help"]);
    expect(help.code).toBe(0);
    for (const command of commands) expect(help.stdout).toContain(`  ${command.name} `);
    expect(dcrm([]).code).toBe(2);
  });

  it.each(commands.map((command) => command.name))("`%s --help` names every option with its environment variable", (name) => {
    const help = dcrm([name, "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^usage: dcrm ${name} \\[options\\]`));
    const command = commands.find((candidate) => candidate.name === name)!;
    for (const [option, spec] of Object.entries(command.options)) {
      expect(help.stdout).toContain(`--${option}`);
      if (spec.negatable) expect(help.stdout).toContain(`--no-${option}`);
      if (spec.env) expect(help.stdout).toContain(`env ${spec.env}`);
    }
  });

  it("exits 2 on an unknown command, an unknown option or a malformed value, and names it", () => {
    const unknown = dcrm(["strat"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no command "strat"');
    const option = dcrm(["start", "--prot", "8545"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("--prot");
    expect(option.stderr).toContain("dcrm start --help");
    const port = dcrm(["status", "--port", "http"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain("--port must be a port number");
    const fromEnv = dcrm(["start"], { DCRM_GRAPHQL_PORT: "70000" });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain("--graphql-port must be a port number");
    const same = dcrm(["start", "--port", "9000", "--graphql-port", "9000"]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("must differ");
  });

  it("exits 1 when nothing runs, saying what to start", async () => {
    const [rpc, graphql] = [await freePort(), await freePort()];
    const status = dcrm(["status", "--port", String(rpc), "--graphql-port", String(graphql), "--data-dir", join(root, ".dcrm", "no-such-stack")]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`nothing answers at http://127.0.0.1:${rpc}`);
    expect(status.stdout).toContain("npm start");
    const deploy = dcrm(["deploy", "--port", String(rpc)]);
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toContain("dcrm node");
  });
});
