// One hub process's restores on a real redis-server: the backup catalog fixture's hub plus the
// restore catalog, and restorable backups recorded through the real backup store.
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupSchema, BackupSpecSchema, type Backup } from "@lifeboat/proto";
import { RedisRestoreCatalog, RestoreTracker, restoreEventsOf } from "../../../../../hub/src/restores/index.js";
import { startCatalogHub, type CatalogHub, type TestDirectory } from "../../backups/support/catalog-fixture.js";

export interface RestoreHub extends CatalogHub {
  restores: RedisRestoreCatalog;
  /** A restore tracker on this hub's connections (not started). */
  restoreTracker(): RestoreTracker;
}

export async function startRestoreHub(url: string, prefix: string, directory: TestDirectory): Promise<RestoreHub> {
  const hub = await startCatalogHub(url, prefix, directory);
  const restores = new RedisRestoreCatalog({
    redis: hub.redis.command,
    prefix,
    queue: hub.queue,
    clusters: hub.clusters,
    backups: hub.catalog,
    directory,
    events: restoreEventsOf(hub.events),
  });
  const trackers: RestoreTracker[] = [];
  const close = hub.close.bind(hub);
  return Object.assign(hub, {
    restores,
    restoreTracker() {
      const tracker = new RestoreTracker({ store: restores.store, queue: hub.queue, events: hub.events, redis: hub.redis.command, onError: (err) => hub.errors.push(err), retryMs: 50 });
      trackers.push(tracker);
      return tracker;
    },
    async close() {
      for (const tracker of trackers) await tracker.close();
      await close();
    },
  });
}

/** Records a backup of `clusterId` in the catalog, in `phase` (COMPLETED by default), into repository "main". */
export async function recordBackup(hub: CatalogHub, clusterId: string, phase = BackupPhase.COMPLETED): Promise<Backup> {
  const id = randomUUID().replace(/-/g, "");
  const backup = create(BackupSchema, {
    id,
    clusterId,
    clusterName: `${clusterId}-name`,
    spec: create(BackupSpecSchema, { repository: "main" }),
    phase,
    taskId: id,
    kubernetesVersion: "v1.16.15",
    createTime: timestampFromMs(Date.now()),
  });
  if (!(await hub.catalog.store.create(backup))) throw new Error(`backup ${id} exists`);
  return backup;
}

/** The types of the restore events appended to the hub's event stream, oldest first. */
export async function restoreEventTypes(hub: CatalogHub): Promise<string[]> {
  const entries = (await hub.redis.command.xrange(hub.queue.keys.events, "-", "+")) as [string, string[]][];
  return entries.map(([, flat]) => flat[flat.indexOf("type") + 1] ?? "").filter((type) => type.startsWith("restore."));
}
