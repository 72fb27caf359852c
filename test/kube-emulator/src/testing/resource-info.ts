// For unit tests: catalog entries (ResourceInfo) written as one short line each, with the
// verbs and storage location most resources have, so that a test spells out only what differs.
import type { ResourceInfo } from "../api-types.js";

/** The verbs of an ordinary resource. */
const standardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** A resource served in `group`/`version`, stored there under `group/resource`, with the standard verbs and no subresources unless `extra` says otherwise. */
export function resourceInfo(group: string, version: string, resource: string, kind: string, namespaced: boolean, extra: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    group,
    version,
    resource,
    kind,
    singularName: kind.toLowerCase(),
    namespaced,
    verbs: standardVerbs,
    subresources: [],
    storageKey: `${group}/${resource}`,
    storageVersion: version,
    ...extra,
  };
}
