// The API calls the volume data movers make, as raw JSON: a narrow interface so the planners and
// the node agent can be unit-tested with a fake, and one connection pool per process.
import type { KubeConfig } from "@kubernetes/client-node";
import { PAGE_SIZE, createApiReader, type KubeObject } from "../backup/kube/api-reader.js";
import { createRawClient, type RawClient } from "../kube/index.js";
import { REQUEST_TIMEOUT_MS, createApiWriter } from "../restore/apply/api-writer.js";

/** A resource in one version: { group: "" , version: "v1", resource: "pods", namespaced: true }. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  kind?: string;
  namespaced?: boolean;
}

export interface KubeObjects {
  get<T = KubeObject>(ref: ResourceRef, namespace: string, name: string, signal?: AbortSignal): Promise<T | undefined>;
  /** Every object of `ref` in `namespace` ("" for all or cluster-scoped) matching `labelSelector`. */
  list<T = KubeObject>(ref: ResourceRef, namespace: string, labelSelector?: string, signal?: AbortSignal): Promise<T[]>;
  create<T = KubeObject>(ref: ResourceRef, namespace: string, body: object, signal?: AbortSignal): Promise<T>;
  mergePatch<T = KubeObject>(ref: ResourceRef, namespace: string, name: string, patch: object, signal?: AbortSignal): Promise<T>;
  /** False when it was already gone. */
  delete(ref: ResourceRef, namespace: string, name: string, signal?: AbortSignal): Promise<boolean>;
}

export const CORE = {
  pods: { group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true },
  claims: { group: "", version: "v1", resource: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true },
  volumes: { group: "", version: "v1", resource: "persistentvolumes", kind: "PersistentVolume", namespaced: false },
  secrets: { group: "", version: "v1", resource: "secrets", kind: "Secret", namespaced: true },
  namespaces: { group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false },
  nodes: { group: "", version: "v1", resource: "nodes", kind: "Node", namespaced: false },
  storageClasses: { group: "storage.k8s.io", version: "v1", resource: "storageclasses", kind: "StorageClass", namespaced: false },
  crds: { group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false },
} as const satisfies Record<string, ResourceRef>;

/** Reads and writes over `client` (one connection pool with the run's other API users; a new one by default). */
export function createKubeObjects(kc: KubeConfig, client: RawClient = createRawClient(kc)): KubeObjects {
  const reader = createApiReader(kc, PAGE_SIZE, client);
  const writer = createApiWriter(kc, REQUEST_TIMEOUT_MS, client);
  const to = (ref: ResourceRef) => ({ group: ref.group, version: ref.version, resource: ref.resource, kind: ref.kind ?? "", namespaced: ref.namespaced ?? true });
  return {
    async get<T>(ref: ResourceRef, namespace: string, name: string, signal?: AbortSignal) {
      return (await reader.get(ref, namespace, name, signal)) as T | undefined;
    },
    async list<T>(ref: ResourceRef, namespace: string, labelSelector?: string, signal?: AbortSignal) {
      const items: T[] = [];
      const options = { ...(namespace ? { namespace } : {}), ...(labelSelector ? { labelSelector } : {}), signal };
      for await (const page of reader.listPages(ref, options)) items.push(...(page.items as T[]));
      return items;
    },
    async create<T>(ref: ResourceRef, namespace: string, body: object, signal?: AbortSignal) {
      return (await writer.create({ to: to(ref), namespace, name: "" }, body as never, signal)) as T;
    },
    async mergePatch<T>(ref: ResourceRef, namespace: string, name: string, patch: object, signal?: AbortSignal) {
      return (await writer.mergePatch({ to: to(ref), namespace, name }, patch, signal)) as T;
    },
    delete(ref: ResourceRef, namespace: string, name: string, signal?: AbortSignal) {
      return writer.delete({ to: to(ref), namespace, name }, signal);
    },
  };
}
