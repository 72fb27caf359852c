import type { Redis } from "ioredis";
import { PeriodicJob } from "./periodic-job.js";
import type { SweepResult, TaskQueue } from "./task-queue.js";

export interface LeaseSweeperOptions {
  queue: TaskQueue;
  /** This process's BullMQ connection (maxRetriesPerRequest: null); not closed by close(). */
  connection: Redis;
  /** How often the sweep runs across all replicas (default 1 s). */
  everyMs?: number;
  /** Told of each sweep that changed something, and of sweep errors. */
  onSweep?: (result: SweepResult) => void;
  onError?: (err: unknown) => void;
}

/**
 * Runs TaskQueue.requeueExpired every `everyMs` on every hub replica's PeriodicJob; each run
 * goes to one of them. A sweep is one atomic script per batch, so the rare overlap of two runs
 * (one slower than the period) is harmless.
 */
export class LeaseSweeper {
  private readonly job: PeriodicJob;

  constructor(options: LeaseSweeperOptions) {
    const { queue } = options;
    this.job = new PeriodicJob({
      name: "lease-sweep",
      prefix: queue.keys.bullmqPrefix,
      connection: options.connection,
      everyMs: options.everyMs ?? 1_000,
      run: async () => {
        const result = await queue.requeueExpired();
        if (result.requeued + result.failed > 0) options.onSweep?.(result);
        return result;
      },
      onError: options.onError ?? ((err: unknown) => console.error("lease sweeper:", err)),
    });
  }

  start(): Promise<void> {
    return this.job.start();
  }

  /** Stops this replica's worker; the scheduler stays for the other replicas. */
  close(): Promise<void> {
    return this.job.close();
  }
}
