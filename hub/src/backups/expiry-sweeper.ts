// TTL expiry: backups past their expire time are deleted, through a BullMQ job scheduler so every
// hub replica starts one and each run goes to one of them (see queue/lease-sweeper.ts).
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { BackupStore } from "./backup-store.js";

export interface ExpirySweeperOptions {
  store: BackupStore;
  /** Deletes one backup (the catalog's delete). */
  deleteBackup: (id: string) => Promise<unknown>;
  /** This process's BullMQ connection (maxRetriesPerRequest: null); not closed by close(). */
  connection: Redis;
  /** How often the sweep runs across all replicas (default 60 s). */
  everyMs?: number;
  now?: () => number;
  /** Told of each backup deleted. */
  onExpired?: (id: string) => void;
  /** Told of each backup that could not be deleted (it is tried again next sweep) and of sweep errors. */
  onError?: (err: unknown) => void;
}

export interface ExpirySweep {
  deleted: number;
  failed: number;
}

const QUEUE_NAME = "backup-expiry";
const SCHEDULER_ID = "delete-expired-backups";
// Backups deleted per sweep at most: each costs repository calls, and the next sweep takes the rest.
const SWEEP_LIMIT = 500;

export class ExpirySweeper {
  private readonly options: ExpirySweeperOptions;
  private bullQueue: Queue | undefined;
  private worker: Worker | undefined;

  constructor(options: ExpirySweeperOptions) {
    this.options = options;
  }

  /** Deletes the backups expired by now, one at a time; a failure is reported and the sweep goes on. */
  async sweep(): Promise<ExpirySweep> {
    const { store, deleteBackup } = this.options;
    const onError = this.options.onError ?? ((err: unknown) => console.error("backup expiry:", err));
    const result: ExpirySweep = { deleted: 0, failed: 0 };
    for (const id of await store.expiredBy((this.options.now ?? Date.now)(), SWEEP_LIMIT)) {
      try {
        await deleteBackup(id);
        result.deleted++;
        this.options.onExpired?.(id);
      } catch (err) {
        result.failed++;
        onError(err);
      }
    }
    return result;
  }

  async start(): Promise<void> {
    if (this.worker) return;
    const { store, connection } = this.options;
    const prefix = store.keys.bullmqPrefix;
    const onError = this.options.onError ?? ((err: unknown) => console.error("backup expiry:", err));
    this.bullQueue = new Queue(QUEUE_NAME, { connection, prefix });
    this.bullQueue.on("error", onError);
    await this.bullQueue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: this.options.everyMs ?? 60_000 },
      { name: SCHEDULER_ID, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
    this.worker = new Worker(QUEUE_NAME, async () => this.sweep(), { connection, prefix, concurrency: 1 });
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
