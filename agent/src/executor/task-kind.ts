import type { DataMoverConfig } from "../volumes/data-mover-config.js";
import type { KubeConfig } from "@kubernetes/client-node";
import type { TaskResult, TaskSpec } from "@lifeboat/proto";
import type { Logger } from "pino";

/** The kinds of task the contract defines: the cases of TaskSpec.kind ("inventory", …). */
export type TaskKindName = NonNullable<TaskSpec["kind"]["case"]>;
/** The spec message of one kind, e.g. InventorySpec. */
export type SpecOf<K extends TaskKindName> = Extract<TaskSpec["kind"], { case: K }>["value"];
/** The result message of one kind, e.g. InventoryResult (TaskResult.kind has the same cases). */
export type ResultOf<K extends TaskKindName> = Extract<TaskResult["kind"], { case: K }>["value"];

/** What every task may use, given once to the executor. Later kinds add the repository here. */
export interface TaskDependencies {
  /** The cluster the agent runs in. */
  kube: KubeConfig;
  /** How volume data is moved (namespace, mover image, stall timeout); defaults when absent. */
  dataMover?: Partial<DataMoverConfig>;
}

/** How far a task has got. Counters replace the previous reading's of the same name. */
export interface ProgressUpdate {
  /** 0 to 100. */
  percent?: number;
  /** What the task is doing now, e.g. "listing apps/v1 deployments". */
  message?: string;
  counters?: Record<string, number | bigint>;
}

/** What a running task gets: its dependencies, its cancellation and a way to report progress. */
export interface TaskContext extends TaskDependencies {
  readonly taskId: string;
  /**
   * Aborted when the hub cancels the task or the agent stops; the task should stop promptly
   * (pass it to every request) and may simply throw the signal's reason.
   */
  readonly signal: AbortSignal;
  /** Reports progress to the hub (at most about once a second; the lease is renewed regardless). */
  progress(update: ProgressUpdate): void;
  readonly logger: Logger;
}

/**
 * One kind of task. Tasks are delivered at least once (a lost stream or a crash hands the task
 * out again), so `run` must be idempotent: running it twice leaves the same outcome as once.
 * It returns the kind's result or throws; a LifeboatError reaches the hub with its code, field,
 * value and retryable flag.
 */
export interface TaskKind<K extends TaskKindName> {
  run(spec: SpecOf<K>, context: TaskContext): Promise<ResultOf<K>>;
}

/** One runner per kind of the contract: a kind added to task.proto does not compile until it has one. */
export type TaskKindRegistry = { [K in TaskKindName]: TaskKind<K> };
