// TTL expiry: backups past their expire time are deleted, on a PeriodicJob every hub replica
// starts (each run goes to one of them).
import type { Redis } from "ioredis";
import { PeriodicJob } from "../queue/index.js";
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

// Backups deleted per sweep at most: each costs repository calls, and the next sweep takes the rest.
const SWEEP_LIMIT = 500;

export class ExpirySweeper {
  private readonly options: ExpirySweeperOptions;
  private readonly job: PeriodicJob;

  constructor(options: ExpirySweeperOptions) {
    this.options = options;
    this.job = new PeriodicJob({
      name: "backup-expiry",
      prefix: options.store.keys.bullmqPrefix,
      connection: options.connection,
      everyMs: options.everyMs ?? 60_000,
      run: () => this.sweep(),
      onError: options.onError ?? ((err: unknown) => console.error("backup expiry:", err)),
    });
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

  start(): Promise<void> {
    return this.job.start();
  }

  /** Stops this replica's worker; the scheduler stays for the other replicas. */
  close(): Promise<void> {
    return this.job.close();
  }
}
