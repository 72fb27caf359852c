// A copy's progress in its object's status: the latest counters, patched at most once a period
// (the API server is shared with the whole cluster) and one patch at a time.
import type { VolumeProgress } from "../contract.js";

export interface ProgressSink {
  (progress: VolumeProgress): Promise<void>;
}

export interface ProgressCounters {
  bytesDone: number;
  filesDone: number;
  bytesTotal?: number;
  filesTotal?: number;
}

export class ProgressReporter {
  readonly #startTime = new Date().toISOString();
  #counters: ProgressCounters = { bytesDone: 0, filesDone: 0 };
  #changed = true;
  #sending: Promise<void> = Promise.resolve();
  #inFlight = false;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly sink: ProgressSink,
    private readonly onError: (err: unknown) => void,
    periodMs = 1000,
  ) {
    this.#timer = setInterval(() => this.#flush(), periodMs);
    this.#timer.unref();
    this.#flush();
  }

  update(counters: Partial<ProgressCounters>): void {
    this.#counters = { ...this.#counters, ...counters };
    this.#changed = true;
  }

  /** The progress as it stands, for the final status. */
  snapshot(): VolumeProgress {
    return { ...this.#counters, startTime: this.#startTime, updateTime: new Date().toISOString() };
  }

  /** Stops patching and waits for a patch under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sending;
  }

  #flush(): void {
    // A slow API server gets the newest counters next time rather than a queue of old ones.
    if (!this.#changed || this.#inFlight) return;
    this.#changed = false;
    this.#inFlight = true;
    // A failed patch only delays the next report; the copy goes on.
    this.#sending = this.sink(this.snapshot())
      .catch(this.onError)
      .finally(() => {
        this.#inFlight = false;
      });
  }
}
