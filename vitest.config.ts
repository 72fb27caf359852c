import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{proto,shared,hub,agent}/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites start real servers; two cores do not gain from more forks.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
