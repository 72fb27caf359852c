// What garbage collection marks from: the content ids each record keeps alive. The content layer
// follows them further (a tree to its files, a file to its chunks); records only name the roots.
import type { ContentId } from "./record-checks.js";
import { RecordChecker } from "./record-checks.js";
import { checkRecordName } from "./record-names.js";
import { checkBackupManifest, checkSnapshotRecord } from "./records.js";

/**
 * The content ids record `name` references, without duplicates: a snapshot's tree; a backup
 * manifest's item index pages (marking follows them to the items) and roots; none for logs,
 * results and restore records. A record that does not match its kind throws CORRUPT, since collecting on a misread record would lose data.
 */
export function referencedRoots(name: string, record: unknown): ContentId[] {
  checkRecordName(name);
  const check = new RecordChecker("CORRUPT", `record ${name}`);
  if (name.startsWith("snapshots/")) return [checkSnapshotRecord(record, check).tree];
  if (name.startsWith("backups/") && name.endsWith("/manifest")) {
    const manifest = checkBackupManifest(record, check);
    return [...new Set([...manifest.itemIndex.pages, ...manifest.roots])];
  }
  return [];
}
