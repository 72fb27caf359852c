/**
 * Items that come due after a delay, on one timer however many are waiting (thousands of
 * Job pods finishing must not mean thousands of timers). Items due together fire in one
 * turn, in the order they were added.
 */
export class DelayQueue<T> {
  private readonly items: Array<{ due: number; item: T }> = [];
  private timer?: NodeJS.Timeout;
  private armedFor = Infinity;
  private stopped = false;

  constructor(private readonly fire: (item: T) => void) {}

  add(item: T, delayMs: number): void {
    if (this.stopped) return;
    const due = Date.now() + Math.max(0, delayMs);
    // Delays are mostly equal, so a new item usually goes last.
    let at = this.items.length;
    while (at > 0 && this.items[at - 1]!.due > due) at--;
    this.items.splice(at, 0, { due, item });
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.items.length = 0;
  }

  private arm(): void {
    const next = this.items[0]?.due;
    if (next === undefined || next >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = next;
    this.timer = setTimeout(() => this.drain(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private drain(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = Date.now();
    let n = 0;
    while (n < this.items.length && this.items[n]!.due <= now) n++;
    const due = this.items.splice(0, n);
    for (const { item } of due) {
      if (this.stopped) return;
      this.fire(item);
    }
    this.arm();
  }
}
