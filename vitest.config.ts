import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests run the emulator, the hub and the agent from source, so a change is tested without a build first.
    alias: {
      "@lifeboat/kube-emulator": fileURLToPath(new URL("./test/kube-emulator/src/index.ts", import.meta.url)),
      "@lifeboat/hub": fileURLToPath(new URL("./hub/src/index.ts", import.meta.url)),
      "@lifeboat/agent": fileURLToPath(new URL("./agent/src/index.ts", import.meta.url)),
      "@lifeboat/shared/restore": fileURLToPath(new URL("./shared/src/restore/index.ts", import.meta.url)),
      "@lifeboat/shared/repo": fileURLToPath(new URL("./shared/src/repo/index.ts", import.meta.url)),
      "@lifeboat/shared/errors": fileURLToPath(new URL("./shared/src/errors/index.ts", import.meta.url)),
      "@lifeboat/shared": fileURLToPath(new URL("./shared/src/index.ts", import.meta.url)),
    },
  },
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
