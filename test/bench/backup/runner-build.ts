// Builds a task runner (backup or restore) into plain JavaScript, so the process measured is what an agent runs:
// no TypeScript loader compiling modules in it (under tsx the same runner starts about 75 MiB
// larger). The agent's sources are bundled; packages (@lifeboat/shared, client-node, …) stay
// imports, resolved from the repository's node_modules as the agent's own build resolves them.
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// The runners a benchmark may start: the backup task, or the restore task.
const runnerSources = {
  backup: fileURLToPath(new URL("./backup-runner.ts", import.meta.url)),
  restore: fileURLToPath(new URL("../restore/restore-runner.ts", import.meta.url)),
};
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
// Inside the repository so the bundle's package imports resolve; node_modules/.cache is where
// tools keep such throw-away output.
const cacheDir = path.join(repoRoot, "node_modules", ".cache");

export type RunnerMode = "built" | "tsx";

export interface Runner {
  /** Node arguments that start the runner (before its own options). */
  args: string[];
  /** Removes what building it left. */
  dispose(): Promise<void>;
}

export async function prepareRunner(mode: RunnerMode, which: keyof typeof runnerSources = "backup"): Promise<Runner> {
  const runnerSource = runnerSources[which];
  if (mode === "tsx") return { args: ["--import", "tsx", runnerSource], dispose: async () => undefined };
  await mkdir(cacheDir, { recursive: true });
  const dir = await mkdtemp(path.join(cacheDir, `lifeboat-bench-${which}-`));
  const removeOnExit = (): void => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeOnExit);
  const dispose = async (): Promise<void> => {
    process.removeListener("exit", removeOnExit);
    await rm(dir, { recursive: true, force: true });
  };
  const outfile = path.join(dir, `${which}-runner.mjs`);
  try {
    await build({
      entryPoints: [runnerSource],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      logLevel: "warning",
    });
  } catch (err) {
    await dispose();
    throw err;
  }
  // No source maps: Node would hold them in memory, which the agent's own build does not.
  return { args: [outfile], dispose };
}
