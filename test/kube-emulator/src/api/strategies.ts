import type { JsonObject, KubeObject, ResourceInfo } from "../api-types.js";
import { isJsonObject } from "./object-meta.js";

/**
 * What the real registry strategies do to an object on its way in (pkg/registry/*):
 * reset status the client may not set, add system finalizers, apply defaults clients
 * read back. A new kind's rule is a new entry.
 */
interface Strategy {
  prepareForCreate?(obj: KubeObject, minor: number): KubeObject;
}

/** kube-apiserver's CRD cleanup finalizer: custom resources are deleted before the CRD goes. */
export const crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

const strategies: Record<string, Strategy> = {
  "/namespaces": {
    prepareForCreate: (obj, minor) => ({
      ...obj,
      // Since 1.21 every namespace carries its own name as a label (NamespaceDefaultLabelName).
      metadata: minor >= 21 ? { ...obj.metadata, labels: { ...obj.metadata.labels, "kubernetes.io/metadata.name": obj.metadata.name ?? "" } } : obj.metadata,
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    }),
  },
  "/pods": {
    prepareForCreate: (obj) => ({ ...obj, status: { phase: "Pending", qosClass: "BestEffort" } }),
  },
  "/secrets": {
    prepareForCreate: (obj) => (obj.type ? obj : { ...obj, type: "Opaque" }),
  },
  "apiextensions.k8s.io/customresourcedefinitions": {
    prepareForCreate: (obj) => {
      const finalizers = obj.metadata.finalizers ?? [];
      return finalizers.includes(crdCleanupFinalizer)
        ? obj
        : { ...obj, metadata: { ...obj.metadata, finalizers: [...finalizers, crdCleanupFinalizer] } };
    },
  },
};

/**
 * Secret.stringData is write-only: the server folds it into data, base64-encoded, on
 * every write (pkg/apis/core/v1/conversion.go), so it never reaches storage.
 */
export function foldStringData(obj: KubeObject): KubeObject {
  if (!isJsonObject(obj.stringData)) return obj;
  const data = { ...(isJsonObject(obj.data) ? obj.data : {}) };
  for (const [key, value] of Object.entries(obj.stringData)) data[key] = Buffer.from(String(value)).toString("base64");
  const { stringData: _folded, ...rest } = obj;
  return { ...rest, data } as KubeObject;
}

export function prepareForCreate(info: ResourceInfo, obj: KubeObject, minor: number): KubeObject {
  // Status is the controllers' to write: a create through the main resource drops it.
  let out = info.subresources.includes("status") ? { ...obj, status: {} } : obj;
  if ((out as JsonObject).status && Object.keys((out as JsonObject).status as JsonObject).length === 0) {
    const { status: _drop, ...rest } = out;
    out = rest as KubeObject;
  }
  return strategies[info.storageKey]?.prepareForCreate?.(out, minor) ?? out;
}
