// Redis names of the backup catalog, under the hub's key prefix (see store/keys.ts for the convention).
import type { BackupPhase } from "@lifeboat/proto";

export interface BackupKeys {
  /** HASH, one per backup: the record (proto JSON), its revision, phase and last applied task event. */
  backup(id: string): string;
  /** ZSET of every backup, all scored 0, members "<create ms, 15 digits>:<id>": newest first by ZRANGE BYLEX REV. */
  readonly backups: string;
  /** ZSET per cluster, members as `backups`. */
  clusterBackups(clusterId: string): string;
  /** ZSET per policy, members as `backups`. */
  policyBackups(policyId: string): string;
  /** ZSET per phase (its enum number), members as `backups`. */
  phaseBackups(phase: BackupPhase): string;
  /** ZSET of backup ids scored by expire time (ms), for TTL expiry. */
  readonly expiry: string;
  /** STRING: the id of the last task event every tracker has applied (the trackers' shared resume point). */
  readonly trackerCursor: string;
  /** The prefix BullMQ queues get (the same as the task queue's: "<prefix>bull"). */
  readonly bullmqPrefix: string;
}

export function backupKeys(prefix: string): BackupKeys {
  return {
    backup: (id) => `${prefix}backup:${id}`,
    backups: `${prefix}backups`,
    clusterBackups: (clusterId) => `${prefix}backups:cluster:${clusterId}`,
    policyBackups: (policyId) => `${prefix}backups:policy:${policyId}`,
    phaseBackups: (phase) => `${prefix}backups:phase:${phase}`,
    expiry: `${prefix}backups:expiry`,
    trackerCursor: `${prefix}backups:tracker-cursor`,
    bullmqPrefix: `${prefix}bull`,
  };
}

// Index members are the same for every kind of record.
export { indexMember, indexBound } from "../catalog/index.js";
