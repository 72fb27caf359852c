import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";

export interface PeriodicJobOptions {
  /** The BullMQ queue and job scheduler names: one per kind of job, per deployment. */
  name: string;
  /** The hub's BullMQ key prefix (under its Redis key prefix). */
  prefix: string;
  /** This process's BullMQ connection (maxRetriesPerRequest: null); not closed by close(). */
  connection: Redis;
  everyMs: number;
  /** One run; a rejection is reported to onError and the schedule carries on. */
  run: () => Promise<unknown>;
  onError: (err: unknown) => void;
}

/**
 * Runs `run` every `everyMs` through a BullMQ job scheduler. The queue and scheduler are per
 * deployment, so every hub replica upserts the same scheduler, BullMQ hands each run to one of
 * them, and a replica's crash leaves the others running it. What the sweeps (leases, backup
 * expiry, retention) have in common.
 */
export class PeriodicJob {
  private readonly options: PeriodicJobOptions;
  private queue: Queue | undefined;
  private worker: Worker | undefined;

  constructor(options: PeriodicJobOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    if (this.worker) return;
    const { name, prefix, connection, onError } = this.options;
    this.queue = new Queue(name, { connection, prefix });
    this.queue.on("error", onError);
    await this.queue.upsertJobScheduler(name, { every: this.options.everyMs }, { name, opts: { removeOnComplete: true, removeOnFail: 100 } });
    this.worker = new Worker(name, () => this.options.run(), { connection, prefix, concurrency: 1 });
    this.worker.on("error", onError);
    this.worker.on("failed", (_job, err) => onError(err));
    await this.worker.waitUntilReady();
  }

  /** Stops this replica's worker; the scheduler stays for the other replicas. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
    this.worker = undefined;
    this.queue = undefined;
  }
}
