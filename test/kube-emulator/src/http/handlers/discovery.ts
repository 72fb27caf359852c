import { formatGroupVersion, type JsonObject, type ResourceInfo, type Subresource } from "../../api-types.js";
import type { ResourceRegistry, ServedGroup } from "../../registry/index.js";
import { StatusError } from "../status-error.js";

export function notFoundPath(): StatusError {
  return new StatusError(404, "NotFound", "the server could not find the requested resource");
}

export function legacyVersions(serverAddress: string): JsonObject {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupEntry(g: ServedGroup): JsonObject {
  return {
    name: g.group,
    versions: g.versions.map((version) => ({ groupVersion: `${g.group}/${version}`, version })),
    preferredVersion: { groupVersion: `${g.group}/${g.preferredVersion}`, version: g.preferredVersion },
  };
}

export function groupList(registry: ResourceRegistry): JsonObject {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: registry.servedGroups().filter((g) => g.group !== "").map(groupEntry),
  };
}

export function group(registry: ResourceRegistry, name: string): JsonObject {
  const g = registry.servedGroup(name);
  if (!g || name === "") throw notFoundPath();
  return { kind: "APIGroup", apiVersion: "v1", ...groupEntry(g) };
}

/** Kind and verbs of each subresource as discovery shows it (the storage's New() and verbs). */
const subresourceShapes: Record<Exclude<Subresource, "status" | "scale">, { kind: string; verbs: string[] }> = {
  attach: { kind: "PodAttachOptions", verbs: ["create", "get"] },
  binding: { kind: "Binding", verbs: ["create"] },
  ephemeralcontainers: { kind: "Pod", verbs: ["get", "patch", "update"] },
  eviction: { kind: "Eviction", verbs: ["create"] },
  exec: { kind: "PodExecOptions", verbs: ["create", "get"] },
  log: { kind: "Pod", verbs: ["get"] },
  portforward: { kind: "PodPortForwardOptions", verbs: ["create", "get"] },
  proxy: { kind: "PodProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] },
};

function subresourceEntry(r: ResourceInfo, sub: Subresource, minor: number): JsonObject {
  const entry: JsonObject = { name: `${r.resource}/${sub}`, singularName: "", namespaced: r.namespaced };
  if (sub === "status") return { ...entry, kind: r.kind, verbs: ["get", "patch", "update"] };
  if (sub === "scale") return { ...entry, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] };
  // Evictions are policy/v1 from 1.22 (EvictionREST.GroupVersionKind).
  if (sub === "eviction") return { ...entry, group: "policy", version: minor >= 22 ? "v1" : "v1beta1", ...subresourceShapes.eviction };
  return { ...entry, ...subresourceShapes[sub] };
}

function resourceEntries(r: ResourceInfo, minor: number): JsonObject[] {
  const main: JsonObject = {
    name: r.resource,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames?.length) main.shortNames = r.shortNames;
  if (r.categories?.length) main.categories = r.categories;
  const subs = r.subresources.map((sub) => subresourceEntry(r, sub, minor));
  if (r.storageKey === "/namespaces") {
    subs.push({ name: "namespaces/finalize", singularName: "", namespaced: false, kind: "Namespace", verbs: ["update"] });
  }
  // The installer registers paths in sorted order, so subresources follow their resource alphabetically.
  subs.sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1));
  return [main, ...subs];
}

export function resourceList(registry: ResourceRegistry, groupName: string, version: string, minor: number): JsonObject {
  const served = registry.servedGroup(groupName);
  if (!served || !served.versions.includes(version)) throw notFoundPath();
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: formatGroupVersion({ group: groupName, version }),
    resources: registry.resourcesOf({ group: groupName, version }).flatMap((r) => resourceEntries(r, minor)),
  };
}
