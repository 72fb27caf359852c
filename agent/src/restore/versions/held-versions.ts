import type { BackupItem } from "@lifeboat/shared/repo";
import type { StoredVersion } from "../types.js";

/**
 * Every group/resource/version the backup holds `item` in, the item's own version first, each
 * once. An item written before backups kept every version has only its own.
 */
export function heldVersions(item: BackupItem): StoredVersion[] {
  const own: StoredVersion = { group: item.group, resource: item.resource, version: item.version, content: item.content };
  const held = [own];
  for (const v of item.versions ?? []) {
    const stored: StoredVersion = { group: v.group ?? item.group, resource: v.resource ?? item.resource, version: v.version, content: v.content };
    if (!held.some((h) => isSameVersion(h, stored))) held.push(stored);
  }
  return held;
}

function isSameVersion(a: StoredVersion, b: StoredVersion): boolean {
  return a.group === b.group && a.resource === b.resource && a.version === b.version;
}
