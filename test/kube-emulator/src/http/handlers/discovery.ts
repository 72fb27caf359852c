import { formatGroupVersion, type JsonObject, type ResourceInfo } from "../../api-types.js";
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

function resourceEntries(r: ResourceInfo): JsonObject[] {
  const main: JsonObject = {
    name: r.resource,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames?.length) main.shortNames = r.shortNames;
  if (r.categories?.length) main.categories = r.categories;
  const entries = [main];
  if (r.subresources.includes("status")) {
    entries.push({ name: `${r.resource}/status`, singularName: "", namespaced: r.namespaced, kind: r.kind, verbs: ["get", "patch", "update"] });
  }
  if (r.storageKey === "/namespaces") {
    entries.push({ name: "namespaces/finalize", singularName: "", namespaced: false, kind: "Namespace", verbs: ["update"] });
  }
  if (r.subresources.includes("scale")) {
    entries.push({ name: `${r.resource}/scale`, singularName: "", namespaced: r.namespaced, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] });
  }
  return entries;
}

export function resourceList(registry: ResourceRegistry, groupName: string, version: string): JsonObject {
  const served = registry.servedGroup(groupName);
  if (!served || !served.versions.includes(version)) throw notFoundPath();
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: formatGroupVersion({ group: groupName, version }),
    resources: registry.resourcesOf({ group: groupName, version }).flatMap(resourceEntries),
  };
}
