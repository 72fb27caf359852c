// The backup catalog on Redis: the BackupCatalog the rest of the hub uses, plus the calls only
// AdminService makes (logs, repository sync).
import type { Backup } from "@lifeboat/proto";
import type { Redis } from "ioredis";
import type { EventLog, TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import { parseBackupId } from "./backup-id.js";
import { readBackupLog } from "./backup-log.js";
import { BackupStore } from "./backup-store.js";
import type { BackupCatalog, BackupFilter, LaunchRequest } from "./catalog-types.js";
import { deleteBackup } from "./delete-backup.js";
import { launchBackups, type BackupClusters } from "./launch-backups.js";
import { listAllBackups, listBackupPage, type BackupPage } from "./list-backups.js";
import { syncRepository, type SyncReport } from "./sync-repository.js";

export interface RedisBackupCatalogOptions {
  /** The hub process's command connection. */
  redis: Redis;
  prefix: string;
  queue: Pick<TaskQueue, "enqueueMany" | "get" | "cancel">;
  clusters: BackupClusters;
  directory: RepositoryDirectory;
  /** Told of every change; optional in tests. */
  events?: Pick<EventLog, "appendRecord">;
  now?: () => number;
}

export class RedisBackupCatalog implements BackupCatalog {
  readonly store: BackupStore;
  private readonly options: RedisBackupCatalogOptions;

  constructor(options: RedisBackupCatalogOptions) {
    this.options = options;
    this.store = new BackupStore({ redis: options.redis, prefix: options.prefix, events: options.events });
  }

  launch(request: LaunchRequest): Promise<Backup[]> {
    const { clusters, directory, queue, now } = this.options;
    return launchBackups({ store: this.store, clusters, directory, queue, now }, request);
  }

  async get(id: string): Promise<Backup> {
    return (await this.store.require(parseBackupId(id))).backup;
  }

  list(filter: BackupFilter, page: { size: number; token?: string }): Promise<BackupPage> {
    return listBackupPage(this.store, filter, page);
  }

  listAll(filter: BackupFilter): Promise<Backup[]> {
    return listAllBackups(this.store, filter);
  }

  delete(id: string): Promise<Backup> {
    return deleteBackup({ store: this.store, directory: this.options.directory, queue: this.options.queue }, parseBackupId(id));
  }

  /** The backup's log lines (JSON objects), from its repository. */
  logs(id: string): Promise<string[]> {
    return readBackupLog({ store: this.store, directory: this.options.directory }, parseBackupId(id));
  }

  /** Adds the backups of repository `name` the catalog lacks. */
  sync(name: string): Promise<SyncReport> {
    return syncRepository({ store: this.store, directory: this.options.directory }, name);
  }
}
