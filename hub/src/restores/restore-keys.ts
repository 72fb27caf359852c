// Redis names of the restore records, under the hub's key prefix (see store/keys.ts for the convention).
import type { RestorePhase } from "@lifeboat/proto";

export interface RestoreKeys {
  /** HASH, one per restore: the record (proto JSON), its revision, phase and last applied task event. */
  restore(id: string): string;
  /** ZSET of every restore, all scored 0, members "<create ms, 15 digits>:<id>": newest first by ZRANGE BYLEX REV. */
  readonly restores: string;
  /** ZSET per target cluster, members as `restores`. */
  clusterRestores(clusterId: string): string;
  /** ZSET per source backup, members as `restores`. */
  backupRestores(backupId: string): string;
  /** ZSET per phase (its enum number), members as `restores`. */
  phaseRestores(phase: RestorePhase): string;
  /** STRING: the id of the last task event every restore tracker has applied. */
  readonly trackerCursor: string;
}

export function restoreKeys(prefix: string): RestoreKeys {
  return {
    restore: (id) => `${prefix}restore:${id}`,
    restores: `${prefix}restores`,
    clusterRestores: (clusterId) => `${prefix}restores:cluster:${clusterId}`,
    backupRestores: (backupId) => `${prefix}restores:backup:${backupId}`,
    phaseRestores: (phase) => `${prefix}restores:phase:${phase}`,
    trackerCursor: `${prefix}restores:tracker-cursor`,
  };
}

// Index members are the same for every kind of record.
export { indexMember, indexBound } from "../catalog/index.js";
