import type { DiscoveredResource } from "../../kube/index.js";
import type { BackupResource } from "../resources.js";

/**
 * The resources a backup can read, from discovery: those whose verbs include both list and get
 * (subresources are already folded into their resource by discovery), with every served version,
 * the preferred one first.
 */
export function toBackupResources(discovered: readonly DiscoveredResource[]): BackupResource[] {
  return discovered
    .filter((r) => r.verbs.includes("list") && r.verbs.includes("get") && !r.resource.includes("/"))
    .map((r) => ({
      group: r.group,
      resource: r.resource,
      kind: r.kind,
      namespaced: r.namespaced,
      versions: [r.preferredVersion, ...r.versions.filter((v) => v !== r.preferredVersion)],
      preferredVersion: r.preferredVersion,
      shortNames: r.shortNames,
    }));
}
