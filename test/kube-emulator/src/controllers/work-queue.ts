/**
 * Deduplicating queue drained on a later tick, so a controller never writes from inside
 * the store's commit of the event that woke it, and a burst of events is handled once.
 */
export class WorkQueue<K> {
  private readonly pending = new Set<K>();
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

  stop(): void {
    this.stopped = true;
    this.pending.clear();
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
