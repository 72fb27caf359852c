// What one change of a backup task makes of its backup: the shared steps (catalog/task-phase.ts)
// with a backup's progress counters and result.
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupProgressSchema, BackupSchema, type Backup } from "@lifeboat/proto";
import { changedRecord, progressCounter, taskPhaseApplier, type RecordFields, type TaskChange } from "../catalog/index.js";

export type { TaskChange };

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
export function changed(backup: Backup, fields: RecordFields<Backup>): Backup {
  return changedRecord(BackupSchema, backup, fields);
}

/** The backup after `change`, or undefined when the change leaves it as it is. */
export const applyTaskChange: (backup: Backup, change: TaskChange) => Backup | undefined = taskPhaseApplier<Backup>({
  noun: "backup",
  schema: BackupSchema,
  settled: SETTLED,
  inProgress: BackupPhase.IN_PROGRESS,
  failed: BackupPhase.FAILED,
  failedValidation: BackupPhase.FAILED_VALIDATION,
  // INVALID_ARGUMENT from the agent is a spec problem only the cluster could see.
  validationCodes: new Set(["INVALID_ARGUMENT"]),
  progress: (reported, at) =>
    create(BackupProgressSchema, {
      stage: reported.message,
      itemsDone: progressCounter(reported, "items_done"),
      itemsTotal: progressCounter(reported, "items_total"),
      bytes: progressCounter(reported, "bytes"),
      volumesDone: progressCounter(reported, "volumes_done"),
      volumesTotal: progressCounter(reported, "volumes_total"),
      volumeBytesDone: progressCounter(reported, "volume_bytes_done"),
      volumeBytesTotal: progressCounter(reported, "volume_bytes_total"),
      volumeBytesPerSecond: progressCounter(reported, "volume_bytes_per_second"),
      volumeEtaSeconds: progressCounter(reported, "volume_eta_seconds"),
      updateTime: reported.updateTime ?? timestampFromMs(at),
    }),
  // A backup is COMPLETED only from a completed task with a backup result: the agent writes the
  // manifest last, and completes the task after it.
  completed: (_backup, result) => {
    if (result?.kind.case !== "backup") return undefined;
    const r = result.kind.value;
    return {
      phase: r.phase === BackupPhase.PARTIALLY_FAILED ? BackupPhase.PARTIALLY_FAILED : BackupPhase.COMPLETED,
      summary: r.summary,
      kubernetesVersion: r.kubernetesVersion,
      clusterFingerprint: r.clusterFingerprint,
      startTime: r.startTime,
      completionTime: r.completionTime,
    };
  },
});
