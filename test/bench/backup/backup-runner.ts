// Runs one backup task, as the agent's executor would, in a process of its own so that its wall
// time, CPU and peak RSS are the backup's alone. The backup benchmark bundles it (runner-build.ts)
// and starts it under /usr/bin/time -v; from source it also runs as
//   node --import tsx test/bench/backup/backup-runner.ts --kubeconfig F --repository-url file:///DIR
//        --password-file F --backup-id ID
// Prints one JSON line on stdout (RunnerOutput) and exits 0; on failure prints one with `error`
// and exits 1. Progress goes to stderr.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { create, toJson } from "@bufbuild/protobuf";
import { KubeConfig } from "@kubernetes/client-node";
import { BackupMode, BackupTaskResultSchema, BackupTaskSchema } from "@lifeboat/proto";
import { pino } from "pino";
import { taskKinds } from "../../../agent/src/executor/kinds/index.js";
import type { ProgressUpdate, TaskContext } from "../../../agent/src/executor/task-kind.js";

/** What the runner prints: the task's result as proto JSON, and its own measurements. */
export interface RunnerOutput {
  /** Seconds inside the task kind's run(): the backup itself, without process start. */
  runSeconds?: number;
  /**
   * Seconds spent in each stage, in order, as the task's progress messages name them (the backup
   * reports its stage as the message: discover, select, expand, …, manifest).
   */
  stageSeconds?: Array<[string, number]>;
  /** process.resourceUsage().maxRSS at the end, KiB. */
  maxRssKiB: number;
  /** BackupTaskResult as proto JSON (uint64 counts are strings). */
  result?: Record<string, unknown>;
  error?: { code?: string; message: string };
}

const { values: args } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    "repository-url": { type: "string" },
    "password-file": { type: "string" },
    "backup-id": { type: "string" },
  },
});

function print(output: RunnerOutput): void {
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

async function main(): Promise<number> {
  for (const name of ["kubeconfig", "repository-url", "password-file", "backup-id"] as const) {
    if (!args[name]) throw new Error(`--${name} is required`);
  }
  // The kind the agent's executor runs for a backup task.
  const kind = taskKinds.backup;
  const kube = new KubeConfig();
  kube.loadFromFile(args.kubeconfig!);
  const password = readFileSync(args["password-file"]!, "utf8").trim();
  const spec = create(BackupTaskSchema, {
    backup: {
      id: args["backup-id"]!,
      clusterId: "bench-cluster",
      clusterName: "bench",
      spec: { repository: "bench", mode: BackupMode.NORMAL },
    },
    repository: { name: "bench", url: args["repository-url"]!, credentials: { password } },
  });

  let lastProgress = 0;
  const stages: Array<{ stage: string; at: number }> = [];
  const progress = (update: ProgressUpdate): void => {
    const now = performance.now();
    if (update.message && update.message !== stages.at(-1)?.stage) stages.push({ stage: update.message, at: now });
    if (now - lastProgress < 5000) return;
    lastProgress = now;
    const counters = Object.entries(update.counters ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    process.stderr.write(`[backup-runner] ${update.percent ?? "?"}% ${update.message ?? ""} ${counters}\n`);
  };
  const controller = new AbortController();
  process.once("SIGTERM", () => controller.abort(new Error("the benchmark stopped the backup")));
  const context: TaskContext = {
    kube,
    taskId: `bench-${args["backup-id"]}`,
    signal: controller.signal,
    progress,
    logger: pino({ level: "warn", base: undefined }, pino.destination(2)),
  };

  const started = performance.now();
  try {
    const result = await kind.run(spec, context);
    const ended = performance.now();
    const runSeconds = (ended - started) / 1000;
    const stageSeconds = stages.map((s, i): [string, number] => [s.stage, ((stages[i + 1]?.at ?? ended) - s.at) / 1000]);
    print({ runSeconds, stageSeconds, maxRssKiB: process.resourceUsage().maxRSS, result: toJson(BackupTaskResultSchema, result) as Record<string, unknown> });
    return 0;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    print({ maxRssKiB: process.resourceUsage().maxRSS, error: { code: e.code, message: e.message ?? String(err) } });
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    print({ maxRssKiB: process.resourceUsage().maxRSS, error: { message: (err as Error)?.stack ?? String(err) } });
    process.exit(1);
  },
);
