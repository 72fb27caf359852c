// Listing the catalog: which index and which conditions a BackupFilter means; the paging is the
// shared one (catalog/list-records.ts).
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, type Backup } from "@lifeboat/proto";
import { parseLabelSelector, type LabelSelector } from "@lifeboat/shared";
import { checkFilterId, indexBound, listAllRecords, listRecordPage, type RecordQuery } from "../catalog/index.js";
import type { BackupStore } from "./backup-store.js";
import type { BackupFilter } from "./catalog-types.js";

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../catalog/index.js";

export interface BackupPage {
  backups: Backup[];
  nextPageToken: string;
}

/** A compiled BackupFilter: whether one backup matches. */
function matcher(filter: BackupFilter): (backup: Backup) => boolean {
  const labels: LabelSelector | undefined = filter.labelSelector ? parseLabelSelector(filter.labelSelector, "label_selector") : undefined;
  const after = filter.createdAfter?.getTime();
  return (b) =>
    (!filter.clusterId || b.clusterId === filter.clusterId) &&
    (!filter.policyId || b.policyId === filter.policyId) &&
    (filter.phase === undefined || filter.phase === BackupPhase.UNSPECIFIED || b.phase === filter.phase) &&
    (after === undefined || (b.createTime !== undefined && timestampMs(b.createTime) >= after)) &&
    (labels === undefined || labels(b.labels));
}

function indexOf(store: BackupStore, filter: BackupFilter): string {
  if (filter.clusterId) return store.keys.clusterBackups(filter.clusterId);
  if (filter.policyId) return store.keys.policyBackups(filter.policyId);
  if (filter.phase) return store.keys.phaseBackups(filter.phase);
  return store.keys.backups;
}

function query(store: BackupStore, filter: BackupFilter): () => RecordQuery<Backup> {
  return () => {
    checkFilterId("cluster", filter.clusterId, "cluster id or name");
    checkFilterId("policy", filter.policyId, "policy id or name");
    return {
      matches: matcher(filter),
      index: indexOf(store, filter),
      lowest: filter.createdAfter ? indexBound(filter.createdAfter.getTime()) : undefined,
    };
  };
}

/**
 * One page of the backups matching `filter`, newest first. The token is empty when no backup
 * is left after the page.
 */
export async function listBackupPage(store: BackupStore, filter: BackupFilter, page: { size: number; token?: string }): Promise<BackupPage> {
  const { records, nextPageToken } = await listRecordPage(store, page, query(store, filter));
  return { backups: records, nextPageToken };
}

/** Every backup matching `filter`, newest first. */
export async function listAllBackups(store: BackupStore, filter: BackupFilter): Promise<Backup[]> {
  return listAllRecords(store, query(store, filter));
}
