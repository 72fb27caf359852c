import { create } from "@bufbuild/protobuf";
import {
  TaskProgressReportSchema,
  TaskResultReportSchema,
  TaskResultSchema,
  type Task,
  type TaskResult,
  type TaskProgressReport,
  type TaskResultReport,
} from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { Logger } from "pino";
import { ProgressReporter } from "./progress-reporter.js";
import { toTaskError } from "./task-error.js";
import type { TaskDependencies, TaskKind, TaskKindName, TaskKindRegistry } from "./task-kind.js";

/** Where the executor's reports go: the connection to the hub, declared here where it is used. */
export interface TaskReports {
  /** Progress of a running task; may be dropped while the hub is unreachable (it is sent again). */
  sendProgress(report: TaskProgressReport): void;
  /** How an attempt ended; must reach the hub, across reconnects if need be. */
  sendResult(report: TaskResultReport): void;
  /** A task left the executor (finished, failed or cancelled): there is room for another. */
  taskEnded(taskId: string): void;
}

export interface ExecutorOptions {
  kinds: TaskKindRegistry;
  dependencies: TaskDependencies;
  reports: TaskReports;
  leaseDurationMs: number;
  logger: Logger;
}

/** What assign did with a task. */
export type AssignOutcome = "started" | "already-running";

interface RunningTask {
  readonly id: string;
  readonly kind: string;
  attempt: number;
  readonly controller: AbortController;
  readonly reporter: ProgressReporter;
  /** Cancelled by the hub: the attempt ends without a result. */
  isCancelled: boolean;
  done?: Promise<void>;
}

/**
 * Runs the tasks the hub assigns, each with its own AbortSignal, and reports their progress
 * (which renews their leases) and results through TaskReports. It does not count credits: the
 * connection grants them from `runningCount` and `taskEnded`.
 */
export class Executor {
  private readonly running = new Map<string, RunningTask>();
  private leaseDurationMs: number;

  constructor(private readonly options: ExecutorOptions) {
    this.leaseDurationMs = options.leaseDurationMs;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Ids of the tasks running now. */
  activeTaskIds(): string[] {
    return [...this.running.keys()];
  }

  /** The latest progress of every running task, to renew their leases on a new stream. */
  currentProgress(): TaskProgressReport[] {
    return [...this.running.values()].map((task) => this.progressReport(task));
  }

  /**
   * Starts `task`. A task already running (the hub handed it out again, e.g. after a reconnect
   * it did not know about) keeps running once, now reporting under the new attempt.
   */
  assign(task: Task): AssignOutcome {
    const existing = this.running.get(task.id);
    if (existing) {
      existing.attempt = task.attempt;
      this.options.reports.sendProgress(this.progressReport(existing));
      return "already-running";
    }
    const kind = task.spec?.kind.case ?? "unspecified";
    const entry: RunningTask = {
      id: task.id,
      kind,
      attempt: task.attempt,
      controller: new AbortController(),
      reporter: new ProgressReporter(() => this.options.reports.sendProgress(this.progressReport(entry)), this.leaseDurationMs),
      isCancelled: false,
    };
    this.running.set(task.id, entry);
    // The first report renews the lease at once and tells the hub the task has started.
    entry.reporter.update({ percent: 0, message: "started" });
    entry.done = this.run(entry, task);
    return "started";
  }

  /** Stops a running task; it ends without a result (the hub has recorded it as cancelled). */
  cancel(taskId: string, reason: string): boolean {
    const entry = this.running.get(taskId);
    if (!entry) return false;
    entry.isCancelled = true;
    entry.controller.abort(new LifeboatError("FAILED_PRECONDITION", `task ${taskId} was cancelled: ${reason || "no reason given"}`));
    return true;
  }

  /** Progress is reported every third of this from now on. */
  setLeaseDuration(leaseDurationMs: number): void {
    this.leaseDurationMs = leaseDurationMs;
    for (const task of this.running.values()) task.reporter.setLeaseDuration(leaseDurationMs);
  }

  /**
   * Aborts every running task and waits for them to end; each reports a retryable UNAVAILABLE
   * error, so the hub hands it out again at once instead of waiting out the lease.
   */
  async stop(): Promise<void> {
    const tasks = [...this.running.values()];
    for (const task of tasks) {
      task.controller.abort(new LifeboatError("UNAVAILABLE", `task ${task.id} was interrupted: the agent is stopping`, { retryable: true }));
    }
    await Promise.all(tasks.map((task) => task.done));
  }

  private async run(entry: RunningTask, task: Task): Promise<void> {
    const logger = this.options.logger.child({ taskId: entry.id, kind: entry.kind });
    const startedAt = Date.now();
    let outcome: TaskResultReport["outcome"];
    try {
      const spec = task.spec?.kind;
      if (!spec?.case) {
        throw new LifeboatError("INVALID_ARGUMENT", `task ${entry.id} has no spec: TaskSpec.kind must be set`, { field: "spec.kind" });
      }
      const kind = this.options.kinds[spec.case] as TaskKind<TaskKindName> | undefined;
      if (!kind) {
        throw new LifeboatError("FAILED_PRECONDITION", `task ${entry.id}: this agent does not run tasks of kind "${spec.case}"`, {
          field: "spec.kind",
          value: spec.case,
        });
      }
      logger.info({ attempt: entry.attempt }, "task started");
      const value = await kind.run(spec.value, {
        ...this.options.dependencies,
        taskId: entry.id,
        signal: entry.controller.signal,
        progress: (update) => entry.reporter.update(update),
        logger,
      });
      // The kind ran for spec.case, so its result is that case's (TypeScript cannot pair the two).
      outcome = { case: "result", value: create(TaskResultSchema, { kind: { case: spec.case, value } as TaskResult["kind"] }) };
      logger.info({ attempt: entry.attempt, ms: Date.now() - startedAt }, "task completed");
    } catch (err) {
      const error = toTaskError(err, entry.kind);
      outcome = { case: "error", value: error };
      if (entry.isCancelled) logger.info({ attempt: entry.attempt }, "task cancelled");
      else if (error.code === "INTERNAL") logger.error({ err, attempt: entry.attempt }, "task failed unexpectedly");
      else logger.warn({ attempt: entry.attempt, code: error.code, error: error.message }, "task failed");
    } finally {
      entry.reporter.stop();
      this.running.delete(entry.id);
    }
    if (!entry.isCancelled) {
      this.options.reports.sendResult(create(TaskResultReportSchema, { taskId: entry.id, attempt: entry.attempt, outcome }));
    }
    this.options.reports.taskEnded(entry.id);
  }

  private progressReport(task: RunningTask): TaskProgressReport {
    return create(TaskProgressReportSchema, { taskId: task.id, attempt: task.attempt, progress: task.reporter.latest });
  }
}
