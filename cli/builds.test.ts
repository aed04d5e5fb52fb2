/**
 * Builds that `dcrm start` runs while the stack comes up: a stack stopped half-way stops them with the tools
 * they started, and removes what a build stopped half-way must not leave behind.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { runScript, superviseScripts } from "./builds.ts";
import { CommandError } from "./command.ts";

const dir = mkdtempSync(join(tmpdir(), "dcrm-builds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether `pid` runs (an ended process that nobody has reaped yet does not). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return process.platform !== "linux";
  }
};

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("builds", () => {
  it("names the build that failed", async () => {
    const failing = join(dir, "failing.mjs");
    writeFileSync(failing, "process.exit(3);\n");
    await expect(runScript("building the thing", [failing])).rejects.toThrow(CommandError);
    await expect(runScript("building the thing", [failing])).rejects.toThrow(/building the thing failed \(exit 3\)/);
  });

  it("stops a supervised build and the tool it runs, and removes its half-written marker", async () => {
    const stop = superviseScripts(2_000);
    const marker = join(dir, "built.marker");
    const pids = join(dir, "pids");
    // A build that writes its marker early, then waits on a tool of its own (as build.mjs waits on graph-cli).
    const build = join(dir, "build.mjs");
    writeFileSync(
      build,
      [
        'import { spawn } from "node:child_process";',
        'import { writeFileSync } from "node:fs";',
        `writeFileSync(${JSON.stringify(marker)}, "half");`,
        'const tool = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });',
        `writeFileSync(${JSON.stringify(pids)}, JSON.stringify([process.pid, tool.pid]));`,
        "setInterval(() => {}, 1000);",
      ].join("\n"),
    );
    const running = runScript("building the thing", [build], {}, { removeIfStopped: [marker] });
    running.catch(() => {});
    await until(() => existsSync(pids) && readFileSync(pids, "utf8").length > 0);
    const [script, tool] = JSON.parse(readFileSync(pids, "utf8")) as [number, number];
    expect(alive(script) && alive(tool)).toBe(true);

    await stop();
    await expect(running).rejects.toThrow(/building the thing failed/);
    await until(() => !alive(tool));
    expect(alive(script)).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });
});
