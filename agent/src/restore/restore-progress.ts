import { StageProgress, type StageRanges } from "../executor/stage-progress.js";
import type { ProgressUpdate } from "../executor/task-kind.js";

/** The stages as the hub shows them (Restore.progress.stage). */
export type RestoreStage = "read" | "filter" | "plan" | "apply" | "hooks" | "results";

// Applying items is most of the work.
const RESTORE_STAGES: StageRanges<RestoreStage> = {
  read: [0, 5],
  filter: [5, 10],
  plan: [10, 15],
  apply: [15, 95],
  hooks: [95, 98],
  results: [98, 100],
};

/** A restore's progress: its stage, and items done and total. */
export class RestoreProgress extends StageProgress<RestoreStage> {
  constructor(send: (update: ProgressUpdate) => void) {
    super(send, RESTORE_STAGES, "read");
  }
}
