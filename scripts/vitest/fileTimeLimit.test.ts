import { spawnSync } from "node:child_process";

import { describe, expect, it } from "vitest";

describe("the per-file time limit", () => {
  it("stops a file whose test never finishes and names the file, the test and what it waited on", () => {
    const run = spawnSync("vitest", ["run", "--config", "scripts/vitest/fixtures/stuck.vitest.config.ts"], {
      encoding: "utf8",
      env: { ...process.env, DCRM_TEST_FILE_TIMEOUT_MS: "3000", CI: "true" },
      timeout: 120_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).not.toBe(0);
    expect(output).toMatch(/stuck\.fixture\.ts: still running after 3 s, in test "waits for a server that never answers"/);
    expect(output).toMatch(/waiting on: .*Timeout/);
  }, 150_000);
});
