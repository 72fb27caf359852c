import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { TaskProgressSchema, type TaskProgress } from "@lifeboat/proto";
import type { ProgressUpdate } from "./task-kind.js";

/** Least time between two reports a task asks for; more often would only load the hub. */
export const MIN_PROGRESS_GAP_MS = 1_000;

/**
 * One task's progress on its way to the hub. A task's own updates are sent at most every
 * MIN_PROGRESS_GAP_MS (the latest one wins); and every third of the lease the latest reading is
 * sent again, because progress is what renews the lease: a third leaves two more chances before
 * the lease runs out if a report is delayed or lost on a reconnect.
 */
export class ProgressReporter {
  private current: TaskProgress = create(TaskProgressSchema, { percent: 0, message: "" });
  private lastSentAt = 0;
  private trailing: NodeJS.Timeout | undefined;
  private renewal: NodeJS.Timeout | undefined;
  private isStopped = false;

  constructor(
    private readonly send: (progress: TaskProgress) => void,
    leaseDurationMs: number,
  ) {
    this.setLeaseDuration(leaseDurationMs);
  }

  /** The latest reading, stamped when it was taken. */
  get latest(): TaskProgress {
    return this.current;
  }

  /** Merges `update` into the reading and sends it now, or once the gap since the last report has passed. */
  update(update: ProgressUpdate): void {
    if (this.isStopped) return;
    const counters = { ...this.current.counters };
    for (const [name, value] of Object.entries(update.counters ?? {})) counters[name] = BigInt(value);
    this.current = create(TaskProgressSchema, {
      percent: clampPercent(update.percent ?? this.current.percent),
      message: update.message ?? this.current.message,
      counters,
      updateTime: timestampNow(),
    });
    const wait = this.lastSentAt + MIN_PROGRESS_GAP_MS - Date.now();
    if (wait <= 0) this.flush();
    else this.trailing ??= setTimeout(() => this.flush(), wait);
  }

  /** Reports every third of `leaseDurationMs` from now on. */
  setLeaseDuration(leaseDurationMs: number): void {
    if (this.isStopped) return;
    clearInterval(this.renewal);
    this.renewal = setInterval(() => this.flush(), Math.max(1, Math.floor(leaseDurationMs / 3)));
  }

  /** Sends nothing more. */
  stop(): void {
    this.isStopped = true;
    clearTimeout(this.trailing);
    clearInterval(this.renewal);
  }

  private flush(): void {
    clearTimeout(this.trailing);
    this.trailing = undefined;
    if (this.isStopped) return;
    this.lastSentAt = Date.now();
    this.send(this.current);
  }
}

function clampPercent(percent: number): number {
  return Math.min(100, Math.max(0, Math.round(percent)));
}
