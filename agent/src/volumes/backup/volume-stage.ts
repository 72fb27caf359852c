// The backup's volume stage as the pipeline sees it: plan (which volumes, how) once the items are
// known, then copy, returning each volume's result for the summary and manifest.
import { durationMs } from "@bufbuild/protobuf/wkt";
import { VolumePolicy, type BackupSpec, type RepositoryAccess, type VolumeBackup } from "@lifeboat/proto";
import type { Repository } from "@lifeboat/shared/repo";
import { BACKUP_ID_LABEL } from "../contract.js";
import { ensureDataMoverSetup } from "../data-mover-setup.js";
import type { DataMoverConfig } from "../data-mover-config.js";
import { CORE, type KubeObjects } from "../kube-objects.js";
import { planVolumes, type VolumePlan, type VolumePod } from "../plan/plan-volumes.js";
import { deleteRepositorySecret, putRepositorySecret } from "../repository-secret.js";
import { VolumeStageProgress, type CounterSink } from "../volume-progress.js";
import { deleteVolumeTasks } from "../volume-task.js";
import { backUpVolumes } from "./back-up-volumes.js";
import { deleteLeftoverSnapshotObjects } from "./csi-snapshot.js";
import { findParentSnapshots, type ParentSnapshot } from "./parent-snapshots.js";

type Json = Record<string, any>;

/** Whether the spec asks for any volume data at all. */
export function wantsVolumeData(spec: BackupSpec): boolean {
  const options = spec.volumes;
  const copies = (p: VolumePolicy | undefined) => p === VolumePolicy.FS || p === VolumePolicy.SNAPSHOT;
  return copies(options?.defaultPolicy) || Object.values(options?.storageClassPolicies ?? {}).some(copies);
}

export interface PlanVolumeStageInput {
  kube: KubeObjects;
  spec: BackupSpec;
  /** The backup's pods and claims, by "namespace/name". */
  inBackup(resource: "pods" | "persistentvolumeclaims", namespace: string, name: string): boolean;
  /** Namespaces that hold the backup's pods or claims. */
  namespaces: readonly string[];
  signal?: AbortSignal;
}

/** Reads the backup's pods, claims and volumes and plans their data. */
export async function planVolumeStage(input: PlanVolumeStageInput): Promise<VolumePlan> {
  const { kube, signal } = input;
  const pods: Json[] = [];
  const claims: Json[] = [];
  for (const namespace of input.namespaces) {
    for (const pod of await kube.list<Json>(CORE.pods, namespace, undefined, signal)) if (input.inBackup("pods", namespace, pod.metadata?.name)) pods.push(pod);
    for (const claim of await kube.list<Json>(CORE.claims, namespace, undefined, signal)) if (input.inBackup("persistentvolumeclaims", namespace, claim.metadata?.name)) claims.push(claim);
  }
  const volumes = new Map<string, Json>();
  for (const claim of claims) {
    const pvName = claim.spec?.volumeName;
    if (typeof pvName !== "string" || !pvName || volumes.has(pvName)) continue;
    const pv = await kube.get<Json>(CORE.volumes, "", pvName, signal);
    if (pv) volumes.set(pvName, pv);
  }
  return planVolumes({ pods, claims, volumes, options: input.spec.volumes });
}

export interface RunVolumeStageInput {
  kube: KubeObjects;
  backupId: string;
  spec: BackupSpec;
  clusterFingerprint: string;
  access: RepositoryAccess;
  manifests: Repository["manifests"];
  config: DataMoverConfig;
  servesSnapshots: boolean;
  podHooks(phase: "pre" | "post", pod: VolumePod): Promise<void>;
  progress: CounterSink;
  onFailure(volume: VolumeBackup): void;
  log(message: string): void;
  signal?: AbortSignal;
}

/** Copies the plan's volumes; returns every volume's result, skipped ones included. */
export async function runVolumeStage(plan: VolumePlan, input: RunVolumeStageInput): Promise<VolumeBackup[]> {
  const { kube, config, signal } = input;
  for (const note of plan.notes) input.log(note);
  if (plan.volumes.length === 0) return plan.skipped;
  await ensureDataMoverSetup(kube, config.namespace, signal);
  const left = await deleteLeftoverSnapshotObjects(kube, input.backupId, input.servesSnapshots, signal);
  if (left > 0) input.log(`deleted ${left} temporary snapshot objects an earlier attempt of this backup left`);
  const parents = input.spec.volumes?.full
    ? new Map<string, ParentSnapshot>()
    : await findParentSnapshots(input.manifests, input.clusterFingerprint, new Set(plan.volumes.map((v) => v.key)), input.backupId);
  const labels = { [BACKUP_ID_LABEL]: input.backupId };
  const secret = await putRepositorySecret(kube, config.namespace, labels, input.backupId, input.access, signal);
  try {
    const timeout = input.spec.volumes?.timeout ? durationMs(input.spec.volumes.timeout) : 0;
    const copied = await backUpVolumes(plan.volumes, {
      kube,
      backupId: input.backupId,
      namespace: config.namespace,
      repositorySecret: secret,
      parents,
      snapshotClass: input.spec.volumes?.snapshotClass ?? "",
      moverImage: config.moverImage,
      stallTimeoutMs: timeout > 0 ? timeout : config.stallTimeoutMs,
      podHooks: input.podHooks,
      progress: new VolumeStageProgress(input.progress, plan.volumes.length),
      onFailure: input.onFailure,
      log: input.log,
      signal,
    });
    return [...copied, ...plan.skipped];
  } finally {
    await deleteRepositorySecret(kube, config.namespace, secret);
    // The VolumeBackups have served their purpose once their results are in the summary.
    await deleteVolumeTasks(kube, "backups", config.namespace, `${BACKUP_ID_LABEL}=${input.backupId}`);
  }
}
