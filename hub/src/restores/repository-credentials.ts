// A queued restore task names its repository without credentials, as a backup task does; the hub
// adds them only when it hands the task to the agent.
import { clone } from "@bufbuild/protobuf";
import { RepositoryAccessSchema, TaskSchema, type Task } from "@lifeboat/proto";
import type { RepositoryDirectory } from "../repositories/directory-types.js";

/**
 * The agent session's prepareAssignment for restore tasks: the task with its repository
 * credentials filled in (a copy); tasks of other kinds come back as they are. A repository
 * forgotten since the task was queued throws NOT_FOUND, and the session fails the task with it.
 */
export function restoreAssignmentPreparer(directory: Pick<RepositoryDirectory, "access">): (task: Task) => Promise<Task> {
  return async (task) => {
    if (task.spec?.kind.case !== "restore") return task;
    const value = task.spec.kind.value;
    const access = await directory.access(value.repository?.name || value.restore?.repository || "");
    const prepared = clone(TaskSchema, task);
    if (prepared.spec?.kind.case === "restore") prepared.spec.kind.value.repository = clone(RepositoryAccessSchema, access);
    return prepared;
  };
}

/** Preparers run one after the other, each on what the one before made. */
export function chainPreparers(...preparers: ((task: Task) => Promise<Task>)[]): (task: Task) => Promise<Task> {
  return async (task) => {
    let prepared = task;
    for (const prepare of preparers) prepared = await prepare(prepared);
    return prepared;
  };
}
