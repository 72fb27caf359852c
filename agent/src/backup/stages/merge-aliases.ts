import type { BackupItem, BackupItemVersion } from "@lifeboat/shared/repo";
import type { ResourceRank } from "../preferred-group.js";
import { resourceKey } from "../resources.js";

/** An item as one resource serves it, with its object's `metadata.uid` ("" when unknown). */
export interface ServedItem extends BackupItem {
  uid: string;
}

/**
 * One manifest item per object: items of different resources with the same UID (an Ingress on
 * 1.16 under extensions and networking.k8s.io, an Event under core and events.k8s.io) become the
 * item of the resource `rank` prefers, whose `versions` list its own versions first, then the
 * others' in rank order, each naming its `group` and `resource` where they differ from the item's.
 * Items without a UID are kept as they are. The result is in the order of each object's first item.
 */
export function mergeAliases(items: Iterable<ServedItem>, rank: ResourceRank): BackupItem[] {
  const objects = new Map<string, ServedItem[]>();
  const merged: Array<BackupItem | ServedItem[]> = [];
  for (const item of items) {
    if (item.uid === "") {
      merged.push(withoutUid(item));
      continue;
    }
    const aliases = objects.get(item.uid);
    if (aliases) aliases.push(item);
    else {
      const group = [item];
      objects.set(item.uid, group);
      merged.push(group);
    }
  }
  return merged.map((entry) => (Array.isArray(entry) ? mergeObject(entry, rank) : entry));
}

function mergeObject(aliases: ServedItem[], rank: ResourceRank): BackupItem {
  const [preferred, ...others] = [...aliases].sort((a, b) => rank(a) - rank(b) || compare(resourceKey(a), resourceKey(b)));
  const item = withoutUid(preferred!);
  if (others.length === 0) return item;
  const versions: BackupItemVersion[] = [...(item.versions ?? [{ version: item.version, content: item.content }])];
  for (const other of others) {
    for (const v of other.versions ?? [{ version: other.version, content: other.content }]) {
      versions.push({
        ...(other.group !== item.group ? { group: other.group } : {}),
        ...(other.resource !== item.resource ? { resource: other.resource } : {}),
        version: v.version,
        content: v.content,
      });
    }
  }
  return { ...item, versions };
}

function withoutUid(item: ServedItem): BackupItem {
  const { uid: _uid, ...rest } = item;
  return rest;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
