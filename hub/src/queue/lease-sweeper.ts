import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
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

// The BullMQ queue and job scheduler are per deployment (under the key prefix), so every
// replica upserts the same scheduler and BullMQ hands each run to one worker.
const QUEUE_NAME = "lease-sweep";
const SCHEDULER_ID = "requeue-expired";

/**
 * Runs TaskQueue.requeueExpired every `everyMs` through a BullMQ job scheduler: every hub
 * replica starts one, each run goes to one of them, and a replica's crash leaves the
 * others sweeping. A sweep is one atomic script per batch, so the rare overlap of two runs
 * (one slower than the period) is harmless.
 */
export class LeaseSweeper {
  private readonly options: LeaseSweeperOptions;
  private bullQueue: Queue | undefined;
  private worker: Worker | undefined;

  constructor(options: LeaseSweeperOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    if (this.worker) return;
    const { queue, connection } = this.options;
    const prefix = queue.keys.bullmqPrefix;
    const onError = this.options.onError ?? ((err: unknown) => console.error("lease sweeper:", err));

    this.bullQueue = new Queue(QUEUE_NAME, { connection, prefix });
    this.bullQueue.on("error", onError);
    await this.bullQueue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: this.options.everyMs ?? 1_000 },
      { name: SCHEDULER_ID, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );

    this.worker = new Worker(
      QUEUE_NAME,
      async () => {
        const result = await queue.requeueExpired();
        if (result.requeued + result.failed > 0) this.options.onSweep?.(result);
        return result;
      },
      { connection, prefix, concurrency: 1 },
    );
    this.worker.on("error", onError);
    this.worker.on("failed", (_job, err) => onError(err));
  }

  /** Stops this replica's worker; the scheduler stays for the other replicas. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.bullQueue?.close();
    this.worker = undefined;
    this.bullQueue = undefined;
  }
}
