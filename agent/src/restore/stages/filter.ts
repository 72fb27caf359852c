// The filter stage: which of the backup's items the restore takes, by the spec's namespaces,
// resources, cluster-scoped policy and label selector.
import type { RestoreSpec } from "@lifeboat/proto";
import { parseLabelSelector } from "@lifeboat/shared";
import type { BackupItem } from "@lifeboat/shared/repo";
import { includeExcludeOf } from "../../backup/rules/name-patterns.js";
import { resourcePatternMatches } from "../../backup/rules/resource-patterns.js";
import { checkNotBoth, effectiveClusterPolicy } from "../../backup/stages/select.js";
import { resourceKey, type BackupResource } from "../../backup/resources.js";
import type { KubeObject } from "../types.js";

export interface FilterContext {
  /** The target's resources, for short names in resource patterns. */
  target: readonly BackupResource[];
  /** The item's stored JSON: read only to match labels and to find a volume's claim. */
  readJson(item: BackupItem): Promise<KubeObject>;
}

const NAMESPACES = "/namespaces";
const CRDS = "apiextensions.k8s.io/customresourcedefinitions";
const PVS = "/persistentvolumes";
const STORAGE_CLASSES = "storage.k8s.io/storageclasses";

/**
 * The items of `items` the spec restores, in their order. Namespaces and resources match as in a
 * backup (names or globs; excludes win). Cluster-scoped items follow include_cluster_resources:
 * INCLUDE all, EXCLUDE none, AUTO all when no namespace filter is given, else what the restored
 * namespaced items need: their Namespace objects, the CRDs of restored custom resources, storage
 * classes, and the volumes claimed from the restored namespaces. Throws INVALID_ARGUMENT naming
 * the field for an entry both included and excluded or a bad label selector.
 */
export async function filterItems(items: readonly BackupItem[], spec: RestoreSpec, context: FilterContext): Promise<BackupItem[]> {
  checkNotBoth(spec.includedNamespaces, spec.excludedNamespaces, "spec.excluded_namespaces");
  checkNotBoth(spec.includedResources, spec.excludedResources, "spec.excluded_resources");
  const labelsMatch = spec.labelSelector.trim() === "" ? undefined : parseLabelSelector(spec.labelSelector, "spec.label_selector");
  const isSelectedNamespace = includeExcludeOf(spec.includedNamespaces, spec.excludedNamespaces);
  const hasNamespaceFilter = spec.includedNamespaces.length > 0 && !spec.includedNamespaces.includes("*");
  const clusterPolicy = effectiveClusterPolicy(spec.includeClusterResources, hasNamespaceFilter);
  const shortNames = new Map(context.target.map((r) => [resourceKey(r), r.shortNames]));
  const isSelectedResource = (item: BackupItem): boolean => {
    const resource: BackupResource = { group: item.group, resource: item.resource, kind: item.kind ?? "", namespaced: item.namespace !== "", versions: [], preferredVersion: item.version, shortNames: shortNames.get(resourceKey(item)) ?? [] };
    const included = spec.includedResources.length === 0 || spec.includedResources.some((p) => resourcePatternMatches(p, resource));
    return included && !spec.excludedResources.some((p) => resourcePatternMatches(p, resource));
  };

  const namespaced = items.filter((item) => item.namespace !== "" && isSelectedNamespace(item.namespace) && isSelectedResource(item));
  const restoredGroups = new Set(namespaced.map((item) => `${item.resource}.${item.group}`));
  const clusterScoped: BackupItem[] = [];
  for (const item of items) {
    if (item.namespace !== "" || !isSelectedResource(item) || clusterPolicy === "none") continue;
    const key = resourceKey(item);
    if (key === NAMESPACES) {
      if (isSelectedNamespace(item.name)) clusterScoped.push(item);
    } else if (clusterPolicy === "all") clusterScoped.push(item);
    else if (key === CRDS ? restoredGroups.has(item.name) : key === STORAGE_CLASSES) clusterScoped.push(item);
    else if (key === PVS && (await claimsFrom(item, context, isSelectedNamespace))) clusterScoped.push(item);
  }
  const selected = [...clusterScoped, ...namespaced];
  if (!labelsMatch) return selected;
  const matching: BackupItem[] = [];
  for (const item of selected) if (labelsMatch((await context.readJson(item)).metadata?.labels ?? {})) matching.push(item);
  return matching;
}

async function claimsFrom(pv: BackupItem, context: FilterContext, isSelectedNamespace: (namespace: string) => boolean): Promise<boolean> {
  const claim = (await context.readJson(pv)).spec as { claimRef?: { namespace?: string } } | undefined;
  return claim?.claimRef?.namespace !== undefined && isSelectedNamespace(claim.claimRef.namespace);
}
