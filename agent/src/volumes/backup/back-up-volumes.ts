// The volume stage of a backup: each planned volume copied by the node agent of its node, pod by
// pod with the pod's pre hooks before its volumes are copied (or their snapshots cut) and its post
// hooks after. A volume that cannot be copied fails alone, with its reason; a Fail hook stops the
// backup.
import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { VolumeBackupPhase, VolumeBackupSchema, VolumePolicy, type VolumeBackup } from "@lifeboat/proto";
import pLimit from "p-limit";
import { BACKUP_ID_LABEL, type VolumeBackupResult, type VolumeBackupSpec } from "../contract.js";
import type { KubeObjects } from "../kube-objects.js";
import { MOVER_VOLUME, type RunningMover } from "../mover-pod.js";
import type { PlannedVolume, VolumePod } from "../plan/plan-volumes.js";
import { shortHash } from "../repository-secret.js";
import type { VolumeStageProgress } from "../volume-progress.js";
import { runVolumeTask } from "../volume-task.js";
import { copyFromSnapshot } from "./csi-snapshot.js";
import type { ParentSnapshots } from "./parent-snapshots.js";

export interface VolumeBackupContext {
  kube: KubeObjects;
  backupId: string;
  /** The agents' namespace, where the VolumeBackups and the repository Secret are. */
  namespace: string;
  repositorySecret: string;
  parents: ParentSnapshots;
  snapshotClass: string;
  moverImage: string;
  /** How long a copy may go without progress, and a snapshot or mover pod may take to be ready. */
  stallTimeoutMs: number;
  /** Runs the pod's pre or post hooks; throws when a Fail hook fails. */
  podHooks(phase: "pre" | "post", pod: VolumePod): Promise<void>;
  progress: VolumeStageProgress;
  /** Told of each failed volume. */
  onFailure(volume: VolumeBackup): void;
  /** The backup's log. */
  log(message: string): void;
  /** Pods whose volumes are copied at once. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** Copies every planned volume and returns what became of each, in plan order. */
export async function backUpVolumes(planned: readonly PlannedVolume[], context: VolumeBackupContext): Promise<VolumeBackup[]> {
  const results = new Map<PlannedVolume, VolumeBackup>();
  const limit = pLimit(context.concurrency ?? 4);
  await Promise.all(
    groupByPod(planned).map((group) =>
      limit(async () => {
        for (const [volume, result] of await backUpPodVolumes(group, context)) results.set(volume, result);
      }),
    ),
  );
  return planned.map((volume) => results.get(volume)!);
}

/** Volumes one pod mounts go together (their hooks wrap them); a claim without a pod is its own group. */
function groupByPod(planned: readonly PlannedVolume[]): PlannedVolume[][] {
  const groups = new Map<string, PlannedVolume[]>();
  for (const volume of planned) {
    const key = volume.pod ? `pod:${volume.namespace}/${volume.pod.name}` : `claim:${volume.key}`;
    groups.set(key, [...(groups.get(key) ?? []), volume]);
  }
  return [...groups.values()];
}

async function backUpPodVolumes(group: PlannedVolume[], context: VolumeBackupContext): Promise<Array<[PlannedVolume, VolumeBackup]>> {
  const pod = group[0]!.pod;
  if (pod) await context.podHooks("pre", pod);
  // A snapshot's copy needs only the cut inside the hooks; a file copy needs the whole copy.
  const cuts: Array<Promise<void>> = [];
  const copies = group.map((volume) => {
    let cut!: () => void;
    cuts.push(new Promise<void>((resolve) => (cut = resolve)));
    return backUpOne(volume, context, async () => cut()).finally(() => cut());
  });
  if (pod) {
    const postHooks = Promise.all(cuts).then(() => context.podHooks("post", pod));
    // A Fail post hook fails the backup; the copies still settle first so nothing is left running.
    const [settledPost] = await Promise.allSettled([postHooks, Promise.allSettled(copies)]);
    if (settledPost.status === "rejected") throw settledPost.reason;
  }
  const done = await Promise.all(copies);
  return group.map((volume, i) => [volume, done[i]!]);
}

async function backUpOne(volume: PlannedVolume, context: VolumeBackupContext, afterCut: () => Promise<void>): Promise<VolumeBackup> {
  const started = Date.now();
  const parentSnapshot = context.parents.get(volume.key);
  const parent = parentSnapshot?.tree ?? "";
  const base = {
    namespace: volume.namespace,
    pod: volume.pod?.name ?? "",
    volume: volume.volume,
    claim: volume.claim,
    persistentVolume: volume.persistentVolume,
    storageClass: volume.storageClass,
    driver: volume.driver,
    mode: volume.mode,
    capacity: volume.capacity,
  };
  const copyOn = async (where: { node: string; pod: { namespace: string; name: string; uid: string }; volume: string; dirName: string }) => {
    const spec: VolumeBackupSpec = {
      ...where,
      backupId: context.backupId,
      repositorySecret: context.repositorySecret,
      ...(parentSnapshot ? { parentTree: parentSnapshot.tree, expected: { bytes: parentSnapshot.bytes, files: parentSnapshot.files } } : {}),
    };
    const { result, attempt } = await runVolumeTask<VolumeBackupSpec, VolumeBackupResult>(context.kube, "backups", spec, {
      namespace: context.namespace,
      name: `vb-${shortHash(`${context.backupId}/${volume.key}`, 20)}`,
      labels: { [BACKUP_ID_LABEL]: context.backupId },
      stallTimeoutMs: context.stallTimeoutMs,
      signal: context.signal,
      onProgress: (progress) => context.progress.update(volume.key, progress),
    });
    if (attempt > 1) context.log(`volume ${volume.key} copied on attempt ${attempt}: the node agent of ${where.node} restarted during the copy`);
    return { result, node: where.node };
  };
  try {
    let copied: { result: VolumeBackupResult; node: string };
    let snapshotClass = "";
    if (volume.mode === VolumePolicy.SNAPSHOT) {
      const fromSnapshot = await copyFromSnapshot(
        volume,
        { kube: context.kube, backupId: context.backupId, snapshotClass: context.snapshotClass, moverImage: context.moverImage, timeoutMs: context.stallTimeoutMs, signal: context.signal },
        afterCut,
        (mover: RunningMover) => copyOn({ node: mover.node, pod: { namespace: volume.namespace, name: mover.name, uid: mover.uid }, volume: MOVER_VOLUME, dirName: mover.persistentVolume }),
      );
      copied = fromSnapshot.value;
      snapshotClass = fromSnapshot.snapshotClass;
    } else {
      const pod = volume.pod!;
      copied = await copyOn({ node: pod.node, pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid }, volume: volume.volume, dirName: volume.dirName });
    }
    const { result } = copied;
    context.progress.finish(volume.key, result.bytes);
    return create(VolumeBackupSchema, {
      ...base,
      phase: VolumeBackupPhase.COMPLETED,
      snapshotId: result.tree,
      parentSnapshotId: parent,
      bytes: BigInt(result.bytes),
      files: BigInt(result.files),
      bytesRead: BigInt(result.readBytes),
      filesReused: BigInt(result.reusedFiles),
      node: copied.node,
      snapshotClass,
      duration: durationFromMs(Date.now() - started),
    });
  } catch (err) {
    context.signal?.throwIfAborted();
    context.progress.finish(volume.key);
    const failed = create(VolumeBackupSchema, { ...base, phase: VolumeBackupPhase.FAILED, reason: (err as Error).message, duration: durationFromMs(Date.now() - started) });
    context.onFailure(failed);
    return failed;
  }
}
