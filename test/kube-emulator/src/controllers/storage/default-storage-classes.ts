import type { JsonObject, KubeObject } from "../../api-types.js";
import { newUid, now } from "../../api/object-meta.js";
import type { ObjectService } from "../../api/object-service.js";
import { annDefaultClass, classesKey, csiDriversKey, hostpathDriver } from "./storage-names.js";

/** The default class, as a kind or minikube install has one; claims that name no class get it. */
export const defaultClassName = "standard";
/** The same storage bound only once a pod using the claim is scheduled, so the volume lands on the pod's node. */
export const waitForConsumerClassName = "standard-wait";

/**
 * Seeds what a fresh cluster's storage add-on installs: two StorageClasses of the
 * emulator's CSI driver and its CSIDriver object. Stored in storage.k8s.io/v1, which every
 * persona serves StorageClasses as; CSIDriver is served as v1beta1 before 1.18.
 */
export function seedDefaultStorageClasses(service: ObjectService): void {
  const { store, minor } = service;
  store.create(classesKey, storageClass(defaultClassName, "Immediate", { [annDefaultClass]: "true" }));
  store.create(classesKey, storageClass(waitForConsumerClassName, "WaitForFirstConsumer"));
  if (service.registry.allResources().some((r) => r.storageKey === csiDriversKey)) store.create(csiDriversKey, csiDriver(minor));
}

function storageClass(name: string, volumeBindingMode: string, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name, uid: newUid(), creationTimestamp: now(), ...(annotations ? { annotations } : {}) },
    provisioner: hostpathDriver,
    reclaimPolicy: "Delete",
    volumeBindingMode,
    allowVolumeExpansion: true,
  };
}

/**
 * No attach step (the emulator has no attacher, so no VolumeAttachment objects) and no
 * pod info on mount; the other fields are the defaults the persona's API server fills in
 * (pkg/apis/storage/v1/defaults.go, each behind the feature gate of its release).
 */
function csiDriver(minor: number): KubeObject {
  const spec: JsonObject = { attachRequired: false, podInfoOnMount: false, volumeLifecycleModes: ["Persistent"] };
  if (minor >= 20) spec.fsGroupPolicy = "ReadWriteOnceWithFSType";
  if (minor >= 21) Object.assign(spec, { storageCapacity: false, requiresRepublish: false });
  if (minor >= 27) spec.seLinuxMount = false;
  return { apiVersion: "storage.k8s.io/v1", kind: "CSIDriver", metadata: { name: hostpathDriver, uid: newUid(), creationTimestamp: now() }, spec };
}
