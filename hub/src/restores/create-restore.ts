// Creating a restore: check everything first (target cluster, backup, spec, repository), then
// record the NEW restore, then queue its task on the target cluster.
import { create, toJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupPhaseSchema, RestorePhase, RestoreSchema, TaskSpecSchema, type Backup, type Restore, type RestoreSpec } from "@lifeboat/proto";
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import { isBackupId, repositoryReference, type BackupCatalog } from "../backups/index.js";
import type { NewTask, TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import { parseClusterId, type ClusterId, type TaskId } from "../store/index.js";
import { newRestoreId } from "./restore-id.js";
import type { RestoreStore } from "./restore-store.js";
import { changed } from "./track-restore-task.js";
import { validateRestoreSpec } from "./validate-restore-spec.js";

export const RESTORE_TASK_KIND = "restore";

/** A cluster as a restore records its target. */
export interface TargetCluster {
  id: string;
  name: string;
  kubernetesVersion?: string;
}

/** The clusters as creating a restore needs them: found by id or by name. */
export interface RestoreClusters {
  get(id: ClusterId): Promise<TargetCluster | undefined>;
  idOfName(name: string): Promise<string | undefined>;
}

export interface CreateRestoreDeps {
  store: RestoreStore;
  clusters: RestoreClusters;
  backups: Pick<BackupCatalog, "get">;
  directory: Pick<RepositoryDirectory, "access">;
  queue: Pick<TaskQueue, "enqueueMany">;
  now?: () => number;
}

export interface CreateRestoreRequest {
  /** The target cluster, by id or name. */
  cluster: string;
  spec: RestoreSpec;
}

// Backups whose manifest is written: a restore reads only those.
const RESTORABLE = new Set([BackupPhase.COMPLETED, BackupPhase.PARTIALLY_FAILED]);

function isClusterIdText(value: string): boolean {
  try {
    parseClusterId(value, "cluster");
    return true;
  } catch {
    return false;
  }
}

async function requireTarget(clusters: RestoreClusters, value: string): Promise<TargetCluster> {
  if (value === "") throw new LifeboatError("INVALID_ARGUMENT", "cluster is required: the target cluster's id or name", { field: "cluster" });
  // A name first, as ListBackups reads it; else the value itself as an id.
  const id = (await clusters.idOfName(value)) ?? value;
  const found = isClusterIdText(id) ? await clusters.get(id as ClusterId) : undefined;
  if (!found) throw new LifeboatError("NOT_FOUND", `cluster ${JSON.stringify(value)} not found: no cluster has this id or name`, { field: "cluster", value });
  return found;
}

async function requireBackup(backups: CreateRestoreDeps["backups"], id: string): Promise<Backup> {
  const field = "spec.backup_id";
  if (id === "") throw new LifeboatError("INVALID_ARGUMENT", `${field} is required: the id of the backup to restore`, { field });
  if (!isBackupId(id)) throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(id)} is not a backup id: expected 32 lowercase hex characters`, { field, value: id });
  let backup: Backup;
  try {
    backup = await backups.get(id);
  } catch (err) {
    if (isLifeboatError(err) && err.code === "NOT_FOUND") throw new LifeboatError("NOT_FOUND", `${field}: backup ${id} not found`, { field, value: id, cause: err });
    throw err;
  }
  if (!RESTORABLE.has(backup.phase)) {
    const phase = BackupPhaseSchema.values.find((v) => v.number === backup.phase)?.localName ?? String(backup.phase);
    throw new LifeboatError("FAILED_PRECONDITION", `${field}: backup ${id} is ${phase}; only a COMPLETED or PARTIALLY_FAILED backup can be restored`, { field, value: id });
  }
  return backup;
}

function newRestore(target: TargetCluster, backup: Backup, spec: RestoreSpec, now: number): Restore {
  const id = newRestoreId();
  return create(RestoreSchema, {
    id,
    clusterId: target.id,
    clusterName: target.name,
    spec,
    phase: RestorePhase.NEW,
    // The restore's id is its task's: a retried create step cannot queue a second task for it.
    taskId: id,
    sourceClusterId: backup.clusterId,
    sourceClusterName: backup.clusterName,
    repository: backup.spec?.repository ?? "",
    kubernetesVersion: target.kubernetesVersion ?? "",
    labels: { ...spec.labels },
    createTime: timestampFromMs(now),
  });
}

function restoreTask(restore: Restore, backup: Backup, repository: Parameters<typeof repositoryReference>[0]): NewTask {
  const spec = create(TaskSpecSchema, {
    kind: { case: "restore", value: { restore, repository: repositoryReference(repository), sourceKubernetesVersion: backup.kubernetesVersion } },
  });
  return { id: restore.taskId as TaskId, clusterId: restore.clusterId as ClusterId, kind: RESTORE_TASK_KIND, spec: toJson(TaskSpecSchema, spec) as JsonValue };
}

/**
 * Records one NEW restore and queues its task on the target cluster. An unknown cluster or backup
 * is NOT_FOUND, a backup that did not finish FAILED_PRECONDITION, a bad spec INVALID_ARGUMENT: each
 * before anything is recorded. When queueing fails the restore is marked FAILED.
 */
export async function createRestore(deps: CreateRestoreDeps, request: CreateRestoreRequest): Promise<Restore> {
  const now = (deps.now ?? Date.now)();
  const target = await requireTarget(deps.clusters, request.cluster);
  const backup = await requireBackup(deps.backups, request.spec.backupId);
  validateRestoreSpec(request.spec);
  const repositoryName = backup.spec?.repository ?? "";
  if (repositoryName === "") throw new LifeboatError("FAILED_PRECONDITION", `spec.backup_id: backup ${backup.id} names no repository`, { field: "spec.backup_id", value: backup.id });
  const repository = await deps.directory.access(repositoryName);
  const restore = newRestore(target, backup, request.spec, now);
  await deps.store.create(restore);
  try {
    await deps.queue.enqueueMany([restoreTask(restore, backup, repository)]);
  } catch (err) {
    const reason = `could not queue the restore task: ${(err as Error).message}`;
    await deps.store.update(restore.id, ({ restore: r }) => (r.phase === RestorePhase.NEW ? { restore: changed(r, { phase: RestorePhase.FAILED, failureReason: reason }) } : undefined));
    throw err;
  }
  return restore;
}
