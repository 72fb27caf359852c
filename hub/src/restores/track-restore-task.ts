// What one change of a restore task makes of its restore: the shared steps (catalog/task-phase.ts)
// with a restore's progress counters and result.
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { RestorePhase, RestoreProgressSchema, RestoreSchema, type Restore } from "@lifeboat/proto";
import { changedRecord, progressCounter, taskPhaseApplier, type RecordFields, type TaskChange } from "../catalog/index.js";

/** Phases a task change never leaves: the run is over, or the restore is being deleted. */
const SETTLED = new Set([RestorePhase.COMPLETED, RestorePhase.PARTIALLY_FAILED, RestorePhase.FAILED, RestorePhase.FAILED_VALIDATION, RestorePhase.DELETING]);

/** Phases an agent's result may end a restore in; anything else reads as COMPLETED. */
const RESULT_PHASES = new Set([RestorePhase.COMPLETED, RestorePhase.PARTIALLY_FAILED, RestorePhase.FAILED, RestorePhase.FAILED_VALIDATION]);

export function isSettled(phase: RestorePhase): boolean {
  return SETTLED.has(phase);
}

/** A copy of `restore` with `fields` changed (proto messages are not spread). */
export function changed(restore: Restore, fields: RecordFields<Restore>): Restore {
  return changedRecord(RestoreSchema, restore, fields);
}

/** The restore after `change`, or undefined when the change leaves it as it is. */
export const applyRestoreTaskChange: (restore: Restore, change: TaskChange) => Restore | undefined = taskPhaseApplier<Restore>({
  noun: "restore",
  schema: RestoreSchema,
  settled: SETTLED,
  inProgress: RestorePhase.IN_PROGRESS,
  failed: RestorePhase.FAILED,
  failedValidation: RestorePhase.FAILED_VALIDATION,
  // Agent errors that say the spec cannot be applied to this cluster or backup, rather than that the run broke.
  validationCodes: new Set(["INVALID_ARGUMENT", "FAILED_PRECONDITION"]),
  progress: (reported, at) =>
    create(RestoreProgressSchema, {
      stage: reported.message,
      itemsDone: progressCounter(reported, "items_done"),
      itemsTotal: progressCounter(reported, "items_total"),
      volumesDone: progressCounter(reported, "volumes_done"),
      volumesTotal: progressCounter(reported, "volumes_total"),
      volumeBytesDone: progressCounter(reported, "volume_bytes_done"),
      volumeBytesTotal: progressCounter(reported, "volume_bytes_total"),
      updateTime: reported.updateTime ?? timestampFromMs(at),
    }),
  completed: (restore, result) => {
    if (result?.kind.case !== "restore") return undefined;
    const r = result.kind.value;
    return {
      phase: RESULT_PHASES.has(r.phase) ? r.phase : RestorePhase.COMPLETED,
      summary: r.summary,
      kubernetesVersion: r.kubernetesVersion || restore.kubernetesVersion,
      startTime: r.startTime,
      completionTime: r.completionTime,
    };
  },
});
