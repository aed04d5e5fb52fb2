import { defineConfig } from "vitest/config";

// TypeScript tests beside the code they test: the local indexer, the project's scripts, the SDK (against
// anvil with the system deployed by deploy/) and the dashboard. Contract tests run under `hardhat test`.
// Every wait has a limit: each test (testTimeout), each hook (hookTimeout), each file as a whole
// (scripts/vitest/fileTimeLimit.ts) and a worker's teardown (teardownTimeout); a stuck test fails with its name.
export default defineConfig({
  test: {
    setupFiles: ["scripts/vitest/fileTimeLimit.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "indexer", include: ["indexer/**/*.test.ts", "scripts/**/*.test.ts", "cli/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "sdk",
          include: ["sdk/src/**/*.test.ts", "sdk/src/**/*.test.tsx"],
          globalSetup: ["sdk/src/testing/globalSetup.ts"],
          // One chain for all files: files run one after another, each reverting to its starting snapshot.
          fileParallelism: false,
        },
      },
      // The dashboard: components and pure helpers in happy-dom; end to end in headless Chromium against a
      // stack that `dcrm start` runs with demo data.
      { extends: true, test: { name: "app", include: ["app/src/**/*.test.ts", "app/src/**/*.test.tsx"], environment: "happy-dom" } },
      { extends: true, test: { name: "app-e2e", include: ["app/e2e/**/*.test.ts"], fileParallelism: false } },
    ],
  },
});
