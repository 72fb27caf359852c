import type { ProgressUpdate } from "../executor/task-kind.js";

/** The stages as the hub shows them (Backup.progress.stage). */
export type BackupStage = "discover" | "select" | "expand" | "pre-hooks" | "serialize" | "post-hooks" | "manifest";

// Where each stage starts, in percent: serializing items is most of the work.
const STAGE_START: Record<BackupStage, number> = {
  discover: 0,
  select: 5,
  expand: 15,
  "pre-hooks": 20,
  serialize: 25,
  "post-hooks": 90,
  manifest: 95,
};
const STAGE_END: Record<BackupStage, number> = {
  discover: 5,
  select: 15,
  expand: 20,
  "pre-hooks": 25,
  serialize: 90,
  "post-hooks": 95,
  manifest: 100,
};

const REPORT_GAP_MS = 100;

/**
 * Progress in the terms the hub maps into Backup.progress: the stage as the message and the
 * counters items_done, items_total and bytes.
 */
export class BackupProgress {
  stage: BackupStage = "discover";
  itemsDone = 0;
  itemsTotal = 0;
  bytes = 0;
  #lastSentAt = 0;

  constructor(private readonly send: (update: ProgressUpdate) => void) {}

  /** Enters `stage` and reports it. */
  enter(stage: BackupStage): void {
    this.stage = stage;
    this.#emit(0);
  }

  /**
   * Reports the current stage `fraction` (0 to 1) done. Called per item, so readings closer than
   * REPORT_GAP_MS are dropped here (the executor sends at most one a second anyway); a stage's
   * last reading comes with the next stage's entry.
   */
  report(fraction: number): void {
    if (Date.now() - this.#lastSentAt < REPORT_GAP_MS) return;
    this.#emit(fraction);
  }

  /** Reports the current stage finished, whenever the last reading was. */
  finish(): void {
    this.#emit(1);
  }

  #emit(fraction: number): void {
    this.#lastSentAt = Date.now();
    const start = STAGE_START[this.stage];
    const percent = Math.min(100, Math.round(start + (STAGE_END[this.stage] - start) * Math.max(0, Math.min(1, fraction))));
    this.send({ percent, message: this.stage, counters: { items_done: this.itemsDone, items_total: this.itemsTotal, bytes: this.bytes } });
  }
}
