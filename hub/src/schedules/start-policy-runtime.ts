import type { Redis } from "ioredis";
import type { BackupCatalog } from "../backups/catalog-types.js";
import type { ClusterStore } from "../clusters/index.js";
import type { HubLog } from "../log.js";
import { Policies, PolicyStore, clusterStoreLookup, policyFiring } from "../policies/index.js";
import type { RepositoryRegistry } from "../repositories/index.js";
import { RetentionSweeper } from "../retention/index.js";
import { PolicyScheduler } from "./policy-scheduler.js";

export interface PolicyRuntimeOptions {
  /** The hub process's connections: `command` for records, `bullmq` for the scheduler and sweeper. */
  redis: { command: Redis; bullmq: Redis };
  prefix: string;
  clusters: ClusterStore;
  /** For CreatePolicy's check that the repository exists. */
  repositories: Pick<RepositoryRegistry, "exists">;
  catalog: BackupCatalog;
  /** How often retention runs across all replicas (default 5 min). */
  retentionEveryMs?: number;
  log: HubLog;
}

/** What one hub process runs for policies: the Policies the RPCs use, and the workers to stop. */
export interface PolicyRuntime {
  policies: Policies;
  scheduler: PolicyScheduler;
  sweeper: RetentionSweeper;
  /** Stops this process's workers; schedules stay in Redis for the other replicas. */
  close(): Promise<void>;
}

/** Builds the policy machinery and starts its BullMQ workers (firings and retention). */
export async function startPolicyRuntime(options: PolicyRuntimeOptions): Promise<PolicyRuntime> {
  const { redis, prefix, log } = options;
  const store = new PolicyStore({ redis: redis.command, prefix });
  const lookup = clusterStoreLookup(options.clusters);
  const fire = policyFiring({ policies: store, clusters: lookup, catalog: options.catalog });
  const scheduler = new PolicyScheduler({
    policies: store,
    fire,
    connection: redis.bullmq,
    onFired: (policy, backups) => log.info("policy fired", { policyId: policy.id, name: policy.name, backups: backups.length }),
    onError: (err) => log.warn("policy firing error", { error: err }),
  });
  const sweeper = new RetentionSweeper({
    policies: store,
    catalog: options.catalog,
    connection: redis.bullmq,
    everyMs: options.retentionEveryMs,
    onSweep: (policy, outcome) =>
      log.info("retention applied", {
        policyId: policy.id,
        deleted: outcome.deleted.map((b) => b.id),
        failed: outcome.failures.map((f) => ({ backupId: f.backupId, error: f.error })),
      }),
    onError: (err) => log.warn("retention sweep error", { error: err }),
  });
  const policies = new Policies({
    store,
    schedules: scheduler,
    fire,
    references: { clusters: lookup, repositoryExists: (name) => options.repositories.exists(name) },
  });
  await scheduler.start();
  try {
    await sweeper.start();
  } catch (err) {
    await scheduler.close();
    throw err;
  }
  return {
    policies,
    scheduler,
    sweeper,
    async close() {
      await sweeper.close();
      await scheduler.close();
    },
  };
}
