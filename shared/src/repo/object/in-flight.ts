/**
 * Ordered results from a bounded number of concurrent promises: at most `limit` are pending;
 * results keep the order they were started in, whatever order they settle in.
 */
export class InFlight<T> {
  private readonly pending = new Set<Promise<void>>();
  private readonly results: T[] = [];
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /** Starts `task` once fewer than `limit` are pending; rejects early if an earlier task failed. */
  async add(task: () => Promise<T>): Promise<void> {
    while (this.pending.size >= this.limit) await Promise.race(this.pending);
    this.throwIfFailed();
    const index = this.results.length;
    this.results.length = index + 1;
    const running: Promise<void> = task().then(
      (value) => {
        this.results[index] = value;
        this.pending.delete(running);
      },
      (error: unknown) => {
        this.failure ??= { error };
        this.pending.delete(running);
      },
    );
    this.pending.add(running);
  }

  /** Waits for every started task; throws the first failure. */
  async all(): Promise<T[]> {
    while (this.pending.size > 0) await Promise.race(this.pending);
    this.throwIfFailed();
    return this.results;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** A counting semaphore: bounds work shared by several pools (e.g. all directories of a walk). */
export class Semaphore {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(count: number) {
    this.free = count;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/** Runs fn(0..count-1) with at most `limit` at once; stops starting new work after a failure. */
export async function forEachLimited(count: number, limit: number, fn: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < count) {
      const index = next++;
      try {
        await fn(index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.min(limit, count) }, worker);
  const settled = await Promise.allSettled(workers);
  const rejection = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejection) throw rejection.reason;
}
