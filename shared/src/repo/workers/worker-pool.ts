// Worker threads for the repository's CPU work (chunking, hashing, compression, encryption), so
// both cores work. Request/response by sequence number; a request may name a lane (worker) so a
// job that keeps state in its worker (a file being chunked) always returns to it.
import { Worker } from "node:worker_threads";
import { LifeboatError } from "../../errors/index.js";

export interface WorkerRequest {
  op: string;
  [field: string]: unknown;
}

interface Lane {
  worker: Worker;
  outstanding: Map<number, { resolve(value: unknown): void; reject(err: unknown): void }>;
}

// Under test the sources are TypeScript: a worker registers tsx itself, then loads the entry.
const TS_BOOT = `(async () => {
  const { workerData } = await import("node:worker_threads");
  const { register } = await import("tsx/esm/api");
  register();
  await import(workerData.__entry);
})();`;

export class WorkerPool {
  readonly #lanes: Lane[] = [];
  #seq = 0;
  #closed = false;

  readonly #size: number;
  readonly #workerData: Record<string, unknown>;

  /**
   * A pool of `size` workers running repo-worker with `workerData` (keys, options), started at the
   * first request: a run that finds nothing to do (an unchanged tree) never pays for them.
   */
  constructor(size: number, workerData: Record<string, unknown>) {
    this.#size = size;
    this.#workerData = workerData;
  }

  #start(): void {
    const entry = new URL(`./repo-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
    const workerData = this.#workerData;
    for (let i = 0; i < this.#size; i++) {
      const worker = entry.pathname.endsWith(".ts")
        ? new Worker(TS_BOOT, { eval: true, workerData: { ...workerData, __entry: entry.href } })
        : new Worker(entry, { workerData });
      const lane: Lane = { worker, outstanding: new Map() };
      worker.on("message", (message: { seq: number; result?: unknown; error?: { message: string; code?: string } }) => {
        const waiter = lane.outstanding.get(message.seq);
        lane.outstanding.delete(message.seq);
        if (lane.outstanding.size === 0) worker.unref();
        if (!waiter) return;
        if (message.error) waiter.reject(workerError(message.error));
        else waiter.resolve(message.result);
      });
      worker.on("error", (err) => {
        for (const waiter of lane.outstanding.values()) waiter.reject(new LifeboatError("INTERNAL", `a repository worker thread failed: ${err.message}`, { cause: err }));
        lane.outstanding.clear();
      });
      // Referenced only while it has work, so idle workers never hold a finished command open.
      worker.unref();
      this.#lanes.push(lane);
    }
  }

  get size(): number {
    return this.#size;
  }

  /** Whether the workers are running (they start at the first request). */
  get started(): boolean {
    return this.#lanes.length > 0;
  }

  /** The lane with the fewest requests outstanding. */
  leastBusy(): number {
    if (this.#lanes.length === 0) return 0;
    let best = 0;
    for (let i = 1; i < this.#lanes.length; i++) if (this.#lanes[i]!.outstanding.size < this.#lanes[best]!.outstanding.size) best = i;
    return best;
  }

  request<T>(lane: number, message: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#closed) return Promise.reject(new LifeboatError("INTERNAL", "the repository's worker threads are stopped"));
    if (this.#lanes.length === 0) this.#start();
    const target = this.#lanes[lane]!;
    const seq = ++this.#seq;
    return new Promise<T>((resolve, reject) => {
      if (target.outstanding.size === 0) target.worker.ref();
      target.outstanding.set(seq, { resolve: resolve as (value: unknown) => void, reject });
      target.worker.postMessage({ ...message, seq }, transfer);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#lanes.map((lane) => lane.worker.terminate()));
  }
}

/** Errors cross the thread boundary as plain data; LifeboatErrors keep their code. */
function workerError(error: { message: string; code?: string }): Error {
  return error.code ? new LifeboatError(error.code as never, error.message) : new LifeboatError("INTERNAL", error.message);
}
