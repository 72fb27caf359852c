// What the benchmarks' task runners share: a task kind run in a process of its own, as the agent's
// executor runs it, with its stages timed from its progress messages, printing one JSON line
// (RunnerOutput) on stdout and exiting 0, or 1 with `error` when the task throws.
import { performance } from "node:perf_hooks";
import type { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import type { ProgressUpdate, TaskContext } from "../../../agent/src/executor/task-kind.js";

/** What a runner prints. */
export interface RunnerOutput {
  /** Seconds inside the task kind's run(): the task itself, without process start. */
  runSeconds?: number;
  /**
   * Seconds spent in each stage, in order, as the task's progress messages name them (backup and
   * restore report their stage as the message).
   */
  stageSeconds?: Array<[string, number]>;
  /** process.resourceUsage().maxRSS at the end, KiB. */
  maxRssKiB: number;
  /** The task's result as proto JSON (uint64 counts are strings). */
  result?: Record<string, unknown>;
  error?: { code?: string; message: string };
}

function print(output: RunnerOutput): void {
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

/**
 * Runs `run` with a task context on `kube` (progress to stderr every 5 s, warnings and errors
 * logged to stderr) and exits the process with its output printed.
 */
export function runTaskProcess(name: string, kube: KubeConfig, taskId: string, run: (context: TaskContext) => Promise<Record<string, unknown>>): void {
  const main = async (): Promise<number> => {
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
      process.stderr.write(`[${name}] ${update.percent ?? "?"}% ${update.message ?? ""} ${counters}\n`);
    };
    const controller = new AbortController();
    process.once("SIGTERM", () => controller.abort(new Error(`the benchmark stopped the ${name}`)));
    const context: TaskContext = { kube, taskId, signal: controller.signal, progress, logger: pino({ level: "warn", base: undefined }, pino.destination(2)) };
    const started = performance.now();
    try {
      const result = await run(context);
      const ended = performance.now();
      const stageSeconds = stages.map((s, i): [string, number] => [s.stage, ((stages[i + 1]?.at ?? ended) - s.at) / 1000]);
      print({ runSeconds: (ended - started) / 1000, stageSeconds, maxRssKiB: process.resourceUsage().maxRSS, result });
      return 0;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      print({ maxRssKiB: process.resourceUsage().maxRSS, error: { code: e.code, message: e.message ?? String(err) } });
      return 1;
    }
  };
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      print({ maxRssKiB: process.resourceUsage().maxRSS, error: { message: (err as Error)?.stack ?? String(err) } });
      process.exit(1);
    },
  );
}
