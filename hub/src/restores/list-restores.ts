// Listing restores: which index and which conditions a RestoreFilter means; the paging is the
// shared one (catalog/list-records.ts).
import { RestorePhase, type Restore } from "@lifeboat/proto";
import { checkFilterId, listAllRecords, listRecordPage, type RecordQuery } from "../catalog/index.js";
import { backupIdOf, type RestoreStore } from "./restore-store.js";

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../catalog/index.js";

export interface RestoreFilter {
  /** The target cluster's id. */
  clusterId?: string;
  backupId?: string;
  phase?: RestorePhase;
}

export interface RestorePage {
  restores: Restore[];
  nextPageToken: string;
}

function matcher(filter: RestoreFilter): (restore: Restore) => boolean {
  return (r) =>
    (!filter.clusterId || r.clusterId === filter.clusterId) &&
    (!filter.backupId || backupIdOf(r) === filter.backupId) &&
    (filter.phase === undefined || filter.phase === RestorePhase.UNSPECIFIED || r.phase === filter.phase);
}

function indexOf(store: RestoreStore, filter: RestoreFilter): string {
  if (filter.backupId) return store.keys.backupRestores(filter.backupId);
  if (filter.clusterId) return store.keys.clusterRestores(filter.clusterId);
  if (filter.phase) return store.keys.phaseRestores(filter.phase);
  return store.keys.restores;
}

function query(store: RestoreStore, filter: RestoreFilter): () => RecordQuery<Restore> {
  return () => {
    checkFilterId("cluster", filter.clusterId, "cluster id or name");
    checkFilterId("backup_id", filter.backupId, "backup id");
    return { matches: matcher(filter), index: indexOf(store, filter) };
  };
}

/**
 * One page of the restores matching `filter`, newest first. The token is empty when no restore
 * is left after the page.
 */
export async function listRestorePage(store: RestoreStore, filter: RestoreFilter, page: { size: number; token?: string }): Promise<RestorePage> {
  const { records, nextPageToken } = await listRecordPage(store, page, query(store, filter));
  return { restores: records, nextPageToken };
}

/** Every restore matching `filter`, newest first. */
export async function listAllRestores(store: RestoreStore, filter: RestoreFilter): Promise<Restore[]> {
  return listAllRecords(store, query(store, filter));
}
