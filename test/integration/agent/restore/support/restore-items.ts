// Planned items with their JSON at hand, so apply runs without a repository: `load` hands back a
// copy of the prepared JSON, as the real loader hands back converted, sanitized, transformed JSON.
import type { ContentId } from "@lifeboat/shared/repo";
import type { ItemResult, KubeObject, PlannedItem } from "../../../../../agent/src/restore/types.js";

export interface RestoreItems {
  items: PlannedItem[];
  /** Adds an item applied as `apiVersion`/`resource`, with `object` as its JSON. */
  add(resource: string, object: KubeObject, namespaced?: boolean): PlannedItem;
  load(item: PlannedItem): Promise<KubeObject>;
}

export function restoreItems(): RestoreItems {
  const json = new Map<PlannedItem, KubeObject>();
  const items: PlannedItem[] = [];
  return {
    items,
    add(resource, object, namespaced = object.metadata.namespace !== undefined) {
      const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
      const namespace = object.metadata.namespace ?? "";
      const name = object.metadata.name!;
      const content = `content-${resource}-${namespace}-${name}` as ContentId;
      const item: PlannedItem = {
        source: { group: group!, version: version!, resource, namespace, name, content, kind: object.kind },
        from: { group: group!, resource, version: version!, content },
        to: { group: group!, version: version!, resource, kind: object.kind, namespaced },
        namespace,
        name,
      };
      items.push(item);
      json.set(item, object);
      return item;
    },
    async load(item) {
      const object = json.get(item);
      if (!object) throw new Error(`no JSON prepared for ${item.to.resource} ${item.name}`);
      return structuredClone(object);
    },
  };
}

/** Results by "resource/name", for assertions. */
export function outcomes(results: readonly ItemResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [`${r.item.to.resource}/${r.item.name}`, r.outcome]));
}
