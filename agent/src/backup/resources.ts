// How the backup names resources and items. A resource is a group + plural name; its
// "qualified name" is what users write and summaries count by: "deployments.apps", "configmaps".

/** A resource in one of its versions: enough to build its API path. */
export interface ResourceVersionRef {
  group: string;
  version: string;
  resource: string;
}

/** A resource the backup may read: listable, with every version the cluster serves it in. */
export interface BackupResource {
  group: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Served versions, `preferredVersion` first. */
  versions: string[];
  preferredVersion: string;
  shortNames: string[];
}

/** One object in the cluster. `namespace` is "" when the resource is cluster-scoped. */
export interface ItemRef {
  group: string;
  resource: string;
  namespace: string;
  name: string;
}

/** "deployments.apps", or "configmaps" for the core group. */
export function qualifiedName(resource: { group: string; resource: string }): string {
  return resource.group === "" ? resource.resource : `${resource.resource}.${resource.group}`;
}

/** A key that tells resources apart: "apps/deployments", "/configmaps". */
export function resourceKey(resource: { group: string; resource: string }): string {
  return `${resource.group}/${resource.resource}`;
}

/** How summaries and dry runs name an item: "deployments.apps/shop/web", "storageclasses.storage.k8s.io//fast". */
export function itemName(item: ItemRef): string {
  return `${qualifiedName(item)}/${item.namespace}/${item.name}`;
}

/** The group of an apiVersion: "" for "v1", "apps" for "apps/v1". */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export function apiVersionOf(ref: { group: string; version: string }): string {
  return ref.group === "" ? ref.version : `${ref.group}/${ref.version}`;
}
