// A PlannedItem builder for this folder's unit tests: an item applied as it was backed up.
import type { ContentId } from "@lifeboat/shared/repo";
import type { PlannedItem } from "../types.js";

export function plannedItem(resource: string, name: string, options: { group?: string; version?: string; kind?: string; namespace?: string } = {}): PlannedItem {
  const group = options.group ?? "";
  const version = options.version ?? "v1";
  const namespace = options.namespace ?? "";
  const kind = options.kind ?? resource.replace(/s$/, "").replace(/^./, (c) => c.toUpperCase());
  const content = `content-${resource}-${name}` as ContentId;
  return {
    source: { group, version, resource, namespace, name, content, kind },
    from: { group, resource, version, content },
    to: { group, version, resource, kind, namespaced: namespace !== "" },
    namespace,
    name,
  };
}
