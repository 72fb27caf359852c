// The restores' parts one hub process runs: the catalog and its tracker.
import type { BackupCatalog } from "../backups/index.js";
import type { ClusterStore } from "../clusters/index.js";
import type { HubLog } from "../log.js";
import type { EventLog, TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import type { HubRedis } from "../store/index.js";
import { RedisRestoreCatalog } from "./restore-catalog.js";
import { restoreEventsOf } from "./restore-events.js";
import { RestoreTracker } from "./restore-tracker.js";

export interface StartRestoresOptions {
  redis: HubRedis;
  prefix: string;
  queue: TaskQueue;
  events: EventLog;
  clusters: Pick<ClusterStore, "get" | "idOfName">;
  backups: Pick<BackupCatalog, "get">;
  directory: RepositoryDirectory;
  log: HubLog;
}

export interface RunningRestores {
  catalog: RedisRestoreCatalog;
  tracker: RestoreTracker;
  /** Stops this process's tracker (not the connections). */
  close(): Promise<void>;
}

/** Makes the restore catalog and starts this process's restore tracker. */
export function startRestores(options: StartRestoresOptions): RunningRestores {
  const { redis, prefix, queue, events, clusters, backups, directory, log } = options;
  const catalog = new RedisRestoreCatalog({ redis: redis.command, prefix, queue, clusters, backups, directory, events: restoreEventsOf(events) });
  const tracker = new RestoreTracker({
    store: catalog.store,
    queue,
    events,
    redis: redis.command,
    onError: (err) => log.warn("restore tracking error", { error: err }),
  });
  tracker.start();
  return { catalog, tracker, close: () => tracker.close() };
}
