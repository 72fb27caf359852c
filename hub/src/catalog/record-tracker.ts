// Records that follow their tasks (backups, restores): every hub process runs a tracker per kind
// that reads the event log from that kind's shared cursor and applies each of its tasks' changes to
// the record the task is for. Changes are compare-and-set and ordered by event id, so several
// trackers applying one event write one result. What differs between kinds is in TrackedRecords.
import { timestampMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import { isLifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import { compareEventIds } from "../queue/event-log.js";
import { isTaskEvent, type EventLog, type TaskEvent, type TaskQueue } from "../queue/index.js";
import type { TaskId } from "../store/index.js";
import { advanceCursor, readCursor } from "./tracker-cursor.js";
import { taskChangeOf, taskChangeOfTask, type TaskChange } from "./task-change.js";

/** What a tracker reads of a record: its task (whose id is the record's) and when it was made. */
export interface TrackedRecord {
  id: string;
  taskId: string;
  createTime?: Timestamp;
}

/** A record with the id of the last task event applied to it ("0" for none). */
export interface TrackedVersion<R> {
  record: R;
  eventId: string;
}

/** One kind of task-driven record, as its tracker sees it. */
export interface TrackedRecords<R extends TrackedRecord> {
  /** For the default error log ("backup tracker: ..."). */
  noun: string;
  /** The task kind whose events apply; the tracker skips every other event. */
  taskKind: string;
  /** Whether a task id is one of these records' ids (a task's id is its record's). */
  isId(id: string): boolean;
  /** The Redis key of this kind's shared cursor. */
  cursorKey: string;
  read(id: string): Promise<TrackedVersion<R> | undefined>;
  /**
   * Compare-and-set as the stores do it: `change` sees the record as it is and returns what to
   * write (undefined to leave it); an unset eventId keeps the stored one.
   */
  update(id: string, change: (current: TrackedVersion<R>) => { record: R; eventId?: string } | undefined): Promise<R | undefined>;
  /** The records a task may still move: NEW, then IN_PROGRESS. */
  listOpen(): Promise<R[]>;
  /** What a task change makes of a record; undefined leaves it. */
  applyChange(record: R, change: TaskChange): R | undefined;
  /** Whether a record is NEW (recorded, its task perhaps not yet queued). */
  isNew(record: R): boolean;
  /** The failure reason of a record whose hub stopped before queueing its task. */
  orphanReason: string;
}

export interface RecordTrackerOptions {
  queue: Pick<TaskQueue, "get">;
  events: Pick<EventLog, "followAll">;
  /** The command connection (the cursor lives beside the records). */
  redis: Redis;
  /** Told of errors; the tracker carries on (from its cursor) after each. */
  onError?: (err: unknown) => void;
  /** Wait before following again after an error (default 1 s). */
  retryMs?: number;
  /**
   * A NEW record this old whose task does not exist is FAILED by reconcile: its hub stopped
   * between recording it and queueing its task (default 5 min).
   */
  orphanAfterMs?: number;
  now?: () => number;
}

// Errors about one record rather than about reaching Redis: logged and skipped, or one damaged
// record would stop every record's tracking.
const RECORD_ERRORS = new Set(["CORRUPT", "INVALID_ARGUMENT", "NOT_FOUND"]);

export class RecordTracker<R extends TrackedRecord & { phase: number }> {
  private readonly records: TrackedRecords<R>;
  private readonly options: RecordTrackerOptions;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(records: TrackedRecords<R>, options: RecordTrackerOptions) {
    this.records = records;
    this.options = options;
  }

  /** Starts following the log in the background, from the shared cursor; errors go to onError. */
  start(): void {
    if (this.running) return;
    this.controller = new AbortController();
    this.running = this.run(this.controller.signal);
  }

  /** Stops following; resolves when the current event is applied. */
  async close(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = undefined;
  }

  /** The shared cursor: the last event applied by any tracker of this kind ("0" before the first). */
  async cursor(): Promise<string> {
    return readCursor(this.options.redis, this.records.cursorKey);
  }

  /** Applies one event of the log to its record (other events change nothing). */
  async apply(event: TaskEvent): Promise<void> {
    const records = this.records;
    if (event.kind !== records.taskKind || !records.isId(event.taskId)) return;
    const stored = await records.read(event.taskId);
    if (!stored || compareEventIds(stored.eventId, event.id) >= 0) return;
    // The result is read from the task: events carry no result (a summary can be large).
    const task = event.state === "completed" ? await this.options.queue.get(event.taskId) : undefined;
    const change = taskChangeOf(event, task);
    await records.update(event.taskId, (current) => {
      if (compareEventIds(current.eventId, event.id) >= 0) return undefined;
      const next = records.applyChange(current.record, change);
      return next ? { record: next, eventId: event.id } : undefined;
    });
  }

  /**
   * Brings every unfinished record up to its task's present state: run at start, for a log trimmed
   * past the cursor (a hub down longer than the log keeps events) and for records whose task was
   * never queued. Returns how many changed phase.
   */
  async reconcile(): Promise<number> {
    const records = this.records;
    let changedCount = 0;
    for (const record of await records.listOpen()) {
      if (!record.taskId) continue;
      const task = await this.options.queue.get(record.taskId as TaskId);
      if (!task && !this.isOrphan(record)) continue;
      const change: TaskChange = task ? taskChangeOfTask(task) : { state: "failed", at: this.now(), error: { code: "INTERNAL", message: records.orphanReason } };
      const before = record.phase;
      const after = await records.update(record.id, (current) => {
        const next = records.applyChange(current.record, change);
        return next ? { record: next } : undefined;
      });
      if (after && after.phase !== before) changedCount++;
    }
    return changedCount;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private isOrphan(record: R): boolean {
    const created = record.createTime ? timestampMs(record.createTime) : 0;
    return this.records.isNew(record) && this.now() - created >= (this.options.orphanAfterMs ?? 5 * 60_000);
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { taskKind, noun, cursorKey } = this.records;
    const onError = this.options.onError ?? ((err: unknown) => console.error(`${noun} tracker:`, err));
    while (!signal.aborted) {
      try {
        const from = await this.cursor();
        await this.reconcile();
        for await (const event of this.options.events.followAll(from, { signal })) {
          if (!isTaskEvent(event) || event.kind !== taskKind) continue;
          try {
            await this.apply(event);
          } catch (err) {
            if (!isLifeboatError(err) || !RECORD_ERRORS.has(err.code)) throw err;
            onError(err);
          }
          await advanceCursor(this.options.redis, cursorKey, event.id);
        }
      } catch (err) {
        if (signal.aborted) return;
        onError(err);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.retryMs ?? 1_000);
          signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
      }
    }
  }
}
