import type { ProgressUpdate } from "./task-kind.js";

/** Where each stage starts and ends, in percent of the whole task. */
export type StageRanges<S extends string> = Record<S, readonly [start: number, end: number]>;

const REPORT_GAP_MS = 100;

/**
 * Progress of a task that runs in stages, in the terms the hub maps into its records' progress:
 * the stage as the message and the counters items_done, items_total and bytes.
 */
export class StageProgress<S extends string> {
  itemsDone = 0;
  itemsTotal = 0;
  bytes = 0;
  /** More counters sent with every reading (the volume stage's). */
  readonly extra: Record<string, number> = {};
  #lastSentAt = 0;

  constructor(
    private readonly send: (update: ProgressUpdate) => void,
    private readonly ranges: StageRanges<S>,
    public stage: S,
  ) {}

  /** Enters `stage` and reports it. */
  enter(stage: S): void {
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
    const [start, end] = this.ranges[this.stage];
    const percent = Math.min(100, Math.round(start + (end - start) * Math.max(0, Math.min(1, fraction))));
    this.send({ percent, message: this.stage, counters: { ...this.extra, items_done: this.itemsDone, items_total: this.itemsTotal, bytes: this.bytes } });
  }
}
