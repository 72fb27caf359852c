// Which group an object served under two groups is backed up under (an Ingress on 1.16 is
// extensions/v1beta1 and networking.k8s.io/v1beta1 ingresses; an Event is core v1 and
// events.k8s.io events): the group the cluster prefers, from discovery's group order.
import { resourceKey, type BackupResource } from "./resources.js";

/** Lower ranks are preferred. Resources discovery did not name rank after every one it did. */
export type ResourceRank = (resource: { group: string; resource: string }) => number;

// kube-apiserver lists `extensions` near the top of /apis only so that kubectl's unqualified
// names kept resolving to it ("for CLI compatibility", apiVersionPriorities in its aggregator);
// every kind it served moved to a group that outlived it (apps, networking.k8s.io, policy).
const LEGACY_GROUPS = new Set(["extensions"]);

/**
 * Ranks `resources` (in discovery order: the core group, then /apis in the server's group
 * priority order) by their group's place in that order, with the legacy `extensions` group last.
 * So an object in the core group and another keeps the core group (events), and one served by
 * `extensions` and `networking.k8s.io` keeps `networking.k8s.io` (ingresses on 1.14-1.21).
 */
export function rankByPreferredGroup(resources: readonly BackupResource[]): ResourceRank {
  const ordered = [...resources.filter((r) => !LEGACY_GROUPS.has(r.group)), ...resources.filter((r) => LEGACY_GROUPS.has(r.group))];
  const ranks = new Map(ordered.map((r, i) => [resourceKey(r), i]));
  return (resource) => ranks.get(resourceKey(resource)) ?? ordered.length;
}
