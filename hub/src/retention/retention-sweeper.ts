import type { Policy } from "@lifeboat/proto";
import type { Redis } from "ioredis";
import type { BackupCatalog } from "../backups/catalog-types.js";
import type { PolicyStore } from "../policies/policy-store.js";
import { PeriodicJob } from "../queue/index.js";
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

/** Deletes, every `everyMs`, each policy's backups that its retention no longer keeps. */
export class RetentionSweeper {
  private readonly options: RetentionSweeperOptions;
  private readonly job: PeriodicJob;

  constructor(options: RetentionSweeperOptions) {
    this.options = options;
    // Per deployment, like the lease sweeper: each run goes to one replica.
    this.job = new PeriodicJob({
      name: "retention-sweep",
      prefix: options.policies.keys.bullmqPrefix,
      connection: options.connection,
      everyMs: options.everyMs ?? DEFAULT_RETENTION_EVERY_MS,
      run: () => this.sweep(),
      onError: options.onError ?? ((err: unknown) => console.error("retention sweeper:", err)),
    });
  }

  start(): Promise<void> {
    return this.job.start();
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
  close(): Promise<void> {
    return this.job.close();
  }
}
