export { ManifestStore } from "./manifest-store.js";
export {
  newRecordId,
  isRecordId,
  checkRecordId,
  isRecordName,
  snapshotName,
  backupRecordName,
  restoreRecordName,
  RECORD_FOLDERS,
  BACKUP_PARTS,
  type BackupPart,
} from "./record-names.js";
export type { SnapshotRecord, SnapshotStats, BackupManifest, BackupItem, BackupItemVersion } from "./records.js";
export {
  putSnapshot,
  getSnapshot,
  listSnapshots,
  putBackupManifest,
  getBackupManifest,
  listBackups,
} from "./typed-records.js";
export { referencedRoots } from "./referenced-roots.js";
export { writeItemIndex, readItemIndex, readAllItems, decodeItemPage, itemPageContents, itemContents, ITEM_PAGE_KIND, DEFAULT_ITEM_PAGING, type ItemIndexRef, type ItemPaging } from "./item-index.js";
