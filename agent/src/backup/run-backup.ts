// The backup pipeline, as DESIGN.md tells it: discover → select → expand → pre hooks →
// serialize → volume data (each pod's hooks around its volumes) → post hooks → manifest, log, results.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  BackupMode,
  BackupPhase,
  BackupSummarySchema,
  BackupTaskResultSchema,
  type BackupSpec,
  type BackupSummary,
  type BackupTask,
  type BackupTaskResult,
  type RepositoryAccess,
  type VolumeBackup,
  VolumeBackupPhase,
} from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { openRepositoryWithAccess, type Repository } from "@lifeboat/shared/repo";
import type { Logger } from "pino";
import type { ProgressUpdate } from "../executor/task-kind.js";
import { createRawClient, discoverApiResources, readFingerprint, readKubernetesVersion } from "../kube/index.js";
import { BackupProgress } from "./backup-progress.js";
import { BackupReport } from "./backup-report.js";
import { createPodExecutor, type PodExecutor } from "./hooks/pod-exec.js";
import { ItemIndex } from "./item-index.js";
import { PAGE_SIZE, createApiReader, type ApiReader } from "./kube/api-reader.js";
import { rankByPreferredGroup } from "./preferred-group.js";
import { isRecordId } from "@lifeboat/shared/repo";
import { itemName } from "./resources.js";
import { collectSelectedItems } from "./stages/collect.js";
import { toBackupResources } from "./stages/discover.js";
import { expandDependencies } from "./stages/expand.js";
import { checkHooks, runHooks, runPodHooks, type HookContext, type HookPhase, type HookPod } from "./stages/hooks.js";
import { buildManifest, writeBackupRecords, writeItems, type WrittenItems } from "./stages/manifest.js";
import { selectResources, type Selection } from "./stages/select.js";
import { serializeItems, type SerializedItems } from "./stages/serialize.js";
import { checkSnapshotClass } from "../volumes/backup/csi-snapshot.js";
import { planVolumeStage, runVolumeStage, wantsVolumeData } from "../volumes/backup/volume-stage.js";
import { DEFAULT_DATA_MOVER, type DataMoverConfig } from "../volumes/data-mover-config.js";
import { createKubeObjects, type KubeObjects } from "../volumes/kube-objects.js";
import type { VolumePlan } from "../volumes/plan/plan-volumes.js";

/** What a backup run uses; tests may swap the repository opener. */
export interface BackupContext {
  kube: KubeConfig;
  signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  logger: Logger;
  /** Opens the task's repository for writing; openRepositoryWithAccess by default. */
  openRepository?(access: RepositoryAccess): Promise<Repository>;
  /** How volume data is moved; DEFAULT_DATA_MOVER by default. */
  dataMover?: Partial<DataMoverConfig>;
}

// Resources listed or serialized at once: enough to overlap API round trips and content sealing
// on a small agent without crowding the API server.
const RESOURCE_CONCURRENCY = 4;

/**
 * Backs up the cluster as `task` says, into its repository. Returns COMPLETED, or
 * PARTIALLY_FAILED when items could not be read or Continue hooks failed. Throws INVALID_ARGUMENT
 * (naming the field) for a spec this cluster cannot satisfy, FAILED_PRECONDITION when a Fail hook
 * fails, and the API's or repository's error (retryable where a retry may help) otherwise; a
 * throw leaves no manifest. Running it again with the same backup id replaces its own records.
 */
export async function runBackup(task: BackupTask, context: BackupContext): Promise<BackupTaskResult> {
  const { signal } = context;
  const backup = task.backup;
  const spec = backup?.spec;
  if (!backup || !spec) throw new LifeboatError("INVALID_ARGUMENT", "backup task has no backup spec: set backup.spec", { field: "backup.spec" });
  if (!isRecordId(backup.id)) {
    throw new LifeboatError("INVALID_ARGUMENT", `backup.id ${JSON.stringify(backup.id)} is not a record id: expected 32 lowercase hex characters`, { field: "backup.id", value: backup.id });
  }
  const isDryRun = spec.mode === BackupMode.DRY_RUN;
  if (!isDryRun && !task.repository?.url) {
    throw new LifeboatError("INVALID_ARGUMENT", `backup ${backup.id} has no repository access: set repository.url`, { field: "repository.url" });
  }
  checkHooks(spec.hooks);

  const started = new Date();
  const report = new BackupReport(context.logger.child({ backup: backup.id }));
  const progress = new BackupProgress((update) => context.progress(update));
  // One connection pool for every API call of the run.
  const client = createRawClient(context.kube);
  const api = createApiReader(context.kube, PAGE_SIZE, client);

  progress.enter("discover");
  report.stage = "discover";
  const [kubernetesVersion, clusterFingerprint, discovery] = await Promise.all([
    readKubernetesVersion(context.kube, signal),
    readFingerprint(context.kube, signal),
    discoverApiResources(context.kube, signal),
  ]);
  for (const failed of discovery.failed) report.warn(`API group version ${failed.groupVersion} did not answer discovery; its resources are not in the backup`);
  const resources = toBackupResources(discovery.resources);

  progress.enter("select");
  report.stage = "select";
  const selection = selectResources(spec, resources, await listNamespaceNames(api, signal));
  // An object two groups serve (Ingress on 1.16, Event) is one item, under the group the cluster prefers.
  const index = new ItemIndex(rankByPreferredGroup(resources));
  let dependenciesAdded = 0;
  if (spec.mode !== BackupMode.DATA_ONLY) {
    const pending = await collectSelectedItems(selection, index, {
      api,
      report,
      concurrency: RESOURCE_CONCURRENCY,
      signal,
      onResourceDone: (done, total) => progress.report(done / Math.max(1, total)),
    });
    progress.enter("expand");
    report.stage = "expand";
    dependenciesAdded = await expandDependencies(pending, index, {
      resources,
      allowsDependency: (item) => selection.allowsDependency(item),
      read: (resource, namespace, name) => api.get({ group: resource.group, version: resource.preferredVersion, resource: resource.resource }, namespace, name, signal),
      signal,
    });
  }
  progress.itemsTotal = index.size;
  report.info(`selected ${index.size} items (${dependenciesAdded} as dependencies) in ${selection.namespaces.length} namespaces`);

  const kube = createKubeObjects(context.kube, client);
  const servesSnapshots = discovery.resources.some((r) => r.group === "snapshot.storage.k8s.io" && r.resource === "volumesnapshots");
  const volumePlan = await planVolumesOf(spec, index, selection, kube, servesSnapshots, signal);
  const volumePods = new Set(volumePlan?.volumes.flatMap((v) => (v.pod ? [`${v.pod.namespace}/${v.pod.name}`] : [])) ?? []);

  if (isDryRun) {
    const summary = create(BackupSummarySchema, {
      items: BigInt(index.size),
      dependenciesAdded: BigInt(dependenciesAdded),
      dryRunItems: [...index.items()].map(itemName).sort(),
      warnings: report.warnings,
      errors: report.errors,
    });
    return resultOf(summary, report, kubernetesVersion, clusterFingerprint, started);
  }

  const open = context.openRepository ?? ((access: RepositoryAccess) => openRepositoryWithAccess(access));
  const repo = await open(task.repository!);
  try {
    // Pods whose volumes are copied run their hooks around the copy, in the volume stage.
    const hookContext = hookContextOf(api, createPodExecutor(context.kube), report, signal, (pod) => !volumePods.has(`${pod.namespace}/${pod.name}`));
    await runHookStage("pre", spec, selection, hookContext, progress, report);

    progress.enter("serialize");
    report.stage = "serialize";
    const serialized: SerializedItems = await serializeItems(index, {
      api,
      content: repo.content,
      resources,
      report,
      concurrency: RESOURCE_CONCURRENCY,
      signal,
      onProgress: (done, bytes) => {
        progress.itemsDone = done;
        progress.bytes = bytes;
        progress.report(done / Math.max(1, index.size));
      },
    });

    let volumes: VolumeBackup[] = [];
    if (volumePlan) {
      progress.enter("volumes");
      report.stage = "volumes";
      volumes = await runVolumeStage(volumePlan, {
        kube,
        backupId: backup.id,
        spec,
        clusterFingerprint,
        access: task.repository!,
        manifests: repo.manifests,
        config: { ...DEFAULT_DATA_MOVER, ...context.dataMover },
        servesSnapshots,
        podHooks: async (phase, pod) => {
          if (spec.hooks.length > 0) await runPodHooks(phase, spec.hooks, pod, hookContext);
        },
        progress,
        onFailure: (volume) => report.error(`volume ${volume.volume || volume.claim} of ${volume.namespace}/${volume.pod || volume.claim}: ${volume.reason}`, { resource: "persistentvolumeclaims", namespace: volume.namespace, name: volume.claim }),
        log: (message) => report.info(message),
        signal,
      });
      const copied = volumes.filter((v) => v.phase === VolumeBackupPhase.COMPLETED);
      report.info(`volume data: ${copied.length} copied, ${volumes.filter((v) => v.phase === VolumeBackupPhase.FAILED).length} failed, ${volumes.filter((v) => v.phase === VolumeBackupPhase.SKIPPED).length} skipped`);
    }

    await runHookStage("post", spec, selection, hookContext, progress, report);

    progress.enter("manifest");
    report.stage = "manifest";
    const written = await writeItems(repo.content, serialized.items());
    // Everything the manifest names must be stored before it is written.
    await repo.prepareCommit();
    const summary = summarize(serialized, written, dependenciesAdded, repo.content.stats.storedBytes, report, volumes);
    const result = resultOf(summary, report, kubernetesVersion, clusterFingerprint, started);
    report.info(`backup ${result.phase === BackupPhase.COMPLETED ? "completed" : "partially failed"}: ${written.itemIndex.count} items`);
    const manifest = buildManifest({
      backup,
      spec,
      phase: result.phase,
      summary,
      kubernetesVersion,
      clusterFingerprint,
      started,
      completed: new Date(),
      itemIndex: written.itemIndex,
      volumes,
    });
    await writeBackupRecords(repo, manifest, report);
    await repo.close();
    await repo.storage.close();
    progress.finish();
    return result;
  } catch (err) {
    await repo.abort().catch(() => undefined);
    await repo.storage.close().catch(() => undefined);
    throw err;
  }
}

async function runHookStage(phase: HookPhase, spec: BackupSpec, selection: Selection, hooks: HookContext, progress: BackupProgress, report: BackupReport): Promise<void> {
  progress.enter(phase === "pre" ? "pre-hooks" : "post-hooks");
  report.stage = phase === "pre" ? "pre-hooks" : "post-hooks";
  if (spec.hooks.length > 0) await runHooks(phase, spec.hooks, selection.namespaces, hooks);
}

function hookContextOf(api: ApiReader, exec: PodExecutor, report: BackupReport, signal: AbortSignal, takes: (pod: HookPod) => boolean): HookContext {
  return {
    exec,
    signal,
    onResult: (result) => report.hook(result),
    async findPods(namespace, labelSelector) {
      const pods: HookPod[] = [];
      for await (const page of api.listPages({ group: "", version: "v1", resource: "pods" }, { namespace, labelSelector, signal })) {
        for (const pod of page.items as Array<Record<string, any>>) {
          if (pod.status?.phase !== "Running") continue;
          const hookPod = { namespace, name: pod.metadata?.name ?? "", containers: ((pod.spec?.containers ?? []) as Array<{ name: string }>).map((c) => c.name) };
          if (takes(hookPod)) pods.push(hookPod);
        }
      }
      return pods;
    },
  };
}

async function listNamespaceNames(api: ApiReader, signal: AbortSignal): Promise<string[]> {
  const names: string[] = [];
  for await (const page of api.listPages({ group: "", version: "v1", resource: "namespaces" }, { signal })) {
    for (const namespace of page.items) if (namespace.metadata?.name) names.push(namespace.metadata.name);
  }
  return names;
}

function summarize(serialized: SerializedItems, written: WrittenItems, dependenciesAdded: number, bytesAdded: number, report: BackupReport, volumes: VolumeBackup[]): BackupSummary {
  return create(BackupSummarySchema, {
    items: BigInt(written.itemIndex.count),
    itemVersions: BigInt(serialized.itemVersions),
    bytes: BigInt(serialized.bytes),
    bytesAdded: BigInt(bytesAdded),
    itemsPerResource: written.perResource,
    itemsPerNamespace: written.perNamespace,
    warnings: report.warnings,
    errors: report.errors,
    hooks: report.hooks,
    dependenciesAdded: BigInt(dependenciesAdded),
    volumes,
  });
}

/**
 * The volume plan, when the spec copies volume data and the backup holds pods or claims (all of
 * the selected namespaces' in DATA_ONLY mode); checks the spec's snapshot class either way.
 */
async function planVolumesOf(spec: BackupSpec, index: ItemIndex, selection: Selection, kube: KubeObjects, servesSnapshots: boolean, signal: AbortSignal): Promise<VolumePlan | undefined> {
  await checkSnapshotClass(kube, spec.volumes?.snapshotClass ?? "", servesSnapshots, signal);
  if (spec.mode === BackupMode.RESOURCES_ONLY || !wantsVolumeData(spec)) return undefined;
  const dataOnly = spec.mode === BackupMode.DATA_ONLY;
  const namespaces = dataOnly
    ? selection.namespaces
    : [...new Set(index.resources().filter((r) => r.group === "" && (r.resource === "pods" || r.resource === "persistentvolumeclaims")).flatMap((r) => [...r.namespaces]))];
  return planVolumeStage({
    kube,
    spec,
    namespaces,
    inBackup: (resource, namespace, name) => dataOnly || index.has({ group: "", resource, namespace, name }),
    signal,
  });
}

function resultOf(summary: BackupSummary, report: BackupReport, kubernetesVersion: string, clusterFingerprint: string, started: Date): BackupTaskResult {
  const failed = report.errors.length > 0 || report.hooks.some((h) => !h.succeeded);
  return create(BackupTaskResultSchema, {
    phase: failed ? BackupPhase.PARTIALLY_FAILED : BackupPhase.COMPLETED,
    summary,
    kubernetesVersion,
    clusterFingerprint,
    startTime: timestampFromDate(started),
    completionTime: timestampFromDate(new Date()),
  });
}

