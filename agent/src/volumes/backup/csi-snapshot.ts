// CSI snapshot mode: a VolumeSnapshot of the claim cuts a point-in-time copy; a temporary claim
// made from it and a data-mover pod mounting that claim put the copy on a node, where the node
// agent moves it into the repository. Every temporary object carries the backup's label and is
// deleted afterwards, also after a failure; a retried backup deletes what an earlier attempt left.
import { LifeboatError } from "@lifeboat/shared";
import { BACKUP_ID_LABEL } from "../contract.js";
import { waitUntil } from "../data-mover-setup.js";
import { CORE, type KubeObjects, type ResourceRef } from "../kube-objects.js";
import { deleteMoverPod, startMoverPod, type RunningMover } from "../mover-pod.js";
import { shortHash } from "../repository-secret.js";
import type { PlannedVolume } from "../plan/plan-volumes.js";

type Json = Record<string, any>;

export const SNAPSHOTS: ResourceRef = { group: "snapshot.storage.k8s.io", version: "v1", resource: "volumesnapshots", kind: "VolumeSnapshot", namespaced: true };
export const SNAPSHOT_CLASSES: ResourceRef = { group: "snapshot.storage.k8s.io", version: "v1", resource: "volumesnapshotclasses", kind: "VolumeSnapshotClass", namespaced: false };
const DEFAULT_CLASS_ANNOTATION = "snapshot.storage.kubernetes.io/is-default-class";

export interface SnapshotCopyContext {
  kube: KubeObjects;
  backupId: string;
  /** The spec's class; the driver's default class when empty. */
  snapshotClass: string;
  moverImage: string;
  /** How long the snapshot may take to be ready, and the mover pod to start. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Cuts the snapshot, calls `afterCut` (the pod's post hooks: a freeze need only last until the
 * cut), then puts the snapshot's data on a node and calls `copy` with the mover pod. Returns what
 * `copy` returns and the class used; the temporary objects are gone when it settles.
 */
export async function copyFromSnapshot<T>(volume: PlannedVolume, context: SnapshotCopyContext, afterCut: () => Promise<void>, copy: (mover: RunningMover) => Promise<T>): Promise<{ value: T; snapshotClass: string }> {
  const { kube, signal } = context;
  const name = `lifeboat-${shortHash(`${context.backupId}/${volume.key}`, 16)}`;
  const labels = { [BACKUP_ID_LABEL]: context.backupId };
  const snapshotClass = context.snapshotClass || (await defaultSnapshotClass(kube, volume.driver, signal));
  let afterCutDone = false;
  try {
    if (!(await kube.get(SNAPSHOTS, volume.namespace, name, signal))) {
      await kube.create(SNAPSHOTS, volume.namespace, {
        apiVersion: "snapshot.storage.k8s.io/v1",
        kind: "VolumeSnapshot",
        metadata: { name, namespace: volume.namespace, labels },
        spec: { volumeSnapshotClassName: snapshotClass, source: { persistentVolumeClaimName: volume.claim } },
      }, signal);
    }
    const restoreSize = await waitForSnapshot(kube, volume, name, context.timeoutMs, signal);
    afterCutDone = true;
    await afterCut();
    if (!(await kube.get(CORE.claims, volume.namespace, name, signal))) {
      await kube.create(CORE.claims, volume.namespace, {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name, namespace: volume.namespace, labels },
        spec: {
          accessModes: ["ReadWriteOnce"],
          ...(volume.storageClass ? { storageClassName: volume.storageClass } : {}),
          resources: { requests: { storage: restoreSize || volume.capacity || "1Gi" } },
          dataSource: { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name },
        },
      }, signal);
    }
    const mover = await startMoverPod(kube, { namespace: volume.namespace, name, claim: name, labels, image: context.moverImage, readOnly: true }, context.timeoutMs, signal);
    return { value: await copy(mover), snapshotClass };
  } finally {
    if (!afterCutDone) await afterCut().catch(() => undefined);
    await deleteSnapshotObjects(kube, volume.namespace, name);
  }
}

/** Deletes what copyFromSnapshot made for one volume: the pod, then the claim, then the snapshot. */
async function deleteSnapshotObjects(kube: KubeObjects, namespace: string, name: string): Promise<void> {
  await deleteMoverPod(kube, namespace, name).catch(() => undefined);
  await kube.delete(CORE.claims, namespace, name).catch(() => undefined);
  await kube.delete(SNAPSHOTS, namespace, name).catch(() => undefined);
}

/** Deletes every temporary object an earlier attempt of the backup left, in any namespace. */
export async function deleteLeftoverSnapshotObjects(kube: KubeObjects, backupId: string, servesSnapshots: boolean, signal?: AbortSignal): Promise<number> {
  const selector = `${BACKUP_ID_LABEL}=${backupId}`;
  const names = new Set<string>();
  for (const ref of [CORE.pods, CORE.claims, ...(servesSnapshots ? [SNAPSHOTS] : [])]) {
    for (const obj of await kube.list<Json>(ref, "", selector, signal)) names.add(`${obj.metadata.namespace}/${obj.metadata.name}`);
  }
  for (const key of names) {
    const [namespace, name] = key.split("/") as [string, string];
    await deleteSnapshotObjects(kube, namespace, name);
  }
  return names.size;
}

async function waitForSnapshot(kube: KubeObjects, volume: PlannedVolume, name: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  let restoreSize = "";
  await waitUntil(async () => {
    const snapshot = await kube.get<Json>(SNAPSHOTS, volume.namespace, name, signal);
    const status = snapshot?.status ?? {};
    if (status.error?.message) throw new LifeboatError("FAILED_PRECONDITION", `VolumeSnapshot ${volume.namespace}/${name} of claim ${volume.claim} failed: ${status.error.message}`);
    restoreSize = String(status.restoreSize ?? "");
    return status.readyToUse === true;
  }, timeoutMs, `VolumeSnapshot ${volume.namespace}/${name} of claim ${volume.claim} was not ready`, signal);
  return restoreSize;
}

/** The class annotated default for `driver`, else the only class of that driver. */
async function defaultSnapshotClass(kube: KubeObjects, driver: string, signal?: AbortSignal): Promise<string> {
  const classes = (await kube.list<Json>(SNAPSHOT_CLASSES, "", undefined, signal)).filter((c) => c.driver === driver);
  const chosen = classes.find((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true") ?? (classes.length === 1 ? classes[0] : undefined);
  if (!chosen) {
    throw new LifeboatError(
      "FAILED_PRECONDITION",
      classes.length === 0
        ? `no VolumeSnapshotClass for CSI driver ${driver}: create one, or name one in spec.volumes.snapshot_class`
        : `${classes.length} VolumeSnapshotClasses for CSI driver ${driver} and none is the default: name one in spec.volumes.snapshot_class`,
    );
  }
  return String(chosen.metadata.name);
}

/**
 * Checks, before the backup writes anything, that the spec's snapshot class exists (INVALID_ARGUMENT
 * naming it and the classes there are otherwise). Returns whether the cluster serves VolumeSnapshots.
 */
export async function checkSnapshotClass(kube: KubeObjects, snapshotClass: string, servesSnapshots: boolean, signal?: AbortSignal): Promise<void> {
  if (!snapshotClass) return;
  const field = "spec.volumes.snapshot_class";
  if (!servesSnapshots) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} names VolumeSnapshotClass "${snapshotClass}", but this cluster does not serve snapshot.storage.k8s.io/v1 VolumeSnapshots (install the CSI snapshot CRDs and controller)`, { field, value: snapshotClass });
  }
  if (await kube.get(SNAPSHOT_CLASSES, "", snapshotClass, signal)) return;
  const names = (await kube.list<Json>(SNAPSHOT_CLASSES, "", undefined, signal)).map((c) => String(c.metadata?.name));
  throw new LifeboatError("INVALID_ARGUMENT", `${field}: VolumeSnapshotClass "${snapshotClass}" does not exist in this cluster; it has ${names.length ? names.join(", ") : "none"}`, { field, value: snapshotClass });
}
