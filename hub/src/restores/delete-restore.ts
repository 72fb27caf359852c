// Deleting a restore: the shared steps (catalog/delete-record.ts); its log and results go from the
// repository, then its record. What it restored stays in the cluster.
import { RestorePhase, RestoreSchema, type Restore } from "@lifeboat/proto";
import { restoreRecordName } from "@lifeboat/shared/repo";
import { deleteRecord, type DeletableKind } from "../catalog/index.js";
import type { TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import type { RestoreStore } from "./restore-store.js";

export interface DeleteRestoreDeps {
  store: RestoreStore;
  directory: Pick<RepositoryDirectory, "access">;
  queue: Pick<TaskQueue, "get" | "cancel">;
}

const PARTS = ["log", "results"] as const;

const RESTORES: DeletableKind<Restore> = {
  noun: "restore",
  schema: RestoreSchema,
  deleting: RestorePhase.DELETING,
  repositoryOf: (restore) => restore.repository,
  recordNames: (id) => PARTS.map((part) => restoreRecordName(id, part)),
};

/**
 * Deletes restore `id` and returns it as it was deleted (phase DELETING). NOT_FOUND when unknown.
 * A repository that cannot be reached leaves the restore DELETING with the reason; deleting again
 * retries.
 */
export async function deleteRestore(deps: DeleteRestoreDeps, id: string): Promise<Restore> {
  return deleteRecord<"restore", Restore>(deps, RESTORES, id);
}
