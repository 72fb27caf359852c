// The one shape a task's change takes on its way to the record it drives (a backup, a restore),
// whether it comes from the event log or, when reconciling, from the task record itself.
import type { JsonValue, TaskError, TaskEvent, TaskPayload, TaskRecord, TaskState } from "../queue/index.js";

/** A task's change as the event log (or the task record, when reconciling) tells it. */
export interface TaskChange {
  state: TaskState;
  /** ms since epoch (Redis clock). */
  at: number;
  progress?: JsonValue;
  error?: TaskError;
  /** A completed task's result, protobuf binary (lifeboat.v1.TaskResult). */
  result?: TaskPayload;
}

/** The change an event (or a task's present state) tells; the result comes from `task`, as events carry none. */
export function taskChangeOf(event: Pick<TaskEvent, "state" | "at" | "progress" | "error">, task?: TaskRecord): TaskChange {
  return { state: event.state, at: event.at, progress: event.progress, error: event.error, result: task?.result };
}

/** The change a task record tells of its present state (reconcile reads tasks, not events). */
export function taskChangeOfTask(task: TaskRecord): TaskChange {
  return taskChangeOf({ state: task.state, at: task.updatedAt, progress: task.progress, error: task.error }, task);
}
