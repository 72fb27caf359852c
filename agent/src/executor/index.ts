// Runs the tasks the hub assigns: one AbortSignal each, progress that renews the lease, a result or an error.
export { Executor, type AssignOutcome, type ExecutorOptions, type TaskReports } from "./executor.js";
export { taskKinds } from "./kinds/index.js";
export type { ProgressUpdate, TaskContext, TaskDependencies, TaskKind, TaskKindName, TaskKindRegistry } from "./task-kind.js";
