import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Under CI a JSON report too, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ["default", ["json", { outputFile: "test-results/vitest.json" }]]
      : ["default"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"],
          // Real Postgres, Redis and child processes: generous, but every wait has its own deadline.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
