import { create } from "@bufbuild/protobuf";
import { timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import { CoreV1Api, StorageV1Api, type KubeConfig, type V1Namespace, type V1Node, type V1StorageClass } from "@kubernetes/client-node";
import {
  ApiResourceSchema,
  InventoryNamespaceSchema,
  InventoryNodeSchema,
  InventorySchema,
  InventoryStorageClassSchema,
  type ApiResource,
  type Inventory,
  type InventoryNamespace,
  type InventoryNode,
  type InventoryStorageClass,
} from "@lifeboat/proto";
import { discoverApiResources, type DiscoveredResource, type FailedGroupVersion } from "./discovery.js";
import { toKubeError } from "./kube-error.js";
import { listAllPages } from "./list-pages.js";
import { withSignal } from "./request-options.js";
import { readKubernetesVersion } from "./version.js";

// The annotation that marks the default StorageClass, and its beta spelling, which the API server
// still honours on classes made before storage.k8s.io/v1 (https://kubernetes.io/docs/concepts/storage/storage-classes/#default-storageclass).
const DEFAULT_CLASS_ANNOTATIONS = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"];

export interface InventoryContext {
  signal?: AbortSignal;
  /** Told as each part is collected: a percentage and what is being read. */
  onProgress?: (percent: number, message: string) => void;
  /** Told of group versions discovery had to leave out. */
  onDiscoveryFailures?: (failed: FailedGroupVersion[]) => void;
}

/**
 * What the cluster holds, for the hub: version, namespaces, storage classes, nodes and every
 * served API resource. Reads only; safe to repeat. Throws the LifeboatError of the first
 * request that fails (see toKubeError), or the signal's reason once it aborts.
 */
export async function collectInventory(kc: KubeConfig, context: InventoryContext = {}): Promise<Inventory> {
  const { signal } = context;
  const progress = (percent: number, message: string) => {
    signal?.throwIfAborted();
    context.onProgress?.(percent, message);
  };
  progress(0, "reading the API server version");
  const kubernetesVersion = await readKubernetesVersion(kc, signal);
  progress(10, "listing namespaces");
  const namespaces = await listNamespaces(kc, signal);
  progress(30, "listing storage classes");
  const storageClasses = await listStorageClasses(kc, signal);
  progress(40, "listing nodes");
  const nodes = await listNodes(kc, signal);
  progress(60, "discovering API resources");
  const discovery = await discoverApiResources(kc, signal);
  if (discovery.failed.length > 0) context.onDiscoveryFailures?.(discovery.failed);
  progress(100, "inventory collected");
  return create(InventorySchema, {
    collectTime: timestampNow(),
    kubernetesVersion,
    namespaces: namespaces.map(toInventoryNamespace),
    storageClasses: storageClasses.map(toInventoryStorageClass),
    nodes: nodes.map(toInventoryNode),
    apiResources: discovery.resources.map(toApiResource),
  });
}

async function listNamespaces(kc: KubeConfig, signal: AbortSignal | undefined): Promise<V1Namespace[]> {
  const api = kc.makeApiClient(CoreV1Api);
  try {
    return await listAllPages((token, limit) => api.listNamespace({ _continue: token, limit }, withSignal(signal)));
  } catch (err) {
    throw toKubeError(err, "listing namespaces", signal);
  }
}

async function listStorageClasses(kc: KubeConfig, signal: AbortSignal | undefined): Promise<V1StorageClass[]> {
  const api = kc.makeApiClient(StorageV1Api);
  try {
    return await listAllPages((token, limit) => api.listStorageClass({ _continue: token, limit }, withSignal(signal)));
  } catch (err) {
    throw toKubeError(err, "listing storage.k8s.io/v1 storageclasses", signal);
  }
}

async function listNodes(kc: KubeConfig, signal: AbortSignal | undefined): Promise<V1Node[]> {
  const api = kc.makeApiClient(CoreV1Api);
  try {
    return await listAllPages((token, limit) => api.listNode({ _continue: token, limit }, withSignal(signal)));
  } catch (err) {
    throw toKubeError(err, "listing nodes", signal);
  }
}

function toInventoryNamespace(namespace: V1Namespace): InventoryNamespace {
  const created = namespace.metadata?.creationTimestamp;
  return create(InventoryNamespaceSchema, {
    name: namespace.metadata?.name ?? "",
    uid: namespace.metadata?.uid ?? "",
    labels: namespace.metadata?.labels ?? {},
    phase: namespace.status?.phase ?? "",
    createTime: created ? timestampFromDate(new Date(created)) : undefined,
  });
}

function toInventoryStorageClass(storageClass: V1StorageClass): InventoryStorageClass {
  const annotations = storageClass.metadata?.annotations ?? {};
  return create(InventoryStorageClassSchema, {
    name: storageClass.metadata?.name ?? "",
    provisioner: storageClass.provisioner,
    isDefault: DEFAULT_CLASS_ANNOTATIONS.some((key) => annotations[key] === "true"),
    // The API server defaults both; a class stored before the defaults existed may lack them.
    reclaimPolicy: storageClass.reclaimPolicy ?? "Delete",
    volumeBindingMode: storageClass.volumeBindingMode ?? "Immediate",
    allowVolumeExpansion: storageClass.allowVolumeExpansion ?? false,
    parameters: storageClass.parameters ?? {},
  });
}

function toInventoryNode(node: V1Node): InventoryNode {
  const info = node.status?.nodeInfo;
  return create(InventoryNodeSchema, {
    name: node.metadata?.name ?? "",
    labels: node.metadata?.labels ?? {},
    kubeletVersion: info?.kubeletVersion ?? "",
    osImage: info?.osImage ?? "",
    architecture: info?.architecture ?? "",
    ready: (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    providerId: node.spec?.providerID ?? "",
  });
}

function toApiResource(resource: DiscoveredResource): ApiResource {
  return create(ApiResourceSchema, {
    group: resource.group,
    versions: resource.versions,
    preferredVersion: resource.preferredVersion,
    resource: resource.resource,
    kind: resource.kind,
    namespaced: resource.namespaced,
    verbs: resource.verbs,
    subresources: resource.subresources,
    shortNames: resource.shortNames,
    categories: resource.categories,
  });
}
