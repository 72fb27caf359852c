// The restore records in Redis: the shared compare-and-set record store (catalog/record-store.ts)
// with the restores' indexes (all, per target cluster, per source backup, per phase).
import { toJson } from "@bufbuild/protobuf";
import { RestoreSchema, type Restore } from "@lifeboat/proto";
import type { Redis } from "ioredis";
import { RecordStore, type StoredRecord } from "../catalog/index.js";
import { restoreEventFields } from "../grpc/wire-event.js";
import type { RestoreEvents } from "./restore-events.js";
import { restoreKeys, type RestoreKeys } from "./restore-keys.js";

export { createMs } from "../catalog/index.js";

/** A restore as stored, with what compare-and-set needs. */
export type StoredRestore = StoredRecord<"restore", Restore>;

export interface RestoreStoreOptions {
  /** The hub process's command connection. */
  redis: Redis;
  prefix: string;
  /** Told of every change (restore.created, .updated, .deleted); optional in tests. */
  events?: RestoreEvents;
}

export class RestoreStore extends RecordStore<"restore", Restore> {
  readonly keys: RestoreKeys;

  constructor(options: RestoreStoreOptions) {
    const keys = restoreKeys(options.prefix);
    const { events } = options;
    super(options.redis, {
      noun: "restore",
      schema: RestoreSchema,
      record: keys.restore,
      phaseIndex: keys.phaseRestores,
      indexes: (r) => [keys.restores, keys.clusterRestores(r.clusterId), keys.backupRestores(backupIdOf(r))],
      announce: events
        ? (change, restore) => events.appendRecord(`restore.${change}`, restoreEventFields(toJson(RestoreSchema, restore)), { clusterId: restore.clusterId, backupId: backupIdOf(restore), restoreId: restore.id })
        : undefined,
    });
    this.keys = keys;
  }
}

/** The backup a restore restores. */
export function backupIdOf(restore: Restore): string {
  return restore.spec?.backupId ?? "";
}
