/**
 * Test support: builds the Ping fixture subgraph (ping-subgraph/) for one deployment with graph-cli, offline,
 * into a temporary folder, exactly as a user's `graph codegen && graph build` would.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const fixture = join(dirname(fileURLToPath(import.meta.url)), "ping-subgraph");
const graph = join(fixture, "..", "..", "..", "node_modules", ".bin", "graph");

/** Returns the build folder (holding subgraph.yaml) for a Ping contract at `address` from `startBlock`. */
export function buildPingSubgraph(address: string, startBlock: number): string {
  // The sources stay inside the repository so that graph-ts resolves from its node_modules.
  const work = mkdtempSync(join(fixture, "..", ".ping-build-"));
  cpSync(fixture, work, { recursive: true });
  writeFileSync(
    join(work, "subgraph.yaml"),
    readFileSync(join(fixture, "subgraph.template.yaml"), "utf8").replace("{{address}}", address).replace("{{startBlock}}", String(startBlock)),
  );
  const out = mkdtempSync(join(tmpdir(), "ping-subgraph-"));
  try {
    graphCli(["codegen", "subgraph.yaml"], work);
    graphCli(["build", "subgraph.yaml", "--output-dir", out, "--skip-migrations"], work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

function graphCli(args: string[], cwd: string): void {
  try {
    execFileSync(graph, args, { cwd, env: { ...process.env, GRAPH_SKIP_NEW_VERSION_CHECK: "true" }, stdio: "pipe" });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`graph ${args[0]} failed:\n${stdout?.toString() ?? ""}${stderr?.toString() ?? ""}`);
  }
}
