// Restore records follow their tasks: every hub process runs a tracker that reads the event log
// from the restore trackers' shared cursor and applies each restore task's change to its restore.
// Changes are compare-and-set and ordered by event id, so several trackers write one result.
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { RestorePhase, type Restore } from "@lifeboat/proto";
import { isLifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import type { TaskChange } from "../backups/index.js";
import { compareEventIds } from "../queue/event-log.js";
import { isTaskEvent, type EventLog, type TaskEvent, type TaskQueue, type TaskRecord } from "../queue/index.js";
import type { TaskId } from "../store/index.js";
import { RESTORE_TASK_KIND } from "./create-restore.js";
import { listAllRestores } from "./list-restores.js";
import { isRestoreId } from "./restore-id.js";
import type { RestoreStore } from "./restore-store.js";
import { applyRestoreTaskChange } from "./track-restore-task.js";

export interface RestoreTrackerOptions {
  store: RestoreStore;
  queue: Pick<TaskQueue, "get">;
  events: Pick<EventLog, "followAll">;
  /** The command connection (the cursor lives beside the records). */
  redis: Redis;
  /** Told of errors; the tracker carries on (from its cursor) after each. */
  onError?: (err: unknown) => void;
  /** Wait before following again after an error (default 1 s). */
  retryMs?: number;
  /** A NEW restore this old whose task does not exist is FAILED by reconcile (default 5 min). */
  orphanAfterMs?: number;
  now?: () => number;
}

// Moves the shared cursor forward only: a lagging tracker never sends the others back.
const ADVANCE_SCRIPT = `
local function parse(id)
  local ms, seq = string.match(id, "^(%d+)-?(%d*)$")
  return tonumber(ms), tonumber(seq) or 0
end
local current = redis.call("GET", KEYS[1])
if current then
  local a, b = parse(current)
  local c, d = parse(ARGV[1])
  if a > c or (a == c and b >= d) then return 0 end
end
redis.call("SET", KEYS[1], ARGV[1])
return 1
`;

// Errors about one record rather than about reaching Redis: logged and skipped.
const RECORD_ERRORS = new Set(["CORRUPT", "INVALID_ARGUMENT", "NOT_FOUND"]);

function taskChange(event: Pick<TaskEvent, "state" | "at" | "progress" | "error">, task?: TaskRecord): TaskChange {
  return { state: event.state, at: event.at, progress: event.progress, error: event.error, result: task?.result };
}

export class RestoreTracker {
  private readonly options: RestoreTrackerOptions;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(options: RestoreTrackerOptions) {
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

  /** The shared cursor: the last event applied by any restore tracker ("0" before the first). */
  async cursor(): Promise<string> {
    return (await this.options.redis.get(this.options.store.keys.trackerCursor)) ?? "0";
  }

  /** Applies one event of the log to its restore (other events change nothing). */
  async apply(event: TaskEvent): Promise<void> {
    if (event.kind !== RESTORE_TASK_KIND || !isRestoreId(event.taskId)) return;
    const { store, queue } = this.options;
    const stored = await store.read(event.taskId);
    if (!stored || compareEventIds(stored.eventId, event.id) >= 0) return;
    // The result is read from the task: events carry no result (a summary can be large).
    const task = event.state === "completed" ? await queue.get(event.taskId) : undefined;
    const change = taskChange(event, task);
    await store.update(event.taskId, (current) => {
      if (compareEventIds(current.eventId, event.id) >= 0) return undefined;
      const next = applyRestoreTaskChange(current.restore, change);
      return next ? { restore: next, eventId: event.id } : undefined;
    });
  }

  /**
   * Brings every unfinished restore up to its task's present state: run at start, for a log
   * trimmed past the cursor and for restores whose task was never queued. Returns how many
   * changed phase.
   */
  async reconcile(): Promise<number> {
    const { store, queue } = this.options;
    const open = [...(await listAllRestores(store, { phase: RestorePhase.NEW })), ...(await listAllRestores(store, { phase: RestorePhase.IN_PROGRESS }))];
    let changedCount = 0;
    for (const restore of open) {
      if (!restore.taskId) continue;
      const task = await queue.get(restore.taskId as TaskId);
      if (!task && !this.isOrphan(restore)) continue;
      const change: TaskChange = task
        ? taskChange({ state: task.state, at: task.updatedAt, progress: task.progress, error: task.error }, task)
        : { state: "failed", at: this.now(), error: { code: "INTERNAL", message: "its task was never queued: the hub stopped while creating it; create the restore again" } };
      const before = restore.phase;
      const after = await store.update(restore.id, (current) => {
        const next = applyRestoreTaskChange(current.restore, change);
        return next ? { restore: next } : undefined;
      });
      if (after && after.phase !== before) changedCount++;
    }
    return changedCount;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private isOrphan(restore: Restore): boolean {
    const created = restore.createTime ? timestampMs(restore.createTime) : 0;
    return restore.phase === RestorePhase.NEW && this.now() - created >= (this.options.orphanAfterMs ?? 5 * 60_000);
  }

  private async advance(eventId: string): Promise<void> {
    await this.options.redis.eval(ADVANCE_SCRIPT, 1, this.options.store.keys.trackerCursor, eventId);
  }

  private async run(signal: AbortSignal): Promise<void> {
    const onError = this.options.onError ?? ((err: unknown) => console.error("restore tracker:", err));
    while (!signal.aborted) {
      try {
        const from = await this.cursor();
        await this.reconcile();
        for await (const event of this.options.events.followAll(from, { signal })) {
          if (!isTaskEvent(event) || event.kind !== RESTORE_TASK_KIND) continue;
          try {
            await this.apply(event);
          } catch (err) {
            if (!isLifeboatError(err) || !RECORD_ERRORS.has(err.code)) throw err;
            onError(err);
          }
          await this.advance(event.id);
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
