import { defineConfig } from "vitest/config";

// TypeScript tests beside the code they test (the local indexer). Contract tests run under `hardhat test`.
export default defineConfig({
  test: {
    include: ["indexer/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
