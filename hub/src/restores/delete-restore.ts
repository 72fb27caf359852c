// Deleting a restore: stop its task, mark it DELETING, remove its log and results from the
// repository, then its record. What it restored stays in the cluster.
import { RestorePhase, type Restore } from "@lifeboat/proto";
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import { restoreRecordName } from "@lifeboat/shared/repo";
import type { TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import type { TaskId } from "../store/index.js";
import { withRepository } from "../repositories/with-repository.js";
import type { RestoreStore } from "./restore-store.js";
import { changed } from "./track-restore-task.js";

export interface DeleteRestoreDeps {
  store: RestoreStore;
  directory: Pick<RepositoryDirectory, "access">;
  queue: Pick<TaskQueue, "get" | "cancel">;
}

const PARTS = ["log", "results"] as const;

async function cancelLiveTask(queue: DeleteRestoreDeps["queue"], restore: Restore): Promise<void> {
  if (!restore.taskId) return;
  const task = await queue.get(restore.taskId as TaskId);
  if (!task || (task.state !== "queued" && task.state !== "leased")) return;
  try {
    await queue.cancel(task.id, `restore ${restore.id} is being deleted`);
  } catch (err) {
    // It finished meanwhile: nothing to stop.
    if (!isLifeboatError(err) || err.code !== "FAILED_PRECONDITION") throw err;
  }
}

async function removeRepositoryRecords(directory: DeleteRestoreDeps["directory"], restore: Restore): Promise<void> {
  if (restore.repository === "") return;
  await withRepository(directory, restore.repository, async (repo) => {
    for (const part of PARTS) await repo.manifests.delete(restoreRecordName(restore.id, part));
  });
}

function unreachable(restore: Restore, err: unknown): LifeboatError {
  const why = (err as Error).message;
  if (isLifeboatError(err) && err.code === "NOT_FOUND" && err.field === "repository") {
    return new LifeboatError("FAILED_PRECONDITION", `restore ${restore.id} stays DELETING: ${why}; add the repository again, then delete the restore again`, { field: "id", value: restore.id, cause: err });
  }
  return new LifeboatError("UNAVAILABLE", `restore ${restore.id} stays DELETING: repository "${restore.repository}" could not be reached: ${why}; delete it again to retry`, {
    field: "id",
    value: restore.id,
    retryable: true,
    cause: err,
  });
}

/**
 * Deletes restore `id` and returns it as it was deleted (phase DELETING). NOT_FOUND when unknown.
 * A repository that cannot be reached leaves the restore DELETING with the reason; deleting again
 * retries.
 */
export async function deleteRestore(deps: DeleteRestoreDeps, id: string): Promise<Restore> {
  const { store } = deps;
  await cancelLiveTask(deps.queue, (await store.require(id)).restore);
  const deleting = await store.update(id, ({ restore }) =>
    restore.phase === RestorePhase.DELETING ? undefined : { restore: changed(restore, { phase: RestorePhase.DELETING, progress: undefined }) },
  );
  if (!deleting) throw new LifeboatError("NOT_FOUND", `restore ${id} not found`, { field: "id", value: id });
  try {
    await removeRepositoryRecords(deps.directory, deleting);
  } catch (err) {
    const error = unreachable(deleting, err);
    await store.update(id, ({ restore }) => ({ restore: changed(restore, { failureReason: error.message }) }));
    throw error;
  }
  for (;;) {
    const stored = await store.read(id);
    if (!stored || (await store.remove(stored))) return deleting;
  }
}
