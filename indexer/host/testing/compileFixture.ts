/**
 * Compiles an AssemblyScript test module the way `graph build` does (graph-cli's asc flags, graph-ts globals),
 * with the AssemblyScript compiler graph-cli depends on. Output goes to a temporary directory.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname, "../../..");

export function compileFixture(source: string): Uint8Array {
  const outDir = mkdtempSync(join(tmpdir(), "host-fixture-"));
  const outFile = join(outDir, "module.wasm");
  const args = [
    "--explicitStart",
    "--exportRuntime",
    "--runtime",
    "stub",
    relative(ROOT, source),
    join("node_modules", "@graphprotocol", "graph-ts", "global", "global.ts"),
    "--baseDir",
    ".",
    "--lib",
    "node_modules",
    "--outFile",
    outFile,
    "--optimize",
    "--debug",
  ];
  try {
    execFileSync(join(ROOT, "node_modules", ".bin", "asc"), args, { cwd: ROOT, stdio: "pipe" });
    return readFileSync(outFile);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
