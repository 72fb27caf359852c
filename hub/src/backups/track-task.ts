// What one change of a backup task makes of its backup: a pure function of the backup and the
// change, so every hub applying the same change writes the same record.
import { clone, create, fromBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupProgressSchema, BackupSchema, TaskResultSchema, type Backup, type TaskResult } from "@lifeboat/proto";
import { progressOf } from "../grpc/wire-task.js";
import type { JsonValue, TaskError, TaskPayload, TaskState } from "../queue/index.js";

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

/** Phases a task change never leaves: the run is over, or the backup is being deleted. */
const SETTLED = new Set([
  BackupPhase.COMPLETED,
  BackupPhase.PARTIALLY_FAILED,
  BackupPhase.FAILED,
  BackupPhase.FAILED_VALIDATION,
  BackupPhase.DELETING,
]);

export function isSettled(phase: BackupPhase): boolean {
  return SETTLED.has(phase);
}

/** A copy of `backup` with `fields` changed (proto messages are not spread). */
export function changed(backup: Backup, fields: Partial<Omit<Backup, "$typeName">>): Backup {
  return Object.assign(clone(BackupSchema, backup), fields);
}

/** The backup after `change`, or undefined when the change leaves it as it is. */
export function applyTaskChange(backup: Backup, change: TaskChange): Backup | undefined {
  if (isSettled(backup.phase)) return undefined;
  switch (change.state) {
    case "queued":
      return undefined; // waiting (again, after a failed attempt): nothing new to show
    case "leased":
      return running(backup, change);
    case "completed":
      return completed(backup, change);
    case "failed":
      return failed(backup, change);
    case "cancelled":
      return changed(backup, { phase: BackupPhase.FAILED, failureReason: `cancelled: ${change.error?.message || "no reason given"}`, progress: undefined, completionTime: timestampFromMs(change.at) });
  }
}

function counter(counters: Record<string, bigint>, name: string): bigint {
  const value = counters[name];
  return value !== undefined && value > 0n ? value : 0n;
}

function running(backup: Backup, change: TaskChange): Backup {
  const reported = progressOf(change.progress);
  const progress = reported
    ? create(BackupProgressSchema, {
        stage: reported.message,
        itemsDone: counter(reported.counters, "items_done"),
        itemsTotal: counter(reported.counters, "items_total"),
        bytes: counter(reported.counters, "bytes"),
        updateTime: reported.updateTime ?? timestampFromMs(change.at),
      })
    : backup.progress;
  return changed(backup, { phase: BackupPhase.IN_PROGRESS, progress, startTime: backup.startTime ?? timestampFromMs(change.at) });
}

function decodeResult(payload: TaskPayload | undefined): TaskResult | undefined {
  if (!(payload instanceof Uint8Array)) return undefined;
  try {
    return fromBinary(TaskResultSchema, payload);
  } catch {
    return undefined;
  }
}

// A backup is COMPLETED only from a completed task with a backup result: the agent writes the
// manifest last, and completes the task after it.
function completed(backup: Backup, change: TaskChange): Backup {
  const result = decodeResult(change.result);
  if (result?.kind.case !== "backup") {
    return changed(backup, { phase: BackupPhase.FAILED, failureReason: "the agent completed the backup task without a backup result", progress: undefined, completionTime: timestampFromMs(change.at) });
  }
  const r = result.kind.value;
  return changed(backup, {
    phase: r.phase === BackupPhase.PARTIALLY_FAILED ? BackupPhase.PARTIALLY_FAILED : BackupPhase.COMPLETED,
    summary: r.summary,
    kubernetesVersion: r.kubernetesVersion,
    clusterFingerprint: r.clusterFingerprint,
    progress: undefined,
    startTime: r.startTime ?? backup.startTime ?? timestampFromMs(change.at),
    completionTime: r.completionTime ?? timestampFromMs(change.at),
  });
}

function failed(backup: Backup, change: TaskChange): Backup {
  const message = change.error?.message || "the backup task failed without a reason";
  const end = { progress: undefined, completionTime: timestampFromMs(change.at) };
  // INVALID_ARGUMENT from the agent is a spec problem only the cluster could see.
  if (change.error?.code === "INVALID_ARGUMENT") return changed(backup, { phase: BackupPhase.FAILED_VALIDATION, validationErrors: [message], ...end });
  return changed(backup, { phase: BackupPhase.FAILED, failureReason: message, ...end });
}
