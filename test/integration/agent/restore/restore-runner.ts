// Running the restore task kind directly (no hub) from a real repository into an emulator.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { KubeConfig } from "@kubernetes/client-node";
import { RestoreSpecSchema, RestoreTaskSchema, type RepositoryAccess, type RestoreTaskResult } from "@lifeboat/proto";
import { newRecordId } from "@lifeboat/shared/repo";
import { pino } from "pino";
import { restoreTask } from "../../../../agent/src/executor/kinds/restore.js";
import type { ProgressUpdate, TaskContext } from "../../../../agent/src/executor/task-kind.js";

export interface RestoreRun {
  id: string;
  result: RestoreTaskResult;
  progress: ProgressUpdate[];
}

export interface RestoreRunOptions {
  id?: string;
  kc: KubeConfig;
  access: RepositoryAccess;
  backupId: string;
  spec?: Omit<MessageInitShape<typeof RestoreSpecSchema>, "backupId">;
}

/** Runs the restore task kind as the executor would. Throws what the task throws. */
export async function runRestoreTask(options: RestoreRunOptions): Promise<RestoreRun> {
  const id = options.id ?? newRecordId();
  const progress: ProgressUpdate[] = [];
  const task = create(RestoreTaskSchema, {
    restore: { id, clusterId: "target", clusterName: "west-1", spec: create(RestoreSpecSchema, { ...options.spec, backupId: options.backupId } as MessageInitShape<typeof RestoreSpecSchema>) },
    repository: options.access,
  });
  const context: TaskContext = { kube: options.kc, taskId: `task-${id}`, signal: new AbortController().signal, progress: (u) => progress.push(u), logger: pino({ level: "silent" }) };
  return { id, result: await restoreTask.run(task, context), progress };
}
