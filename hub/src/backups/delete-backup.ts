// Deleting a backup: stop its task, mark it DELETING, remove its records from the repository
// (manifest first, so it stops being a backup before anything it names goes), then the catalog's.
import { BackupPhase, type Backup } from "@lifeboat/proto";
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import { backupRecordName } from "@lifeboat/shared/repo";
import type { TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import type { TaskId } from "../store/index.js";
import type { BackupStore } from "./backup-store.js";
import { withRepository } from "../repositories/with-repository.js";
import { changed } from "./track-task.js";

export interface DeleteDeps {
  store: BackupStore;
  directory: RepositoryDirectory;
  queue: Pick<TaskQueue, "get" | "cancel">;
}

// The manifest goes first: once it is gone the backup is gone for every reader (and for sync).
const PARTS = ["manifest", "log", "results"] as const;

async function cancelLiveTask(queue: DeleteDeps["queue"], backup: Backup): Promise<void> {
  if (!backup.taskId) return;
  const task = await queue.get(backup.taskId as TaskId);
  if (!task || (task.state !== "queued" && task.state !== "leased")) return;
  try {
    await queue.cancel(task.id, `backup ${backup.id} is being deleted`);
  } catch (err) {
    // It finished meanwhile: nothing to stop.
    if (!isLifeboatError(err) || err.code !== "FAILED_PRECONDITION") throw err;
  }
}

async function removeRepositoryRecords(directory: RepositoryDirectory, backup: Backup): Promise<void> {
  const name = backup.spec?.repository ?? "";
  if (name === "") return; // refused before a repository was named: nothing was written
  await withRepository(directory, name, async (repo) => {
    for (const part of PARTS) await repo.manifests.delete(backupRecordName(backup.id, part));
  });
}

function unreachable(backup: Backup, err: unknown): LifeboatError {
  const name = backup.spec?.repository ?? "";
  const why = (err as Error).message;
  if (isLifeboatError(err) && err.code === "NOT_FOUND" && err.field === "repository") {
    return new LifeboatError("FAILED_PRECONDITION", `backup ${backup.id} stays DELETING: ${why}; add the repository again, then delete the backup again`, { field: "id", value: backup.id, cause: err });
  }
  return new LifeboatError("UNAVAILABLE", `backup ${backup.id} stays DELETING: repository "${name}" could not be reached: ${why}; delete it again to retry`, {
    field: "id",
    value: backup.id,
    retryable: true,
    cause: err,
  });
}

/**
 * Deletes backup `id` and returns it as it was deleted (phase DELETING). NOT_FOUND when unknown.
 * A repository that cannot be reached leaves the backup DELETING with the reason (UNAVAILABLE, or
 * FAILED_PRECONDITION when the repository is no longer known); deleting again retries.
 */
export async function deleteBackup(deps: DeleteDeps, id: string): Promise<Backup> {
  const { store } = deps;
  await cancelLiveTask(deps.queue, (await store.require(id)).backup);
  const deleting = await store.update(id, ({ backup }) =>
    backup.phase === BackupPhase.DELETING ? undefined : { backup: changed(backup, { phase: BackupPhase.DELETING, progress: undefined }) },
  );
  if (!deleting) throw new LifeboatError("NOT_FOUND", `backup ${id} not found`, { field: "id", value: id });
  try {
    await removeRepositoryRecords(deps.directory, deleting);
  } catch (err) {
    const error = unreachable(deleting, err);
    await store.update(id, ({ backup }) => ({ backup: changed(backup, { failureReason: error.message }) }));
    throw error;
  }
  for (;;) {
    const stored = await store.read(id);
    if (!stored || (await store.remove(stored))) return deleting;
  }
}
