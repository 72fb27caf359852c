// The restores on Redis: what AdminService's restore calls use.
import type { Restore } from "@lifeboat/proto";
import type { Redis } from "ioredis";
import type { BackupCatalog } from "../backups/index.js";
import type { TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import { createRestore, type CreateRestoreRequest, type RestoreClusters } from "./create-restore.js";
import { deleteRestore } from "./delete-restore.js";
import { listRestorePage, type RestoreFilter, type RestorePage } from "./list-restores.js";
import type { RestoreEvents } from "./restore-events.js";
import { parseRestoreId } from "./restore-id.js";
import { readRestoreLog } from "./restore-log.js";
import { RestoreStore } from "./restore-store.js";

export interface RedisRestoreCatalogOptions {
  /** The hub process's command connection. */
  redis: Redis;
  prefix: string;
  queue: Pick<TaskQueue, "enqueueMany" | "get" | "cancel">;
  clusters: RestoreClusters;
  /** The backup catalog the restored backups come from. */
  backups: Pick<BackupCatalog, "get">;
  directory: Pick<RepositoryDirectory, "access">;
  /** Told of every change; optional in tests. */
  events?: RestoreEvents;
  now?: () => number;
}

export class RedisRestoreCatalog {
  readonly store: RestoreStore;
  private readonly options: RedisRestoreCatalogOptions;

  constructor(options: RedisRestoreCatalogOptions) {
    this.options = options;
    this.store = new RestoreStore({ redis: options.redis, prefix: options.prefix, events: options.events });
  }

  /** Records a NEW restore and queues its task; see createRestore for what is refused. */
  create(request: CreateRestoreRequest): Promise<Restore> {
    const { clusters, backups, directory, queue, now } = this.options;
    return createRestore({ store: this.store, clusters, backups, directory, queue, now }, request);
  }

  /** NOT_FOUND naming the id when unknown. */
  async get(id: string): Promise<Restore> {
    return (await this.store.require(parseRestoreId(id))).restore;
  }

  /** Newest first, a page at a time. */
  list(filter: RestoreFilter, page: { size: number; token?: string }): Promise<RestorePage> {
    return listRestorePage(this.store, filter, page);
  }

  /** The restore's log lines (JSON objects), from its backup's repository. */
  logs(id: string): Promise<string[]> {
    return readRestoreLog({ store: this.store, directory: this.options.directory }, parseRestoreId(id));
  }

  /** Removes the restore's log and results from the repository, then its record; returns it as it was. */
  delete(id: string): Promise<Restore> {
    return deleteRestore({ store: this.store, directory: this.options.directory, queue: this.options.queue }, parseRestoreId(id));
  }
}
