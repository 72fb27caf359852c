// Deleting a task-driven record (a backup, a restore): stop its task, mark it DELETING, remove its
// records from the repository (in the order the kind gives), then the record itself.
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import type { TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import { withRepository } from "../repositories/with-repository.js";
import type { TaskId } from "../store/index.js";
import type { RecordStore } from "./record-store.js";
import { changedRecord, type RecordFields, type TaskDrivenRecord } from "./task-phase.js";

export interface DeleteRecordDeps<K extends string, R extends DeletableRecord> {
  store: RecordStore<K, R>;
  directory: Pick<RepositoryDirectory, "access">;
  queue: Pick<TaskQueue, "get" | "cancel">;
}

/** What deleting reads of a record. */
export interface DeletableRecord extends TaskDrivenRecord {
  id: string;
  taskId: string;
}

/** One kind of record, as deleting sees it. */
export interface DeletableKind<R extends DeletableRecord> {
  noun: string;
  schema: GenMessage<R>;
  deleting: R["phase"];
  /** The repository its records are in ("" when it never named one: nothing was written). */
  repositoryOf(record: R): string;
  /** Its records' names in the repository, in the order they are to go. */
  recordNames(id: string): string[];
}

async function cancelLiveTask(queue: Pick<TaskQueue, "get" | "cancel">, noun: string, record: DeletableRecord): Promise<void> {
  if (!record.taskId) return;
  const task = await queue.get(record.taskId as TaskId);
  if (!task || (task.state !== "queued" && task.state !== "leased")) return;
  try {
    await queue.cancel(task.id, `${noun} ${record.id} is being deleted`);
  } catch (err) {
    // It finished meanwhile: nothing to stop.
    if (!isLifeboatError(err) || err.code !== "FAILED_PRECONDITION") throw err;
  }
}

async function removeRepositoryRecords<R extends DeletableRecord>(directory: Pick<RepositoryDirectory, "access">, kind: DeletableKind<R>, record: R): Promise<void> {
  const name = kind.repositoryOf(record);
  if (name === "") return;
  await withRepository(directory, name, async (repo) => {
    for (const recordName of kind.recordNames(record.id)) await repo.manifests.delete(recordName);
  });
}

function unreachable<R extends DeletableRecord>(kind: DeletableKind<R>, record: R, err: unknown): LifeboatError {
  const { noun } = kind;
  const why = (err as Error).message;
  if (isLifeboatError(err) && err.code === "NOT_FOUND" && err.field === "repository") {
    return new LifeboatError("FAILED_PRECONDITION", `${noun} ${record.id} stays DELETING: ${why}; add the repository again, then delete the ${noun} again`, { field: "id", value: record.id, cause: err });
  }
  return new LifeboatError("UNAVAILABLE", `${noun} ${record.id} stays DELETING: repository "${kind.repositoryOf(record)}" could not be reached: ${why}; delete it again to retry`, {
    field: "id",
    value: record.id,
    retryable: true,
    cause: err,
  });
}

/**
 * Deletes record `id` and returns it as it was deleted (phase DELETING). NOT_FOUND when unknown.
 * A repository that cannot be reached leaves the record DELETING with the reason (UNAVAILABLE, or
 * FAILED_PRECONDITION when the repository is no longer known); deleting again retries.
 */
export async function deleteRecord<K extends string, R extends DeletableRecord>(deps: DeleteRecordDeps<K, R>, kind: DeletableKind<R>, id: string): Promise<R> {
  const { store } = deps;
  const changed = (record: R, fields: RecordFields<R>): R => changedRecord(kind.schema, record, fields);
  await cancelLiveTask(deps.queue, kind.noun, await store.requireRecord(id));
  const deleting = await store.change(id, (record) => (record.phase === kind.deleting ? undefined : changed(record, { phase: kind.deleting, progress: undefined } as RecordFields<R>)));
  if (!deleting) throw new LifeboatError("NOT_FOUND", `${kind.noun} ${id} not found`, { field: "id", value: id });
  try {
    await removeRepositoryRecords(deps.directory, kind, deleting);
  } catch (err) {
    const error = unreachable(kind, deleting, err);
    await store.change(id, (record) => changed(record, { failureReason: error.message } as RecordFields<R>));
    throw error;
  }
  await store.removeLatest(id);
  return deleting;
}
