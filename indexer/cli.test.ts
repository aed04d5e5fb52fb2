/** The command as a user runs it: a subgraph it cannot run is refused once, with every reason and no usage text. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const NODE = join(ROOT, "node_modules", ".bin", "node");

function runCli(args: string[]) {
  return spawnSync(NODE, [join(ROOT, "indexer", "cli.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
}

describe("indexer/cli.ts", () => {
  it("refuses a subgraph with every reason at once, no usage text, exit code 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-refusal-"));
    writeFileSync(
      join(dir, "subgraph.yaml"),
      [
        "specVersion: 1.1.0",
        "schema:",
        "  file: ./schema.graphql",
        "graft:",
        "  base: Qm",
        "  block: 1",
        "dataSources:",
        "  - kind: ethereum/contract",
        "    name: A",
        "    network: anvil",
        "    source:",
        "      abi: A",
        "    mapping:",
        "      apiVersion: 0.0.3",
        "      abis:",
        "        - name: A",
        "          file: ./A.json",
        "      file: ./A.wasm",
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, "schema.graphql"), "type A @entity { id: ID! }\n");
    writeFileSync(join(dir, "A.json"), "[]");
    const run = runCli(["--subgraph", dir, "--port", "0"]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toMatch(/usage/);
    expect(run.stderr.trim().split("\n")).toEqual([
      `indexer: cannot run ${dir}: this subgraph uses 4 things the indexer cannot honour:`,
      "  - grafting (graft:) is not supported by this indexer",
      "  - dataSources[0] (A): apiVersion 0.0.3 is not supported (0.0.5, 0.0.6, 0.0.7, 0.0.8, 0.0.9)",
      `  - dataSources[0] (A) WASM: ${join(dir, "A.wasm")} does not exist`,
      "  - dataSources[0] (A): no eventHandlers, callHandlers nor blockHandlers",
    ]);
  });

  it("prints usage for a usage mistake", () => {
    const run = runCli(["--port", "0"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--subgraph is required/);
    expect(run.stderr).toMatch(/^usage: /m);
    const ipfs = runCli(["--subgraph", ROOT, "--ipfs", "127.0.0.1:5001"]);
    expect(ipfs.status).toBe(2);
    expect(ipfs.stderr).toMatch(/^indexer: --ipfs: the IPFS URL `127\.0\.0\.1:5001` is not (a URL|http\(s\))/m);
    expect(ipfs.stderr).toMatch(/--ipfs <IPFS HTTP API or gateway URL>/);
  });
});
