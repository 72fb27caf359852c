import type { ResourceInfo } from "../api-types.js";
import { coreResources } from "./catalog-core.js";
import { networkingResources } from "./catalog-networking.js";
import { platformResources } from "./catalog-platform.js";
import { workloadResources } from "./catalog-workloads.js";
import { compareKubeAwareVersions } from "./kube-version.js";
import { compareGroups, versionPriority } from "./priorities.js";
import { releaseMinors, versionInfo } from "./release-info.js";
import type { Persona, PersonaGroup, PersonaOptions, ResourceDef } from "./types.js";
import { STANDARD_VERBS } from "./verbs.js";

/** Every built-in resource of every release the personas cover, with its serving window. */
export const resourceCatalog: readonly ResourceDef[] = [...coreResources, ...workloadResources, ...networkingResources, ...platformResources];

/** The Kubernetes versions a persona exists for, oldest first: "1.16", "1.20", ... */
export const supportedVersions: string[] = releaseMinors.map((m) => `1.${m}`);

export function storageKeyOf(def: Pick<ResourceDef, "group" | "resource" | "storageKey">): string {
  return def.storageKey ?? `${def.group}/${def.resource}`;
}

/** The group part of a storage key: "networking.k8s.io" for "networking.k8s.io/ingresses", "" for "/events". */
export function storageGroupOf(storageKey: string): string {
  return storageKey.slice(0, storageKey.lastIndexOf("/"));
}

/**
 * The version each storage key is kept in, whatever the persona: the newest version of
 * the storage group that any release serves. One fixed choice means an object written
 * through any served version converts via the same hub, even where the persona does not
 * serve the hub itself (Ingress is stored as networking.k8s.io/v1 on 1.16).
 */
export const storageVersions: ReadonlyMap<string, string> = (() => {
  const result = new Map<string, string>();
  for (const def of resourceCatalog) {
    const key = storageKeyOf(def);
    if (def.group !== storageGroupOf(key)) continue;
    const current = result.get(key);
    if (current === undefined || compareKubeAwareVersions(def.version, current) < 0) result.set(key, def.version);
  }
  return result;
})();

function isServed(def: ResourceDef, minor: number, legacyApis: boolean): boolean {
  if (minor < def.since) return false;
  if (def.removedIn === undefined || minor < def.removedIn) return true;
  return legacyApis && def.legacyUntil !== undefined && minor < def.legacyUntil;
}

function toResourceInfo(def: ResourceDef, minor: number): ResourceInfo {
  const storageKey = storageKeyOf(def);
  const storageVersion = storageVersions.get(storageKey);
  if (storageVersion === undefined) throw new Error(`no storage version for ${storageKey}`);
  const info: ResourceInfo = {
    group: def.group,
    version: def.version,
    resource: def.resource,
    kind: def.kind,
    // Discovery reported "" for built-ins until 1.27 filled it in; the lower-cased kind is what clients derive.
    singularName: def.kind.toLowerCase(),
    namespaced: def.namespaced,
    verbs: [...(def.verbs ?? STANDARD_VERBS)],
    subresources: (def.subresources ?? []).filter((sub) => minor >= (def.subresourcesSince?.[sub] ?? 0)),
    storageKey,
    storageVersion,
  };
  if (def.shortNames) info.shortNames = [...def.shortNames];
  if (def.categories && (def.categoriesSince === undefined || minor >= def.categoriesSince)) info.categories = [...def.categories];
  return info;
}

function compareVersionsInGroup(group: string, a: string, b: string): number {
  const byPriority = versionPriority(group, b) - versionPriority(group, a);
  return byPriority !== 0 ? byPriority : compareKubeAwareVersions(a, b);
}

function parseMinor(version: number | string): number | undefined {
  if (typeof version === "number") return Number.isInteger(version) ? version : undefined;
  const m = /^v?(?:1\.)?(\d+)(?:\.\d+)?$/.exec(version.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * What a stock kube-apiserver of the given minor version serves with default flags.
 * Accepts 16, "16", "1.16", "v1.16" or "1.16.15"; throws for a version without a persona.
 */
export function getPersona(version: number | string, options: PersonaOptions = {}): Persona {
  const minor = parseMinor(version);
  const info = minor === undefined ? undefined : versionInfo(minor);
  if (minor === undefined || info === undefined) {
    throw new Error(`unsupported Kubernetes version ${JSON.stringify(String(version))}: supported versions are ${supportedVersions.join(", ")}`);
  }
  const legacyApis = options.legacyApis ?? false;

  const byGroup = new Map<string, ResourceInfo[]>();
  for (const def of resourceCatalog) {
    if (!isServed(def, minor, legacyApis)) continue;
    const list = byGroup.get(def.group) ?? [];
    list.push(toResourceInfo(def, minor));
    byGroup.set(def.group, list);
  }

  const groups: PersonaGroup[] = [...byGroup.entries()].map(([group, resources]) => {
    const versions = [...new Set(resources.map((r) => r.version))].sort((a, b) => compareVersionsInGroup(group, a, b));
    resources.sort((a, b) => versions.indexOf(a.version) - versions.indexOf(b.version) || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
    return { group, versions, preferredVersion: versions[0] ?? "", resources };
  });
  const core = groups.filter((g) => g.group === "");
  const named = groups.filter((g) => g.group !== "").sort(compareGroups);

  return {
    minor,
    version: info,
    groups: [...core, ...named],
    supportsAggregatedDiscovery: minor >= 27,
    supportsOpenApiV3: minor >= 24,
  };
}
