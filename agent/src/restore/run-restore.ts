// The restore pipeline, as docs/restore.md tells it: read the backup's manifest and item index →
// filter → plan (version choice, namespace mapping) → order into tiers → apply, each item read,
// converted, sanitized and transformed only when its turn comes → restore exec hooks → results.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { KubeConfig } from "@kubernetes/client-node";
import { ExistingResourcePolicy, RestorePhase, RestoreTaskResultSchema, type RepositoryAccess, type RestoreTask, type RestoreTaskResult, type VolumeBackup } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { getBackupManifest, isRecordId, openRepositoryWithAccess, readItemIndex, restoreRecordName, type BackupItem, type Repository } from "@lifeboat/shared/repo";
import { parseRestoreOptions } from "@lifeboat/shared/restore";
import type { Logger } from "pino";
import { BackupReport } from "../backup/backup-report.js";
import { itemName } from "../backup/resources.js";
import { toBackupResources } from "../backup/stages/discover.js";
import type { ProgressUpdate } from "../executor/task-kind.js";
import { createRawClient, discoverApiResources, readKubernetesVersion } from "../kube/index.js";
import { applyTiers } from "./apply/apply-tiers.js";
import { REQUEST_TIMEOUT_MS, createApiWriter } from "./apply/api-writer.js";
import { orderIntoTiers } from "./apply/tiers.js";
import { createPodExecutor } from "../backup/hooks/pod-exec.js";
import { RestoreProgress } from "./restore-progress.js";
import { runRestoreExecHooks } from "./stages/exec-hooks.js";
import { filterItems } from "./stages/filter.js";
import { checkTargetNamespaces } from "./stages/target-namespaces.js";
import { planItems } from "./stages/plan.js";
import { createItemLoader } from "./stages/load-item.js";
import { RestoreResults } from "./stages/results.js";
import type { KubeObject } from "./types.js";
import { DEFAULT_DATA_MOVER, type DataMoverConfig } from "../volumes/data-mover-config.js";
import { createKubeObjects } from "../volumes/kube-objects.js";
import { VolumeRestorer } from "../volumes/restore/restore-volumes.js";
import { checkStorageClassMapping, claimKeyOf, restoreClaimData, volumesReplacedByData } from "../volumes/restore/claim-data.js";
import { copiedClaims } from "../volumes/restore/volume-sources.js";

/** What a restore run uses; tests may swap the repository opener. */
export interface RestoreContext {
  kube: KubeConfig;
  signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  logger: Logger;
  /** Opens the task's repository (read-only, plus the restore's own records); openRepositoryWithAccess by default. */
  openRepository?(access: RepositoryAccess): Promise<Repository>;
  /** How volume data is moved; DEFAULT_DATA_MOVER by default. */
  dataMover?: Partial<DataMoverConfig>;
}

const POD = { group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true };

// Items applied at once: enough to overlap API round trips without crowding the API server.
const APPLY_CONCURRENCY = 32;

/**
 * Restores the task's backup into this cluster. Returns COMPLETED, or PARTIALLY_FAILED when items
 * failed (each with its reason in the results). Throws INVALID_ARGUMENT (naming the field) for a
 * spec this cluster cannot take, before anything is applied, and the repository's or API's error
 * when the restore cannot go on. A retried attempt of the same restore counts what an earlier
 * attempt created as created, once.
 */
export async function runRestore(task: RestoreTask, context: RestoreContext): Promise<RestoreTaskResult> {
  const { signal } = context;
  const restore = task.restore;
  const spec = restore?.spec;
  if (!restore || !spec) throw new LifeboatError("INVALID_ARGUMENT", "restore task has no restore spec: set restore.spec", { field: "restore.spec" });
  for (const [field, id] of [["restore.id", restore.id], ["restore.spec.backup_id", spec.backupId]] as const) {
    if (!isRecordId(id)) throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(id)} is not a record id: expected 32 lowercase hex characters`, { field, value: id });
  }
  if (!task.repository?.url) throw new LifeboatError("INVALID_ARGUMENT", `restore ${restore.id} has no repository access: set repository.url`, { field: "repository.url" });
  const options = parseRestoreOptions(spec);

  const started = new Date();
  const report = new BackupReport(context.logger.child({ restore: restore.id }));
  const progress = new RestoreProgress((update) => context.progress(update));
  // Items are small blobs, opened on this thread (a round trip to a codec worker costs more), so
  // the restore starts no worker threads.
  const open = context.openRepository ?? ((access: RepositoryAccess) => openRepositoryWithAccess(access, { write: false, workers: 0 }));
  const repo = await open(task.repository);
  try {
    progress.enter("read");
    report.stage = "read";
    const [kubernetesVersion, discovery, manifest] = await Promise.all([
      readKubernetesVersion(context.kube, signal),
      discoverApiResources(context.kube, signal),
      getBackupManifest(repo.manifests, spec.backupId),
    ]);
    for (const failed of discovery.failed) report.warn(`API group version ${failed.groupVersion} did not answer discovery; items of its resources may fail`);
    const target = toBackupResources(discovery.resources);
    const items: BackupItem[] = [];
    for await (const item of readItemIndex(repo.content, manifest.itemIndex)) items.push(item);
    report.info(`backup ${manifest.id} of cluster ${manifest.clusterName ?? manifest.cluster} (Kubernetes ${manifest.kubernetesVersion}): ${items.length} items`);

    progress.enter("filter");
    report.stage = "filter";
    const readJson = async (item: BackupItem): Promise<KubeObject> => JSON.parse(Buffer.from(await repo.content.getContent(item.content)).toString("utf8")) as KubeObject;
    const selected = await filterItems(items, spec, { target, readJson });

    progress.enter("plan");
    report.stage = "plan";
    const results = new RestoreResults();
    const withData = spec.skipVolumeData ? new Map<string, VolumeBackup>() : copiedClaims(manifest.volumeSnapshots);
    const volumeSkip = volumesReplacedByData(selected, withData);
    const plan = planItems(selected, target, options, (result) => results.add(result), volumeSkip);
    // One connection pool for the apply stage and the volume data.
    const client = createRawClient(context.kube);
    const writer = createApiWriter(context.kube, REQUEST_TIMEOUT_MS, client);
    const kube = createKubeObjects(context.kube, client);
    await checkTargetNamespaces(plan.items, writer, signal);
    await checkStorageClassMapping(options.storageClassMapping, selected, kube, signal);
    progress.itemsTotal = plan.items.length + results.size;
    progress.itemsDone = results.size;
    report.info(`restoring ${plan.items.length} of ${selected.length} selected items (${results.size} not restorable here)`);

    if (spec.dryRun) {
      const dryRunItems = plan.items.map((item) => `${itemName({ ...item.to, namespace: item.namespace, name: item.name })}${item.conversion ? ` (${item.conversion})` : ""}`);
      return resultOf(results.summary(report, dryRunItems.sort()), results, kubernetesVersion, started);
    }

    progress.enter("apply");
    report.stage = "apply";
    const restorer = new VolumeRestorer({
      kube,
      restoreId: restore.id,
      access: task.repository,
      config: { ...DEFAULT_DATA_MOVER, ...context.dataMover },
      progress,
      planned: plan.items.filter((item) => withData.has(claimKeyOf(item))).length,
      onFailure: (volume) => report.error(`volume data of claim ${volume.namespace}/${volume.claim}: ${volume.error}`, { resource: "persistentvolumeclaims", namespace: volume.namespace, name: volume.claim }),
      signal,
    });
    const load = createItemLoader({ content: repo.content, options, preserveNodePorts: spec.preserveNodePorts, restoreId: restore.id, backupId: spec.backupId, planned: plan.items });
    await applyTiers(orderIntoTiers(plan.items), {
      kube: context.kube,
      writer,
      policy: spec.existingResourcePolicy === ExistingResourcePolicy.UPDATE ? "update" : "skip",
      concurrency: APPLY_CONCURRENCY,
      restoreId: restore.id,
      signal,
      load,
      onResult: (result) => {
        results.add(result);
        if (result.outcome === "failed") report.error(`${result.item.to.resource} ${result.item.namespace}/${result.item.name}: ${result.message ?? "failed"}`, { resource: result.item.to.resource, namespace: result.item.namespace, name: result.item.name });
        progress.itemsDone = results.size;
        progress.report(results.size / Math.max(1, progress.itemsTotal));
      },
      afterTier: (tierResults) => restoreClaimData(tierResults, withData, restorer),
    }).finally(() => restorer.finish());

    progress.enter("hooks");
    report.stage = "hooks";
    if (options.hooks.some((hook) => hook.exec.length > 0)) {
      await runRestoreExecHooks(options.hooks, results.restoredPods(), {
        exec: createPodExecutor(context.kube),
        readPod: (namespace, name) => writer.get({ to: POD, namespace, name }, signal),
        onResult: (hook) => report.hook(hook),
        signal,
      });
    }

    progress.enter("results");
    report.stage = "results";
    const summary = results.summary(report);
    summary.volumes = restorer.results;
    const result = resultOf(summary, results, kubernetesVersion, started);
    report.info(`restore ${result.phase === RestorePhase.COMPLETED ? "completed" : "partially failed"}: ${results.counts.created} created, ${results.counts.updated} updated, ${results.counts.skipped} skipped, ${results.counts.failed} failed`);
    await repo.manifests.put(restoreRecordName(restore.id, "results"), results.record());
    await repo.manifests.put(restoreRecordName(restore.id, "log"), { entries: report.log });
    progress.finish();
    return result;
  } finally {
    await repo.close().catch(() => undefined);
    await repo.storage.close().catch(() => undefined);
  }
}

function resultOf(summary: RestoreTaskResult["summary"], results: RestoreResults, kubernetesVersion: string, started: Date): RestoreTaskResult {
  return create(RestoreTaskResultSchema, {
    phase: results.counts.failed > 0 || (summary?.errors.length ?? 0) > 0 ? RestorePhase.PARTIALLY_FAILED : RestorePhase.COMPLETED,
    summary,
    kubernetesVersion,
    startTime: timestampFromDate(started),
    completionTime: timestampFromDate(new Date()),
  });
}
