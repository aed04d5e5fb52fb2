import { defineConfig } from "vitest/config";

// TypeScript tests beside the code they test: the local indexer, and the SDK (against anvil with the system
// deployed by deploy/). Contract tests run under `hardhat test`.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: "indexer", include: ["indexer/**/*.test.ts"] } },
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
    ],
  },
});
