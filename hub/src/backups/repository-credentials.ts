// Tasks wait in Redis and are shown by ListTasks, so a queued backup task names its repository
// without credentials; the hub adds them only when it hands the task to the agent.
import { clone, create } from "@bufbuild/protobuf";
import { RepositoryAccessSchema, TaskSchema, TaskSpecSchema, type RepositoryAccess, type Task, type TaskSpec } from "@lifeboat/proto";
import type { RepositoryDirectory } from "../repositories/directory-types.js";

/** What a stored task carries of a repository: its name and URL, never its credentials. */
export function repositoryReference(access: RepositoryAccess): RepositoryAccess {
  return create(RepositoryAccessSchema, { name: access.name, url: access.url });
}

/**
 * The spec with its backup task's repository credentials filled in from `directory` (a copy;
 * `spec` is left as it was). Specs of other kinds come back unchanged. NOT_FOUND when the
 * repository was forgotten since the task was queued.
 */
export async function withRepositoryCredentials(spec: TaskSpec, directory: RepositoryDirectory): Promise<TaskSpec> {
  if (spec.kind.case !== "backup") return spec;
  const name = spec.kind.value.repository?.name || spec.kind.value.backup?.spec?.repository || "";
  const access = await directory.access(name);
  const filled = clone(TaskSpecSchema, spec);
  if (filled.kind.case === "backup") filled.kind.value.repository = clone(RepositoryAccessSchema, access);
  return filled;
}

/**
 * The agent session's prepareAssignment for backup tasks: the task with its repository
 * credentials filled in (a copy). A repository forgotten since the task was queued throws
 * NOT_FOUND, and the session fails the task with it.
 */
export function backupAssignmentPreparer(directory: RepositoryDirectory): (task: Task) => Promise<Task> {
  return async (task) => {
    if (task.spec?.kind.case !== "backup") return task;
    const prepared = clone(TaskSchema, task);
    prepared.spec = await withRepositoryCredentials(task.spec, directory);
    return prepared;
  };
}
