import { StageProgress, type StageRanges } from "../executor/stage-progress.js";
import type { ProgressUpdate } from "../executor/task-kind.js";

/** The stages as the hub shows them (Backup.progress.stage). */
export type BackupStage = "discover" | "select" | "expand" | "pre-hooks" | "serialize" | "volumes" | "post-hooks" | "manifest";

// Serializing items and copying volume data are most of the work.
const BACKUP_STAGES: StageRanges<BackupStage> = {
  discover: [0, 5],
  select: [5, 15],
  expand: [15, 20],
  "pre-hooks": [20, 25],
  serialize: [25, 60],
  volumes: [60, 90],
  "post-hooks": [90, 95],
  manifest: [95, 100],
};

/** A backup's progress: its stage, items done and total, and bytes of JSON stored. */
export class BackupProgress extends StageProgress<BackupStage> {
  constructor(send: (update: ProgressUpdate) => void) {
    super(send, BACKUP_STAGES, "discover");
  }
}
