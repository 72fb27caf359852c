// The catalog's backups in Redis: the shared compare-and-set record store (catalog/record-store.ts)
// with the backups' indexes (all, per cluster, per policy, per phase) and their expiry index.
import { toJson } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupSchema, type Backup } from "@lifeboat/proto";
import type { Redis } from "ioredis";
import { RecordStore, type StoredRecord } from "../catalog/index.js";
import { backupEventFields } from "../grpc/wire-event.js";
import type { EventLog } from "../queue/index.js";
import { backupKeys, type BackupKeys } from "./backup-keys.js";

export { createMs } from "../catalog/index.js";

/** A backup as stored, with what compare-and-set needs. */
export type StoredBackup = StoredRecord<"backup", Backup>;

export interface BackupStoreOptions {
  /** The hub process's command connection. */
  redis: Redis;
  prefix: string;
  /** Told of every change (backup.created, .updated, .deleted); optional in unit tests. */
  events?: Pick<EventLog, "appendRecord">;
}

export class BackupStore extends RecordStore<"backup", Backup> {
  readonly keys: BackupKeys;

  constructor(options: BackupStoreOptions) {
    const keys = backupKeys(options.prefix);
    const { events } = options;
    super(options.redis, {
      noun: "backup",
      schema: BackupSchema,
      record: keys.backup,
      phaseIndex: keys.phaseBackups,
      // A backup of no policy (run by hand) is in no policy's index.
      indexes: (b) => [keys.backups, keys.clusterBackups(b.clusterId), ...(b.policyId ? [keys.policyBackups(b.policyId)] : [])],
      scored: { key: keys.expiry, score: (b) => (b.expireTime ? timestampMs(b.expireTime) : undefined) },
      keepsMember: true,
      announce: events
        ? async (change, backup) => {
            const ids = { clusterId: backup.clusterId, backupId: backup.id, ...(backup.policyId ? { policyId: backup.policyId } : {}) };
            await events.appendRecord(`backup.${change}`, backupEventFields(toJson(BackupSchema, backup)), ids);
          }
        : undefined,
    });
    this.keys = keys;
  }

  /** Ids of the backups whose expire time is at or before `ms`, soonest first, at most `count`. */
  async expiredBy(ms: number, count: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.expiry, "-inf", String(ms), "LIMIT", 0, count);
  }
}
