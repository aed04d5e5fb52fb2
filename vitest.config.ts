import { defineConfig } from "vitest/config";

// TypeScript tests beside the code they test (the local indexer). Contract tests run under `hardhat test`.
// Every wait has a limit: each test (testTimeout), each hook (hookTimeout), each file as a whole
// (scripts/vitest/fileTimeLimit.ts) and a worker's teardown (teardownTimeout); a stuck test fails with its name.
export default defineConfig({
  test: {
    include: ["indexer/**/*.test.ts", "scripts/**/*.test.ts"],
    setupFiles: ["scripts/vitest/fileTimeLimit.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
