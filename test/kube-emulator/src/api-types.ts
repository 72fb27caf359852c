/** A JSON object as it travels on the wire; the emulator stores objects as plain JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Minimal typed view of ObjectMeta, enough for the server's own bookkeeping. */
// Type aliases, not interfaces: only aliases are assignable to JsonObject's index signature.
export type ObjectMeta = {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  /** Filled in on output by servers before 1.20; ignored on input. */
  selfLink?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: JsonObject[];
};

export type OwnerReference = {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
};

/** A stored Kubernetes object. `apiVersion`/`kind` are those of its storage version. */
export interface KubeObject extends JsonObject {
  apiVersion: string;
  kind: string;
  // ObjectMeta is JSON too; the cast keeps index-signature compatibility.
  metadata: JsonObject & ObjectMeta;
}

export interface GroupVersion {
  group: string; // "" for the legacy core group
  version: string;
}

/** "apps/v1", or "v1" for the core group. */
export function formatGroupVersion(gv: GroupVersion): string {
  return gv.group === "" ? gv.version : `${gv.group}/${gv.version}`;
}

export function parseApiVersion(apiVersion: string): GroupVersion {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/**
 * Subresources a built-in resource may serve: status and scale on stored objects, and the
 * pod subresources kube-apiserver registers (pkg/registry/core/rest/storage_core.go).
 */
export type Subresource =
  | "status"
  | "scale"
  | "attach"
  | "binding"
  | "ephemeralcontainers"
  | "eviction"
  | "exec"
  | "log"
  | "portforward"
  | "proxy";

/**
 * One resource as a group/version serves it: what discovery lists, what routing needs,
 * and where its objects are stored. Several served resources may share one storage
 * (Ingress in extensions/v1beta1, networking.k8s.io/v1beta1 and networking.k8s.io/v1).
 */
export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural lower-case name used in URLs, e.g. "deployments". */
  resource: string;
  kind: string;
  singularName: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Subresources this resource serves. */
  subresources: Subresource[];
  /** Objects of all versions sharing this key are one stored object: "<group>/<resource>". */
  storageKey: string;
  /** The version objects are kept in; conversions go via it. */
  storageVersion: string;
  /** For scale subresources on custom resources: JSON paths of spec/status replicas and selector. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
}
