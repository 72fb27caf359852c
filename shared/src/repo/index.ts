// The repository's public surface for the rest of Lifeboat (the CLI, the agent, the hub). Layers
// below keep their own index.ts; this file only chooses what leaves the repo folder.
export { LifeboatError, isLifeboatError, type ErrorCode } from "../errors/index.js";
export { Repository, type OpenRepositoryOptions } from "./repository.js";
export { openAccessStorage, openRepositoryWithAccess } from "./repository-access.js";
export { openStorage, redactUrl, type BlobInfo, type BlobStorage, type OpenStorageOptions } from "./storage/index.js";
export {
  DEFAULT_SCRYPT_COST,
  REPOSITORY_CONFIG_BLOB,
  addKey,
  changePassword,
  listKeys,
  readRepositoryConfig,
  removeKey,
  type KeySlotInfo,
  type NewSlotOptions,
  type RepositoryConfig,
} from "./keys/index.js";
export { INDEX_PREFIX, PACKS_PREFIX, type ContentId, type ContentKind, type ContentStats } from "./content/index.js";
export {
  getSnapshot,
  listSnapshots,
  newRecordId,
  backupRecordName,
  restoreRecordName,
  isRecordId,
  type BackupPart,
  putSnapshot,
  getBackupManifest,
  listBackups,
  putBackupManifest,
  writeItemIndex,
  readItemIndex,
  readAllItems,
  type ItemIndexRef,
  type BackupItem,
  type BackupItemVersion,
  type BackupManifest,
  type SnapshotRecord,
  type SnapshotStats as SnapshotRecordStats,
} from "./manifest/index.js";
export {
  restoreTree,
  snapshotTree,
  type RestoreOptions,
  type RestoreStats,
  type SnapshotOptions,
  type SnapshotStats as SnapshotTreeStats,
} from "./object/index.js";
export {
  checkRepository,
  collectGarbage,
  rebuildIndex,
  type RebuildReport,
  type CheckOptions,
  type CheckProblem,
  type CheckReport,
  type GcOptions,
  type GcReport,
} from "./maintenance/index.js";
