// The catalog's parts one hub process runs: the catalog itself, its tracker and its TTL sweep.
import type { ClusterStore } from "../clusters/index.js";
import type { HubLog } from "../log.js";
import type { EventLog, TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import type { HubRedis } from "../store/index.js";
import { RedisBackupCatalog } from "./backup-catalog.js";
import { BackupTracker } from "./backup-tracker.js";
import { ExpirySweeper } from "./expiry-sweeper.js";

export interface StartBackupsOptions {
  redis: HubRedis;
  prefix: string;
  queue: TaskQueue;
  events: EventLog;
  clusters: ClusterStore;
  directory: RepositoryDirectory;
  log: HubLog;
  /** How often TTL expiry runs across the replicas (default 60 s). */
  expiryEveryMs?: number;
}

export interface RunningBackups {
  catalog: RedisBackupCatalog;
  tracker: BackupTracker;
  expiry: ExpirySweeper;
  /** Stops this process's tracker and sweep worker (not the connections). */
  close(): Promise<void>;
}

/** Makes the catalog and starts this process's tracker and expiry worker. */
export async function startBackups(options: StartBackupsOptions): Promise<RunningBackups> {
  const { redis, prefix, queue, events, clusters, directory, log } = options;
  const catalog = new RedisBackupCatalog({ redis: redis.command, prefix, queue, clusters, directory, events });
  const tracker = new BackupTracker({
    store: catalog.store,
    queue,
    events,
    redis: redis.command,
    onError: (err) => log.warn("backup tracking error", { error: err }),
  });
  const expiry = new ExpirySweeper({
    store: catalog.store,
    deleteBackup: (id) => catalog.delete(id),
    connection: redis.bullmq,
    everyMs: options.expiryEveryMs,
    onExpired: (id) => log.info("expired backup deleted", { backupId: id }),
    onError: (err) => log.warn("backup expiry error", { error: err }),
  });
  tracker.start();
  try {
    await expiry.start();
  } catch (err) {
    await tracker.close();
    throw err;
  }
  return {
    catalog,
    tracker,
    expiry,
    async close() {
      await expiry.close();
      await tracker.close();
    },
  };
}
