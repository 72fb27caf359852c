// The volume stage's progress across its copies: volumes done and planned, bytes done and total
// (each volume's total once its node agent has sized it), the rate since the stage started and
// the time left at that rate, as the counters the hub maps into BackupProgress/RestoreProgress.
import type { VolumeProgress } from "./contract.js";

export interface CounterSink {
  readonly extra: Record<string, number>;
  report(fraction: number): void;
}

export class VolumeStageProgress {
  readonly #volumes = new Map<string, { done: number; total: number }>();
  #finished = 0;
  readonly #started = Date.now();

  constructor(
    private readonly sink: CounterSink,
    private readonly planned: number,
  ) {
    this.#send();
  }

  update(key: string, progress: VolumeProgress): void {
    this.#volumes.set(key, { done: progress.bytesDone, total: progress.bytesTotal ?? 0 });
    this.#send();
  }

  /** A volume ended (copied, failed or skipped); `bytes` is its size when known. */
  finish(key: string, bytes?: number): void {
    this.#finished++;
    if (bytes !== undefined) this.#volumes.set(key, { done: bytes, total: bytes });
    this.#send();
  }

  #send(): void {
    let done = 0;
    let total = 0;
    for (const v of this.#volumes.values()) {
      done += v.done;
      total += Math.max(v.total, v.done);
    }
    const seconds = (Date.now() - this.#started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 && total > done ? Math.ceil((total - done) / rate) : 0;
    Object.assign(this.sink.extra, {
      volumes_done: this.#finished,
      volumes_total: this.planned,
      volume_bytes_done: done,
      volume_bytes_total: total,
      volume_bytes_per_second: Math.round(rate),
      volume_eta_seconds: eta,
    });
    this.sink.report(this.planned === 0 ? 1 : total > 0 ? done / total : this.#finished / this.planned);
  }
}
