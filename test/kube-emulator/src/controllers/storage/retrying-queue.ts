import { WorkQueue } from "../work-queue.js";

/**
 * A WorkQueue whose failed keys come back after an exponential backoff (100 ms doubling to
 * 5 s), as client-go's rate-limited queues requeue them: a sync that failed on a write
 * (the object changed under it, or the namespace is going away) is tried again rather
 * than left until the next unrelated event.
 */
export class RetryingQueue<K> {
  private readonly queue: WorkQueue<K>;
  private readonly failures = new Map<K, number>();
  private readonly timers = new Map<K, NodeJS.Timeout>();

  /** A handler answers "retry" for work that cannot progress yet: it comes back after the backoff, unlogged. */
  constructor(handle: (key: K) => void | "retry", describe: (key: K, err: unknown) => void) {
    this.queue = new WorkQueue(
      (key) => {
        if (handle(key) === "retry") this.retryLater(key);
        else this.failures.delete(key);
      },
      (key, err) => {
        describe(key, err);
        this.retryLater(key);
      },
    );
  }

  add(key: K): void {
    this.queue.add(key);
  }

  stop(): void {
    this.queue.stop();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.failures.clear();
  }

  /** Hands the key back after the backoff, for work that failed after its handler returned. */
  retryLater(key: K): void {
    if (this.timers.has(key)) return;
    const attempt = this.failures.get(key) ?? 0;
    this.failures.set(key, attempt + 1);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.queue.add(key);
    }, Math.min(5000, 100 * 2 ** attempt));
    timer.unref();
    this.timers.set(key, timer);
  }
}
