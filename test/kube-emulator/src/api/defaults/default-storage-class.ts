import type { JsonObject, KubeObject } from "../../api-types.js";
import { forbidden } from "../../http/status-error.js";
import type { ObjectStore } from "../../store/index.js";
import { now } from "../object-meta.js";

/**
 * What a real API server does to storage objects on create, between defaulting and
 * validation: the field defaults of PersistentVolumes, claims and StorageClasses
 * (pkg/apis/core/v1/defaults.go, pkg/apis/storage/v1/defaults.go), the DefaultStorageClass
 * admission plugin (plugin/pkg/admission/storage/storageclass/setdefault) and the
 * StorageObjectInUseProtection plugin that puts the protection finalizers on
 * (plugin/pkg/admission/storage/storageobjectinuseprotection).
 */

const classesKey = "storage.k8s.io/storageclasses";
const defaultClassAnnotations = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"];

/** The StorageClasses marked default, newest first, then by name (GetDefaultClass's order). */
export function defaultStorageClasses(store: ObjectStore): KubeObject[] {
  const defaults = store.list(classesKey).items.filter((c) => defaultClassAnnotations.some((a) => c.metadata.annotations?.[a] === "true"));
  const created = (c: KubeObject) => c.metadata.creationTimestamp ?? "";
  const name = (c: KubeObject) => c.metadata.name ?? "";
  return defaults.length < 2 ? defaults : defaults.sort((a, b) => (created(a) !== created(b) ? (created(a) < created(b) ? 1 : -1) : name(a) < name(b) ? -1 : 1));
}

export function admitStorageCreate(storageKey: string, obj: KubeObject, store: ObjectStore, minor: number): KubeObject {
  switch (storageKey) {
    case "/persistentvolumeclaims":
      return withFinalizer(assignDefaultClass(defaultClaim(obj), store, minor), "kubernetes.io/pvc-protection");
    case "/persistentvolumes":
      return withFinalizer(defaultVolume(obj, minor), "kubernetes.io/pv-protection");
    case classesKey:
      return { ...obj, reclaimPolicy: obj.reclaimPolicy ?? "Delete", volumeBindingMode: obj.volumeBindingMode ?? "Immediate" };
    default:
      return obj;
  }
}

const specOf = (obj: KubeObject): JsonObject => (obj.spec && typeof obj.spec === "object" && !Array.isArray(obj.spec) ? obj.spec : {});
const statusOf = (obj: KubeObject): JsonObject => (obj.status && typeof obj.status === "object" && !Array.isArray(obj.status) ? obj.status : {});

function defaultClaim(claim: KubeObject): KubeObject {
  const spec = specOf(claim);
  return { ...claim, spec: { ...spec, volumeMode: spec.volumeMode ?? "Filesystem" }, status: { phase: "Pending", ...statusOf(claim) } };
}

function defaultVolume(volume: KubeObject, minor: number): KubeObject {
  const status: JsonObject = { phase: "Pending", ...statusOf(volume) };
  // PersistentVolumeLastPhaseTransitionTime is on by default from 1.29.
  if (minor >= 29 && status.lastPhaseTransitionTime === undefined) status.lastPhaseTransitionTime = now();
  const spec = specOf(volume);
  return { ...volume, spec: { ...spec, persistentVolumeReclaimPolicy: spec.persistentVolumeReclaimPolicy ?? "Retain", volumeMode: spec.volumeMode ?? "Filesystem" }, status };
}

/**
 * DefaultStorageClass: a claim that names no class at all gets the default one; a claim
 * with storageClassName "" asked for "no class" and keeps it. Before 1.26 two default
 * classes refuse the claim; from 1.26 the newest one wins.
 */
function assignDefaultClass(claim: KubeObject, store: ObjectStore, minor: number): KubeObject {
  const spec = specOf(claim);
  if (claim.metadata.annotations?.["volume.beta.kubernetes.io/storage-class"] !== undefined) return claim;
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return claim;
  const defaults = defaultStorageClasses(store);
  if (defaults.length === 0) return claim;
  if (defaults.length > 1 && minor < 26) {
    throw forbidden("", "persistentvolumeclaims", claim.metadata.name, `Internal error occurred: ${defaults.length} default StorageClasses were found`);
  }
  return { ...claim, spec: { ...spec, storageClassName: defaults[0]!.metadata.name ?? "" } };
}

function withFinalizer(obj: KubeObject, finalizer: string): KubeObject {
  const finalizers = obj.metadata.finalizers ?? [];
  return finalizers.includes(finalizer) ? obj : { ...obj, metadata: { ...obj.metadata, finalizers: [...finalizers, finalizer] } };
}
