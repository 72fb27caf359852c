// Launching backups: check everything first (clusters, spec, repository), then record one NEW
// backup per cluster, then queue one backup task per cluster.
import { create, toJson, type JsonValue } from "@bufbuild/protobuf";
import { durationMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupSchema, TaskSpecSchema, type Backup, type BackupSpec, type RepositoryAccess } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { NewTask, TaskQueue } from "../queue/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import { parseClusterId, type ClusterId, type TaskId } from "../store/index.js";
import { newBackupId } from "./backup-id.js";
import type { BackupStore } from "./backup-store.js";
import type { LaunchRequest } from "./catalog-types.js";
import { repositoryReference } from "./repository-credentials.js";
import { changed } from "./track-task.js";
import { validateBackupSpec } from "./validate-spec.js";

/** How long a backup is kept when its spec gives no ttl. */
export const DEFAULT_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const BACKUP_TASK_KIND = "backup";
const CREATE_BATCH = 500;

/** The clusters as launching needs them: the name a backup records. */
export interface BackupClusters {
  get(id: ClusterId): Promise<{ id: string; name: string } | undefined>;
}

export interface LaunchDeps {
  store: BackupStore;
  clusters: BackupClusters;
  directory: RepositoryDirectory;
  queue: Pick<TaskQueue, "enqueueMany">;
  now?: () => number;
}

async function requireClusters(clusters: BackupClusters, clusterIds: readonly string[]): Promise<{ id: string; name: string }[]> {
  const seen = new Set<string>();
  const ids = clusterIds.map((text, i) => {
    const id = parseClusterId(text, `cluster_ids[${i}]`);
    if (seen.has(id)) throw new LifeboatError("INVALID_ARGUMENT", `cluster_ids[${i}] ${id} is given twice`, { field: `cluster_ids[${i}]`, value: id });
    seen.add(id);
    return id;
  });
  if (ids.length === 0) throw new LifeboatError("INVALID_ARGUMENT", "cluster_ids is empty: name at least one cluster to back up", { field: "cluster_ids" });
  const found = await Promise.all(ids.map((id) => clusters.get(id)));
  const missing = found.findIndex((c) => c === undefined);
  if (missing >= 0) throw new LifeboatError("NOT_FOUND", `cluster ${ids[missing]} not found`, { field: `cluster_ids[${missing}]`, value: ids[missing] });
  return found.map((c) => ({ id: c!.id, name: c!.name }));
}

function newBackup(cluster: { id: string; name: string }, spec: BackupSpec, policyId: string, now: number, validationErrors: string[]): Backup {
  const ttlMs = spec.ttl ? durationMs(spec.ttl) : 0;
  const id = newBackupId();
  return create(BackupSchema, {
    id,
    clusterId: cluster.id,
    clusterName: cluster.name,
    policyId,
    spec,
    phase: validationErrors.length > 0 ? BackupPhase.FAILED_VALIDATION : BackupPhase.NEW,
    validationErrors,
    // The backup's id is its task's: a retried launch step cannot queue a second task for it.
    taskId: validationErrors.length > 0 ? "" : id,
    labels: { ...spec.labels },
    createTime: timestampFromMs(now),
    expireTime: timestampFromMs(now + (ttlMs > 0 ? ttlMs : DEFAULT_TTL_MS)),
  });
}

function backupTask(backup: Backup, repository: RepositoryAccess): NewTask {
  const spec = create(TaskSpecSchema, { kind: { case: "backup", value: { backup, repository: repositoryReference(repository) } } });
  return { id: backup.taskId as TaskId, clusterId: backup.clusterId as ClusterId, kind: BACKUP_TASK_KIND, spec: toJson(TaskSpecSchema, spec) as JsonValue };
}

/**
 * One backup per cluster (see BackupCatalog.launch). Unknown clusters and repositories are
 * refused (NOT_FOUND) before anything is recorded; an invalid spec records FAILED_VALIDATION
 * backups and queues nothing. When queueing fails the new backups are marked FAILED.
 */
export async function launchBackups(deps: LaunchDeps, request: LaunchRequest): Promise<Backup[]> {
  const now = (deps.now ?? Date.now)();
  const clusters = await requireClusters(deps.clusters, request.clusterIds);
  const errors = validateBackupSpec(request.spec);
  const repository = errors.length === 0 ? await deps.directory.access(request.spec.repository) : undefined;
  const backups = clusters.map((c) => newBackup(c, request.spec, request.policyId ?? "", now, errors));
  // Concurrent writes share the auto-pipelined connection: a fleet's fan-out costs round trips per batch, not per cluster.
  for (let start = 0; start < backups.length; start += CREATE_BATCH) {
    await Promise.all(backups.slice(start, start + CREATE_BATCH).map((b) => deps.store.create(b)));
  }
  if (!repository) return backups;
  try {
    await deps.queue.enqueueMany(backups.map((b) => backupTask(b, repository)));
  } catch (err) {
    const reason = `could not queue the backup task: ${(err as Error).message}`;
    await Promise.all(backups.map((b) => deps.store.update(b.id, ({ backup }) => (backup.phase === BackupPhase.NEW ? { backup: changed(backup, { phase: BackupPhase.FAILED, failureReason: reason }) } : undefined))));
    throw err;
  }
  return backups;
}
