import { Queue, Worker } from "bullmq";
import type { Policy } from "@lifeboat/proto";
import type { Redis } from "ioredis";
import type { BackupCatalog } from "../backups/catalog-types.js";
import type { PolicyStore } from "../policies/policy-store.js";
import { applyRetention, type RetentionOutcome } from "./apply-retention.js";

export interface RetentionSweeperOptions {
  policies: Pick<PolicyStore, "list" | "keys">;
  catalog: Pick<BackupCatalog, "listAll" | "delete">;
  /** This process's BullMQ connection (maxRetriesPerRequest: null); not closed by close(). */
  connection: Redis;
  /** How often the sweep runs across all replicas (default 5 min). */
  everyMs?: number;
  /** Told of each policy's sweep that deleted or failed something. */
  onSweep?: (policy: Policy, outcome: RetentionOutcome) => void;
  onError?: (err: unknown) => void;
  now?: () => number;
}

export const DEFAULT_RETENTION_EVERY_MS = 5 * 60_000;

// Per deployment, like the lease sweeper: every replica upserts the same scheduler and BullMQ
// hands each run to one of them.
const QUEUE_NAME = "retention-sweep";
const SCHEDULER_ID = "apply-retention";

/** Deletes, every `everyMs`, each policy's backups that its retention no longer keeps. */
export class RetentionSweeper {
  private readonly options: RetentionSweeperOptions;
  private bullQueue: Queue | undefined;
  private worker: Worker | undefined;

  constructor(options: RetentionSweeperOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    if (this.worker) return;
    const { connection, policies } = this.options;
    const prefix = policies.keys.bullmqPrefix;
    const onError = this.options.onError ?? ((err: unknown) => console.error("retention sweeper:", err));
    this.bullQueue = new Queue(QUEUE_NAME, { connection, prefix });
    this.bullQueue.on("error", onError);
    await this.bullQueue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: this.options.everyMs ?? DEFAULT_RETENTION_EVERY_MS },
      { name: SCHEDULER_ID, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
    this.worker = new Worker(QUEUE_NAME, () => this.sweep(), { connection, prefix, concurrency: 1 });
    this.worker.on("error", onError);
    this.worker.on("failed", (_job, err) => onError(err));
    await this.worker.waitUntilReady();
  }

  /** One pass over every policy (what each scheduled run does); one policy's failure does not stop the others. */
  async sweep(): Promise<void> {
    const now = new Date((this.options.now ?? Date.now)());
    for (const policy of await this.options.policies.list()) {
      try {
        const outcome = await applyRetention(this.options.catalog, policy, now);
        if (outcome.deleted.length + outcome.failures.length > 0) this.options.onSweep?.(policy, outcome);
      } catch (err) {
        (this.options.onError ?? console.error)(err);
      }
    }
  }

  /** Stops this replica's worker; the scheduler stays for the other replicas. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.bullQueue?.close();
    this.worker = undefined;
    this.bullQueue = undefined;
  }
}
