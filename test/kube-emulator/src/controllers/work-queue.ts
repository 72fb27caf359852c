/**
 * Deduplicating queue drained on a later tick, so a controller never writes from inside
 * the store's commit of the event that woke it, and a burst of events is handled once.
 */
export class WorkQueue<K> {
  private readonly pending = new Set<K>();
  /** Keys waiting for addAfter's time, with that time (ms since the epoch). */
  private readonly delayed = new Map<K, { at: number; timer: NodeJS.Timeout }>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly handle: (key: K) => void,
    private readonly onError: (key: K, err: unknown) => void,
  ) {}

  add(key: K): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /**
   * Adds the key once `delayMs` has passed, as client-go's AddAfter: a key already waiting
   * keeps the earlier of its two times (a sync that comes early recomputes and asks again).
   */
  addAfter(key: K, delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    const waiting = this.delayed.get(key);
    if (waiting && waiting.at <= at) return;
    if (waiting) clearTimeout(waiting.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, at - Date.now());
    timer.unref();
    this.delayed.set(key, { at, timer });
  }

  /** Forgets a key's pending addAfter, if any. */
  cancelAfter(key: K): void {
    clearTimeout(this.delayed.get(key)?.timer);
    this.delayed.delete(key);
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.handle(key);
      } catch (err) {
        this.onError(key, err);
      }
    }
  }
}
