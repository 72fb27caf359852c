// What one change of a restore task makes of its restore: a pure function of the restore and the
// change, so every hub applying the same change writes the same record.
import { clone, create, fromBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { RestorePhase, RestoreProgressSchema, RestoreSchema, TaskResultSchema, type Restore, type TaskResult } from "@lifeboat/proto";
import type { TaskChange } from "../backups/index.js";
import { progressOf } from "../grpc/wire-task.js";
import type { TaskPayload } from "../queue/index.js";

/** Phases a task change never leaves: the run is over, or the restore is being deleted. */
const SETTLED = new Set([RestorePhase.COMPLETED, RestorePhase.PARTIALLY_FAILED, RestorePhase.FAILED, RestorePhase.FAILED_VALIDATION, RestorePhase.DELETING]);

/** Phases an agent's result may end a restore in; anything else reads as COMPLETED. */
const RESULT_PHASES = new Set([RestorePhase.COMPLETED, RestorePhase.PARTIALLY_FAILED, RestorePhase.FAILED, RestorePhase.FAILED_VALIDATION]);

// Agent errors that say the spec cannot be applied to this cluster or backup, rather than that the run broke.
const VALIDATION_CODES = new Set(["INVALID_ARGUMENT", "FAILED_PRECONDITION"]);

export function isSettled(phase: RestorePhase): boolean {
  return SETTLED.has(phase);
}

/** A copy of `restore` with `fields` changed (proto messages are not spread). */
export function changed(restore: Restore, fields: Partial<Omit<Restore, "$typeName">>): Restore {
  return Object.assign(clone(RestoreSchema, restore), fields);
}

/** The restore after `change`, or undefined when the change leaves it as it is. */
export function applyRestoreTaskChange(restore: Restore, change: TaskChange): Restore | undefined {
  if (isSettled(restore.phase)) return undefined;
  switch (change.state) {
    case "queued":
      return undefined; // waiting (again, after a failed attempt): nothing new to show
    case "leased":
      return running(restore, change);
    case "completed":
      return completed(restore, change);
    case "failed":
      return failed(restore, change);
    case "cancelled":
      return changed(restore, { phase: RestorePhase.FAILED, failureReason: `cancelled: ${change.error?.message || "no reason given"}`, progress: undefined, completionTime: timestampFromMs(change.at) });
  }
}

function counter(counters: Record<string, bigint>, name: string): bigint {
  const value = counters[name];
  return value !== undefined && value > 0n ? value : 0n;
}

function running(restore: Restore, change: TaskChange): Restore {
  const reported = progressOf(change.progress);
  const progress = reported
    ? create(RestoreProgressSchema, {
        stage: reported.message,
        itemsDone: counter(reported.counters, "items_done"),
        itemsTotal: counter(reported.counters, "items_total"),
        updateTime: reported.updateTime ?? timestampFromMs(change.at),
      })
    : restore.progress;
  return changed(restore, { phase: RestorePhase.IN_PROGRESS, progress, startTime: restore.startTime ?? timestampFromMs(change.at) });
}

function decodeResult(payload: TaskPayload | undefined): TaskResult | undefined {
  if (!(payload instanceof Uint8Array)) return undefined;
  try {
    return fromBinary(TaskResultSchema, payload);
  } catch {
    return undefined;
  }
}

function completed(restore: Restore, change: TaskChange): Restore {
  const result = decodeResult(change.result);
  if (result?.kind.case !== "restore") {
    return changed(restore, { phase: RestorePhase.FAILED, failureReason: "the agent completed the restore task without a restore result", progress: undefined, completionTime: timestampFromMs(change.at) });
  }
  const r = result.kind.value;
  return changed(restore, {
    phase: RESULT_PHASES.has(r.phase) ? r.phase : RestorePhase.COMPLETED,
    summary: r.summary,
    kubernetesVersion: r.kubernetesVersion || restore.kubernetesVersion,
    progress: undefined,
    startTime: r.startTime ?? restore.startTime ?? timestampFromMs(change.at),
    completionTime: r.completionTime ?? timestampFromMs(change.at),
  });
}

function failed(restore: Restore, change: TaskChange): Restore {
  const message = change.error?.message || "the restore task failed without a reason";
  const end = { progress: undefined, completionTime: timestampFromMs(change.at) };
  if (change.error && VALIDATION_CODES.has(change.error.code)) return changed(restore, { phase: RestorePhase.FAILED_VALIDATION, validationErrors: [message], ...end });
  return changed(restore, { phase: RestorePhase.FAILED, failureReason: message, ...end });
}
