import { ClusterResourcePolicy, type BackupSpec } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { includeExcludeOf, isGlob } from "../rules/name-patterns.js";
import { resourcePatternMatches, resourcesMatching } from "../rules/resource-patterns.js";
import { resourceKey, type BackupResource, type ItemRef } from "../resources.js";

/** What a spec selects in one cluster: the answer of the select stage, before any item is read. */
export interface Selection {
  /** The namespaces backed up, sorted. */
  namespaces: string[];
  /** Whether the spec narrowed the namespaces (then AUTO takes only cluster-scoped dependencies). */
  hasNamespaceFilter: boolean;
  /** Resources whose items are listed, with the label selectors, to select items. */
  resources: BackupResource[];
  /** The Namespace objects of `namespaces` are backed up (unless "namespaces" is excluded). */
  includesNamespaceObjects: boolean;
  /** Label selectors to list with, one list per selector and the union taken; [""] for none. */
  labelSelectors: string[];
  /** Whether a dependency may join the backup: what the spec does not exclude. */
  allowsDependency(item: ItemRef): boolean;
}

const NAMESPACES = { group: "", resource: "namespaces" };

/**
 * Applies `spec` to what the cluster serves and holds. Excludes win over includes. Throws
 * INVALID_ARGUMENT naming the field when the spec names something this cluster does not have: an
 * included namespace without a glob that does not exist, an included resource without a glob that
 * the cluster does not serve, or an entry both included and excluded.
 */
export function selectResources(spec: BackupSpec, resources: readonly BackupResource[], existingNamespaces: readonly string[]): Selection {
  checkNotBoth(spec.includedNamespaces, spec.excludedNamespaces, "spec.excluded_namespaces");
  checkNotBoth(spec.includedResources, spec.excludedResources, "spec.excluded_resources");
  checkLabelSelectors(spec);
  const existing = new Set(existingNamespaces);
  for (const name of spec.includedNamespaces) {
    if (!isGlob(name) && !existing.has(name)) {
      throw new LifeboatError("INVALID_ARGUMENT", `spec.included_namespaces: namespace "${name}" does not exist in this cluster; name an existing namespace or use a glob`, {
        field: "spec.included_namespaces",
        value: name,
      });
    }
  }
  for (const pattern of spec.includedResources) {
    if (!isGlob(pattern) && !resources.some((r) => resourcePatternMatches(pattern, r))) {
      throw new LifeboatError(
        "INVALID_ARGUMENT",
        `spec.included_resources: "${pattern}" names no resource this cluster serves; use a plural ("deployments"), a qualified name ("deployments.apps"), a kind ("Deployment") or a glob`,
        { field: "spec.included_resources", value: pattern },
      );
    }
  }

  const isSelectedNamespace = includeExcludeOf(spec.includedNamespaces, spec.excludedNamespaces);
  const namespaces = existingNamespaces.filter(isSelectedNamespace).sort();
  const hasNamespaceFilter = spec.includedNamespaces.length > 0 && !spec.includedNamespaces.includes("*");
  const excluded = new Set(resourcesMatching(spec.excludedResources, resources).map(resourceKey));
  const included = spec.includedResources.length === 0 ? resources : resourcesMatching(spec.includedResources, resources);
  const clusterPolicy = effectiveClusterPolicy(spec.includeClusterResources, hasNamespaceFilter);
  const selectedNamespaces = new Set(namespaces);

  const selected = included.filter((r) => {
    if (excluded.has(resourceKey(r)) || resourceKey(r) === resourceKey(NAMESPACES)) return false;
    return r.namespaced || clusterPolicy === "all";
  });
  return {
    namespaces,
    hasNamespaceFilter,
    resources: selected,
    includesNamespaceObjects: !excluded.has(resourceKey(NAMESPACES)) && resources.some((r) => resourceKey(r) === resourceKey(NAMESPACES)),
    labelSelectors: spec.orLabelSelectors.length > 0 ? [...spec.orLabelSelectors] : [spec.labelSelector],
    allowsDependency(item) {
      if (excluded.has(resourceKey(item))) return false;
      if (item.namespace !== "") return selectedNamespaces.has(item.namespace);
      return clusterPolicy !== "none";
    },
  };
}

/** What the cluster-resource policy means for this spec: all cluster-scoped items, only dependencies, or none. */
export function effectiveClusterPolicy(policy: ClusterResourcePolicy, hasNamespaceFilter: boolean): "all" | "dependencies" | "none" {
  if (policy === ClusterResourcePolicy.INCLUDE) return "all";
  if (policy === ClusterResourcePolicy.EXCLUDE) return "none";
  return hasNamespaceFilter ? "dependencies" : "all";
}

export function checkNotBoth(included: readonly string[], excluded: readonly string[], field: string): void {
  const both = excluded.find((entry) => included.includes(entry));
  if (both !== undefined) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field}: "${both}" is both included and excluded; name it in one list only`, { field, value: both });
  }
}

function checkLabelSelectors(spec: BackupSpec): void {
  if (spec.labelSelector !== "" && spec.orLabelSelectors.length > 0) {
    throw new LifeboatError("INVALID_ARGUMENT", "spec.or_label_selectors: set either label_selector or or_label_selectors, not both", {
      field: "spec.or_label_selectors",
    });
  }
  const empty = spec.orLabelSelectors.findIndex((s) => s.trim() === "");
  if (empty >= 0) {
    throw new LifeboatError("INVALID_ARGUMENT", `spec.or_label_selectors[${empty}] is empty; each selector must name at least one label`, {
      field: `spec.or_label_selectors[${empty}]`,
    });
  }
}
