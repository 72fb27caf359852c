// The version-choice stage: which of the versions a backup holds an item in is applied to the
// target, and as what. A backup keeps every version (and every alias group) its source served,
// so an old backup usually holds one the target serves; removed versions are converted.
import type { BackupItem } from "@lifeboat/shared/repo";
import { apiVersionOf, qualifiedName, resourceKey } from "../../backup/resources.js";
import type { AppliedAs, StoredVersion, TargetResource } from "../types.js";
import { conversionFamilyOf, type ConversionFamily, type GroupResource } from "./conversion-table.js";
import { heldVersions } from "./held-versions.js";

/** The stored JSON to read and what it is applied as, or why the target cannot take the item. */
export type VersionChoice = { from: StoredVersion; to: AppliedAs; conversion?: string } | { unavailable: string };

export interface ChooseVersionOptions {
  /**
   * Resource keys ("shop.example.com/widgets") of custom resources whose CustomResourceDefinition
   * this restore applies: the target does not serve them yet, but will once that definition is
   * Established, in the versions it had in the source.
   */
  restoredDefinitions?: ReadonlySet<string>;
}

/**
 * Chooses how `item` is applied to a target serving `target` (keyed by resourceKey: "apps/deployments",
 * "/configmaps"). In order:
 *  (a) the target's preferred version of the item's resource, if the backup holds it;
 *  (b) else another version the target serves, of the item's resource or of an alias group the
 *      item was stored under, that the backup holds, in the target's version order;
 *  (c) else a known conversion from a held version into the version the conversion table names
 *      (networking.k8s.io/v1 for Ingress...), when the target serves it;
 *  (d) else `unavailable`, naming the versions the backup holds and those the target serves.
 * "The item's resource" is the first of the item's stored resources the target serves, else the
 * resource the conversion table maps it to (an extensions Ingress on a target without extensions).
 * A custom resource the target does not serve but whose definition the restore applies
 * (`options.restoredDefinitions`) is applied in its own version, as the source served it.
 */
export function chooseVersion(item: BackupItem, target: ReadonlyMap<string, TargetResource>, options: ChooseVersionOptions = {}): VersionChoice {
  const held = heldVersions(item);
  const family = held.map(conversionFamilyOf).find((f) => f !== undefined);
  const served = servedResources(held, family, target);
  if (served.length === 0 && options.restoredDefinitions?.has(resourceKey(item))) {
    const [own] = held;
    return { from: own!, to: { group: item.group, version: item.version, resource: item.resource, kind: item.kind ?? "", namespaced: item.namespace !== "" } };
  }
  const [primary] = served;
  if (primary) {
    const preferred = findHeld(held, primary, primary.preferredVersion);
    if (preferred) return { from: preferred, to: appliedAs(primary, primary.preferredVersion) };
    for (const resource of served) {
      for (const version of resource.versions) {
        const stored = findHeld(held, resource, version);
        if (stored) return { from: stored, to: appliedAs(resource, version) };
      }
    }
  }
  const converted = family && chooseConversion(held, family, target);
  return converted ?? { unavailable: unavailableReason(item, held, served) };
}

/** The target resources that serve the item: its stored ones first, then its family's. */
function servedResources(held: readonly StoredVersion[], family: ConversionFamily | undefined, target: ReadonlyMap<string, TargetResource>): TargetResource[] {
  const names: GroupResource[] = [...held, ...(family ? [family.to, ...family.aliases] : [])];
  const served: TargetResource[] = [];
  for (const name of names) {
    const resource = target.get(resourceKey(name));
    if (resource && !served.includes(resource)) served.push(resource);
  }
  return served;
}

function chooseConversion(held: readonly StoredVersion[], family: ConversionFamily, target: ReadonlyMap<string, TargetResource>): VersionChoice | undefined {
  const resource = target.get(resourceKey(family.to));
  if (!resource?.versions.includes(family.to.version)) return undefined;
  const ofFamily = held.filter((h) => conversionFamilyOf(h) === family);
  for (const apiVersion of family.from) {
    const from = ofFamily.find((h) => apiVersionOf(h) === apiVersion);
    if (from) {
      const to = appliedAs(resource, family.to.version);
      return { from, to, conversion: `${qualifiedName(from)}/${from.version} -> ${apiVersionOf(to)}` };
    }
  }
  return undefined;
}

function findHeld(held: readonly StoredVersion[], resource: GroupResource, version: string): StoredVersion | undefined {
  return held.find((h) => h.group === resource.group && h.resource === resource.resource && h.version === version);
}

function appliedAs(resource: TargetResource, version: string): AppliedAs {
  return { group: resource.group, version, resource: resource.resource, kind: resource.kind, namespaced: resource.namespaced };
}

/** "the backup holds ingresses.networking.k8s.io in v1 only; the target serves ingresses in networking.k8s.io/v1beta1, extensions/v1beta1" */
function unavailableReason(item: BackupItem, held: readonly StoredVersion[], served: readonly TargetResource[]): string {
  const byResource = new Map<string, string[]>();
  for (const h of held) {
    const name = qualifiedName(h);
    byResource.set(name, [...(byResource.get(name) ?? []), h.version]);
  }
  const holds = [...byResource].map(([name, versions]) => `${name} in ${versions.join(", ")}`).join(" and ");
  const serves = served.length === 0 ? `the target serves no version of ${qualifiedName(item)}` : `the target serves ${item.resource} in ${served.flatMap((r) => r.versions.map((v) => apiVersionOf({ group: r.group, version: v }))).join(", ")}`;
  return `the backup holds ${holds} only; ${serves}`;
}

/** The resource key a CustomResourceDefinition named `name` ("widgets.shop.example.com") defines: "shop.example.com/widgets". */
export function definedResourceKey(crdName: string): string {
  const dot = crdName.indexOf(".");
  return dot < 0 ? `/${crdName}` : resourceKey({ group: crdName.slice(dot + 1), resource: crdName.slice(0, dot) });
}
