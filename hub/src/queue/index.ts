export { TaskQueue, type TaskQueueOptions, type EnqueueOptions, type NewTask, type LeaseRequest, type LeaseCheck, type FailOptions, type Settlement, type ListTasksOptions, type TaskPage, type SweepResult } from "./task-queue.js";
export { Dispatcher, type DispatcherOptions, type TaskStream, type AttachedStream } from "./dispatcher.js";
export { LeaseSweeper, type LeaseSweeperOptions } from "./lease-sweeper.js";
export {
  EventLog,
  TASK_EVENT_TYPES,
  RECORD_EVENT_TYPES,
  isTaskEvent,
  type TaskEvent,
  type TaskEventType,
  type RecordEvent,
  type RecordEventType,
  type HubEvent,
  type EventLogOptions,
  type FollowOptions,
} from "./event-log.js";
export { TASK_STATES, LEASE_EXPIRED, CANCELLED, type TaskRecord, type TaskState, type TaskError } from "./task-record.js";
export { type JsonValue, type TaskPayload } from "./payload.js";
export { PeriodicJob, type PeriodicJobOptions } from "./periodic-job.js";
