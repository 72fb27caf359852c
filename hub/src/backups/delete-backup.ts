// Deleting a backup: the shared steps (catalog/delete-record.ts); its manifest goes first from the
// repository, so it stops being a backup before anything it names goes.
import { BackupPhase, BackupSchema, type Backup } from "@lifeboat/proto";
import { backupRecordName } from "@lifeboat/shared/repo";
import { deleteRecord, type DeletableKind } from "../catalog/index.js";
import type { TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import type { BackupStore } from "./backup-store.js";

export interface DeleteDeps {
  store: BackupStore;
  directory: RepositoryDirectory;
  queue: Pick<TaskQueue, "get" | "cancel">;
}

// The manifest goes first: once it is gone the backup is gone for every reader (and for sync).
const PARTS = ["manifest", "log", "results"] as const;

const BACKUPS: DeletableKind<Backup> = {
  noun: "backup",
  schema: BackupSchema,
  deleting: BackupPhase.DELETING,
  // A backup refused before a repository was named wrote nothing.
  repositoryOf: (backup) => backup.spec?.repository ?? "",
  recordNames: (id) => PARTS.map((part) => backupRecordName(id, part)),
};

/**
 * Deletes backup `id` and returns it as it was deleted (phase DELETING). NOT_FOUND when unknown.
 * A repository that cannot be reached leaves the backup DELETING with the reason (UNAVAILABLE, or
 * FAILED_PRECONDITION when the repository is no longer known); deleting again retries.
 */
export async function deleteBackup(deps: DeleteDeps, id: string): Promise<Backup> {
  return deleteRecord<"backup", Backup>(deps, BACKUPS, id);
}
