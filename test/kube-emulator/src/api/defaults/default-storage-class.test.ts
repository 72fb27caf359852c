import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api-types.js";
import { ObjectStore } from "../../store/index.js";
import { statusErrorOf } from "../../testing/status-error-of.js";
import { admitStorageCreate } from "./default-storage-class.js";

function storeWithClasses(...classes: Array<{ name: string; isDefault: boolean; created: string }>): ObjectStore {
  const store = new ObjectStore();
  for (const c of classes) {
    store.create("storage.k8s.io/storageclasses", {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: c.name, creationTimestamp: c.created, ...(c.isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } : {}) },
      provisioner: "example.com/p",
    });
  }
  return store;
}

const claim = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "data", namespace: "default" },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...spec } as KubeObject["spec"],
});

describe("storage admission on create", () => {
  const store = storeWithClasses({ name: "standard", isDefault: true, created: "2024-01-01T00:00:00Z" }, { name: "fast", isDefault: false, created: "2024-01-02T00:00:00Z" });

  it("gives a claim without storageClassName the default class, keeps an explicit one and an explicit \"\"", () => {
    expect((admitStorageCreate("/persistentvolumeclaims", claim(), store, 30).spec as any).storageClassName).toBe("standard");
    expect((admitStorageCreate("/persistentvolumeclaims", claim({ storageClassName: "fast" }), store, 30).spec as any).storageClassName).toBe("fast");
    expect((admitStorageCreate("/persistentvolumeclaims", claim({ storageClassName: "" }), store, 30).spec as any).storageClassName).toBe("");
    const annotated = { ...claim(), metadata: { ...claim().metadata, annotations: { "volume.beta.kubernetes.io/storage-class": "fast" } } };
    expect((admitStorageCreate("/persistentvolumeclaims", annotated, store, 30).spec as any).storageClassName).toBeUndefined();
  });

  it("adds the protection finalizers, the claim and volume field defaults and Pending phases", () => {
    const admitted = admitStorageCreate("/persistentvolumeclaims", claim(), store, 16);
    expect(admitted.metadata.finalizers).toEqual(["kubernetes.io/pvc-protection"]);
    expect(admitted.spec).toMatchObject({ volumeMode: "Filesystem" });
    expect(admitted.status).toEqual({ phase: "Pending" });
    const pv: KubeObject = { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv", finalizers: ["example.com/keep"] }, spec: { capacity: { storage: "1Gi" } } };
    const old = admitStorageCreate("/persistentvolumes", pv, store, 16);
    expect(old.metadata.finalizers).toEqual(["example.com/keep", "kubernetes.io/pv-protection"]);
    expect(old.spec).toMatchObject({ persistentVolumeReclaimPolicy: "Retain", volumeMode: "Filesystem" });
    expect(old.status).toEqual({ phase: "Pending" });
    expect((admitStorageCreate("/persistentvolumes", pv, store, 30).status as any).lastPhaseTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    const sc = admitStorageCreate("storage.k8s.io/storageclasses", { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "x" }, provisioner: "p" }, store, 30);
    expect(sc).toMatchObject({ reclaimPolicy: "Delete", volumeBindingMode: "Immediate" });
  });

  it("refuses a classless claim when two classes are default before 1.26, and takes the newest from 1.26", () => {
    const two = storeWithClasses({ name: "old", isDefault: true, created: "2024-01-01T00:00:00Z" }, { name: "new", isDefault: true, created: "2024-02-01T00:00:00Z" });
    const err = statusErrorOf(() => admitStorageCreate("/persistentvolumeclaims", claim(), two, 25));
    expect(err.code).toBe(403);
    expect(err.message).toBe('persistentvolumeclaims "data" is forbidden: Internal error occurred: 2 default StorageClasses were found');
    expect((admitStorageCreate("/persistentvolumeclaims", claim(), two, 26).spec as any).storageClassName).toBe("new");
  });
});
